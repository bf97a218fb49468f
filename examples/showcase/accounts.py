"""The ``accounts`` blueprint: sign-up, login and logout under ``/accounts``, on ``cupola.auth``.

The forms are :class:`cupola.forms.Form` subclasses, so each carries a CSRF token and is
validated together with it (login CSRF included). ``cupola.auth.authenticate`` checks the
password (as slowly for an unknown name as for a wrong password, and throttled after
repeated failures); ``login_user`` regenerates the session (new identifier and CSRF secret,
against session fixation); ``logout_user`` clears it.
"""

from __future__ import annotations

from typing import Any

from cupola import Blueprint, flash, redirect, render, request, url_for
from cupola.auth import authenticate, login_user, logout_user
from cupola.exceptions import TooManyRequests
from cupola.forms import Form, PasswordField, StringField, validators
from cupola.security import is_safe_redirect
from examples.showcase.users import UsernameTaken, create_user, find_user

accounts = Blueprint("accounts", __name__, url_prefix="/accounts")


class SignupForm(Form):
    """A new account: a user name and a password typed twice."""

    username = StringField(
        "User name",
        [
            validators.InputRequired(),
            validators.Length(min=3, max=30),
            validators.Regexp(
                r"^[A-Za-z0-9_.-]+$", message="Use letters, digits, '.', '_' and '-' only."
            ),
        ],
    )
    password = PasswordField(
        "Password", [validators.InputRequired(), validators.Length(min=12, max=200)]
    )
    confirm = PasswordField(
        "Password again",
        [validators.InputRequired(), validators.EqualTo("password", "The passwords differ.")],
    )


class LoginForm(Form):
    """An existing account's user name and password."""

    username = StringField("User name", [validators.InputRequired(), validators.Length(max=30)])
    password = PasswordField("Password", [validators.InputRequired(), validators.Length(max=200)])


@accounts.route("/signup", methods=["GET", "POST"])
def signup() -> Any:
    """Create an account, then ask the new user to log in."""
    form = SignupForm()
    if form.validate_on_submit():
        username = form.username.data
        try:
            create_user(username, form.password.data)
        except UsernameTaken:
            form.username.errors.append("That user name is taken.")
        else:
            flash(f"Welcome, {username}! Your account is ready: log in to start.", "success")
            return redirect(url_for("accounts.login"))
    return render("accounts/signup.html", form=form)


@accounts.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Log in, then go where ``?next=`` says if it stays on this site, or to the front page.

    ``@login_required`` sends visitors here with ``?next=``: they are told why.
    """
    target = request.args.get("next")
    if target is not None and not is_safe_redirect(target):
        target = None  # an open-redirect attempt: forget it, never echo it back
    if target is not None and request.method == "GET":
        flash("Please log in first.", "info")
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data, find_user)
        except TooManyRequests as exc:
            error = "Too many failed logins: wait a few minutes, then try again."
            page = render("accounts/login.html", form=form, error=error, next=target)
            return page, 429, exc.headers
        if user is not None:
            login_user(user)
            flash(f"Logged in as {user.username}.", "success")
            return redirect(target or url_for("index"))
        error = "Wrong user name or password."
    return render("accounts/login.html", form=form, error=error, next=target)


@accounts.post("/logout")
def logout() -> Any:
    """Log out: forget everything in the session, reading list included.

    Logout is a POST (with a CSRF token) so that another site cannot log visitors out
    with a link or an image.
    """
    logout_user()
    flash("You have been logged out.", "info")
    return redirect(url_for("index"))
