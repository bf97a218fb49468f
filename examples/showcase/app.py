"""The bookshelf site: catalogue, accounts, reviews, reading list, JSON API and live pages.

Serve it with ``cupola run --app examples.showcase.app:app`` (WSGI servers use
``examples.showcase.app:app``, ASGI servers ``examples.showcase.app:app.asgi``). Set
``CUPOLA_SECRET_KEY`` to a long random string (``python -c "import secrets;
print(secrets.token_hex(32))"``) wherever sessions must outlive the process.

Books, authors, reviews and accounts live in a database: by default a SQLite file in the
``instance/`` folder, made and filled with the starting books on first run;
``CUPOLA_DATABASE_URL`` names another (``postgresql+psycopg://…``). Each book has a live
reading room, and every open page hears of new books (WebSockets on the channel layer).
"""

from __future__ import annotations

import logging
import os
import secrets
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from cupola import Cupola, View, current_app, render
from cupola.auth import Auth, current_user
from cupola.csrf import CSRFError
from cupola.exceptions import HTTPException
from examples.showcase import rest_api
from examples.showcase.accounts import accounts
from examples.showcase.admin import admin
from examples.showcase.api import api
from examples.showcase.books import by_title, count, prepare_database
from examples.showcase.catalog import books
from examples.showcase.models import Author, db
from examples.showcase.new_books import new_books
from examples.showcase.reading_list import reading_list
from examples.showcase.reading_room import reading_room
from examples.showcase.users import load_user

logger = logging.getLogger(__name__)


def secret_key() -> str:
    """The key that signs session cookies: ``CUPOLA_SECRET_KEY``, or a development key.

    The development fallback is random and made at startup, so it is never a secret that
    sits in the source. It lasts as long as the server: a restart logs everyone out.
    """
    key = os.environ.get("CUPOLA_SECRET_KEY")
    if key:
        return key
    # DEVELOPMENT ONLY: set CUPOLA_SECRET_KEY in production.
    logger.warning("CUPOLA_SECRET_KEY is not set: using a random key until the server stops.")
    key = secrets.token_hex(32)
    # NOTE: processes started from this one (cupola run's reloader, server workers) load the
    # app again: they inherit this key, so they read each other's cookies and do not warn.
    os.environ["CUPOLA_SECRET_KEY"] = key
    return key


app = Cupola(
    __name__,
    config={
        "SITE_NAME": "Cupola Books",
        "BOOTSTRAP": True,  # cupola/base.html with Bootstrap's files, served by the app
        "SECRET_KEY": secret_key(),
        # Stylesheet URLs carry a content hash (?v=…), so browsers may cache them for a year;
        # a request without it is revalidated after an hour.
        "STATIC_URL_HASH": True,
        "STATIC_MAX_AGE": 3600,
        # The host names the site answers for: add your domain when you deploy it.
        "ALLOWED_HOSTS": ["localhost", "127.0.0.1"],
        # None: a SQLite file in instance/. Each request is one transaction.
        "DATABASE_URL": os.environ.get("CUPOLA_DATABASE_URL"),
        "DATABASE_ATOMIC_REQUESTS": True,
        # @login_required sends browsers to this endpoint.
        "LOGIN_URL": "accounts.login",
    },
    # The SQLite file lives beside the showcase, not beside the examples package.
    instance_path=os.path.join(os.path.dirname(os.path.abspath(__file__)), "instance"),
)
db.init_app(app)
Auth(app, user_loader=load_user)
app.on_startup(prepare_database)
app.register_blueprint(books)
app.register_blueprint(accounts)
app.register_blueprint(reading_list)
app.register_blueprint(api)
rest_api.init_app(app)  # /api/v1/: the REST API, /openapi.json, /api/docs/
app.register_blueprint(reading_room)
app.register_blueprint(new_books)
admin.init_app(app)


@app.get("/")
def index() -> str:
    """The front page: a few books and the size of the shelf."""
    featured = db.session.scalars(by_title().limit(3)).all()
    return render("index.html", featured=featured, count=count())


class AuthorsView(View):
    """The authors with their books, a page at a time: a class-based view (GET and HEAD)."""

    def get(self, request) -> str:
        page = db.paginate(select(Author).order_by(Author.name), per_page=10)
        return render("authors.html", page=page)


app.add_url_rule("/authors", view_func=AuthorsView.as_view("authors"))


@app.context_processor
def site() -> dict[str, Any]:
    """Make ``site_name`` and the visitor's ``current_user`` available to every template."""
    return {"site_name": current_app.config["SITE_NAME"], "current_user": current_user}


@app.template_filter("price")
def format_price(value: Decimal) -> str:
    """Format a price for display: ``Decimal("8.5")`` becomes ``"$8.50"``."""
    return f"${value:,.2f}"


@app.errorhandler(CSRFError)
def csrf_failed(exc: CSRFError) -> tuple[str, int]:
    """Refused as a possible forgery: say why, inside the base layout."""
    return render("403.html", reason=exc.reason), 403


@app.errorhandler(404)
def page_not_found(exc: HTTPException) -> tuple[str, int]:
    """The site's 404 page, rendered inside the base layout."""
    return render("404.html"), 404
