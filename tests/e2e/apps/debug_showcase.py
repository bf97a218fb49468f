"""The showcase with ``DEBUG`` on, for the debug toolbar's browser test.

``uvicorn debug_showcase:app.asgi --app-dir tests/e2e/apps`` from the repository root. Adds
one route that fails after a query, to show the debug error page.
"""

from __future__ import annotations

from sqlalchemy import select

from examples.showcase.app import app
from examples.showcase.models import Book, db

app.config["DEBUG"] = True


@app.get("/debug/failing/<int:book_id>")
def failing(book_id: int) -> None:
    """Look a book up, then fail with a chained error (for the debug error page)."""
    book = db.session.scalars(select(Book).where(Book.id == book_id)).one()
    api_token = "e2e-" + "token"  # a local the page masks
    prices = {"title": book.title, "token": api_token}
    try:
        prices[f"price-{book.id}"]
    except KeyError as exc:
        raise RuntimeError(f"could not price {book.title!r}") from exc
