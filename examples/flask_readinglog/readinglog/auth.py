"""Registering, logging in and out; ``g.user`` for every request; ``login_required``."""

import functools

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from readinglog.db import get_db

bp = Blueprint("auth", __name__, url_prefix="/auth")


def login_required(view):
    """Send anonymous visitors to the login page."""

    @functools.wraps(view)
    def wrapped_view(**kwargs):
        if g.user is None:
            return redirect(url_for("auth.login"))
        return view(**kwargs)

    return wrapped_view


@bp.before_app_request
def load_logged_in_user():
    """Put the logged-in reader (or ``None``) in ``g.user``."""
    reader_id = session.get("reader_id")
    if reader_id is None:
        g.user = None
    else:
        g.user = get_db().execute("SELECT * FROM reader WHERE id = ?", (reader_id,)).fetchone()


@bp.route("/register", methods=("GET", "POST"))
def register():
    """Create an account."""
    if request.method == "POST":
        username = request.form["username"]
        password = request.form["password"]
        db = get_db()
        error = None
        if not username:
            error = "A user name is required."
        elif not password:
            error = "A password is required."
        if error is None:
            try:
                db.execute(
                    "INSERT INTO reader (username, password) VALUES (?, ?)",
                    (username, generate_password_hash(password)),
                )
                db.commit()
            except db.IntegrityError:
                error = f"The name {username} is taken."
            else:
                return redirect(url_for("auth.login"))
        flash(error)
    return render_template("auth/register.html")


@bp.route("/login", methods=("GET", "POST"))
def login():
    """Log a reader in."""
    if request.method == "POST":
        username = request.form["username"]
        password = request.form["password"]
        reader = get_db().execute("SELECT * FROM reader WHERE username = ?", (username,)).fetchone()
        if reader is None or not check_password_hash(reader["password"], password):
            flash("Wrong user name or password.")
        else:
            session.clear()
            session["reader_id"] = reader["id"]
            return redirect(url_for("index"))
    return render_template("auth/login.html")


@bp.route("/logout")
def logout():
    """Forget the reader."""
    session.clear()
    return redirect(url_for("index"))
