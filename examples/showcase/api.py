"""The ``api`` blueprint: the same books as JSON under ``/api``.

Views return plain lists and dicts, which Cupola sends as JSON. The list is paginated
(``?page=``, ``?per_page=`` up to 100). The blueprint's own 404 handler answers its errors
with a JSON body instead of the site's HTML page.
"""

from __future__ import annotations

from typing import Any

from cupola import Blueprint
from cupola.exceptions import HTTPException
from examples.showcase.books import by_title
from examples.showcase.models import Book, db

api = Blueprint("api", __name__, url_prefix="/api")


@api.get("/books")
def book_list() -> list[dict[str, Any]]:
    """One page of books (20 by default), by title."""
    return [book.to_dict() for book in db.paginate(by_title(), max_per_page=100)]


@api.get("/books/<int:book_id>")
def book_detail(book_id: int) -> dict[str, Any]:
    """One book, with its summary and average rating."""
    book = db.get_or_404(Book, book_id)
    ratings = [review.rating for review in book.reviews]
    average = round(sum(ratings) / len(ratings), 2) if ratings else None
    return {**book.to_dict(), "summary": book.summary, "rating": average}


@api.errorhandler(404)
def not_found(exc: HTTPException) -> tuple[dict[str, str], int]:
    """A JSON body for the API's 404s."""
    return {"detail": "Not found."}, 404
