"""The ``api`` blueprint: the same books as JSON under ``/api``.

Views return plain lists and dicts, which Cupola sends as JSON. The blueprint's own 404
handler answers its errors with a JSON body instead of the site's HTML page.
"""

from __future__ import annotations

from typing import Any

from cupola import Blueprint, abort
from cupola.exceptions import HTTPException
from examples.showcase.books import store

api = Blueprint("api", __name__, url_prefix="/api")


@api.get("/books")
def book_list() -> list[dict[str, Any]]:
    """Every book, by title."""
    return [book.to_dict() for book in store.all()]


@api.get("/books/<int:book_id>")
def book_detail(book_id: int) -> dict[str, Any]:
    """One book, with its summary."""
    book = store.get(book_id)
    if book is None:
        abort(404)
    return {**book.to_dict(), "summary": book.summary}


@api.errorhandler(404)
def not_found(exc: HTTPException) -> tuple[dict[str, str], int]:
    """A JSON body for the API's 404s."""
    return {"detail": "Not found."}, 404
