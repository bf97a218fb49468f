"""The bookshelf site: an index page, a catalogue, an authors page and a JSON API.

Serve it with ``cupola run --app examples.showcase.app:app`` (WSGI servers use
``examples.showcase.app:app``, ASGI servers ``examples.showcase.app:app.asgi``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cupola import Cupola, View, current_app, render
from cupola.exceptions import HTTPException
from examples.showcase.api import api
from examples.showcase.books import store
from examples.showcase.catalog import books

app = Cupola(
    __name__,
    config={
        "SITE_NAME": "Cupola Books",
        "STATIC_MAX_AGE": 3600,
        # The host names the site answers for: add your domain when you deploy it.
        "ALLOWED_HOSTS": ["localhost", "127.0.0.1", "[::1]"],
    },
)
app.register_blueprint(books)
app.register_blueprint(api)


@app.get("/")
def index() -> str:
    """The front page: a few books and the size of the shelf."""
    return render("index.html", featured=store.all()[:3], count=len(store))


class AuthorsView(View):
    """Every author with their books: a class-based view answering GET (and HEAD)."""

    def get(self, request) -> str:
        return render("authors.html", authors=store.by_author())


app.add_url_rule("/authors", view_func=AuthorsView.as_view("authors"))


@app.context_processor
def site() -> dict[str, Any]:
    """Make ``site_name`` available to every template."""
    return {"site_name": current_app.config["SITE_NAME"]}


@app.template_filter("price")
def format_price(value: Decimal) -> str:
    """Format a price for display: ``Decimal("8.5")`` becomes ``"$8.50"``."""
    return f"${value:,.2f}"


@app.errorhandler(404)
def page_not_found(exc: HTTPException) -> tuple[str, int]:
    """The site's 404 page, rendered inside the base layout."""
    return render("404.html"), 404
