"""The ``accounts`` blueprint: sign-up, login and logout under ``/accounts``.

The forms are :class:`cupola.forms.Form` subclasses, so each carries a CSRF token and is
validated together with it (login CSRF included). Logging in regenerates the session (new
identifier and CSRF secret, against session fixation) and stores the user name in it;
logging out clears the session. :func:`login_required` guards the pages that need a user.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from cupola import Blueprint, flash, redirect, render, request, session, url_for
from cupola.forms import Form, PasswordField, StringField, validators
from cupola.security import is_safe_redirect
from examples.showcase.users import UsernameTaken, users

accounts = Blueprint("accounts", __name__, url_prefix="/accounts")

F = TypeVar("F", bound=Callable[..., Any])

_USER_KEY = "username"


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


def current_user() -> str | None:
    """The user name of the visitor who is logged in, or ``None``."""
    return cast("str | None", session.get(_USER_KEY))


def login_required(view: F) -> F:
    """Send visitors who are not logged in to the login page, and back after it.

    A GET comes back to the same page through ``next``; any other method, whose body the
    login page cannot replay, comes back to the front page.
    """

    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            flash("Please log in first.", "info")
            target = request.full_path if request.method == "GET" else None
            return redirect(url_for("accounts.login", next=target))
        return view(*args, **kwargs)

    return cast("F", guarded)


@accounts.route("/signup", methods=["GET", "POST"])
def signup() -> Any:
    """Create an account, then ask the new user to log in."""
    form = SignupForm()
    if form.validate_on_submit():
        username = form.username.data
        try:
            users.create(username, form.password.data)
        except UsernameTaken:
            form.username.errors.append("That user name is taken.")
        else:
            flash(f"Welcome, {username}! Your account is ready: log in to start.", "success")
            return redirect(url_for("accounts.login"))
    return render("accounts/signup.html", form=form)


@accounts.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Log in, then go where ``?next=`` says if it stays on this site, or to the front page."""
    target = request.args.get("next")
    if target is not None and not is_safe_redirect(target):
        target = None  # an open-redirect attempt: forget it, never echo it back
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        account = users.authenticate(form.username.data, form.password.data)
        if account is not None:
            # NOTE: a new session identity on login: an identifier or CSRF token planted
            # before it is worthless after it.
            session.regenerate()
            session[_USER_KEY] = account.username
            flash(f"Logged in as {account.username}.", "success")
            return redirect(target or url_for("index"))
        error = "Wrong user name or password."
    return render("accounts/login.html", form=form, error=error, next=target)


@accounts.post("/logout")
def logout() -> Any:
    """Log out: forget everything in the session, reading list included.

    Logout is a POST (with a CSRF token) so that another site cannot log visitors out
    with a link or an image.
    """
    session.clear()
    flash("You have been logged out.", "info")
    return redirect(url_for("index"))
