"""The ``books`` blueprint: the HTML catalogue under ``/books``."""

from __future__ import annotations

from cupola import Blueprint, abort, render, request
from examples.showcase.books import store

books = Blueprint("books", __name__, url_prefix="/books")


@books.get("/")
def index() -> str:
    """Every book, or those matching ``?q=`` in the title or author."""
    query = request.args.get("q", "").strip()
    found = store.search(query) if query else store.all()
    return render("books/list.html", books=found, query=query)


@books.get("/<int:book_id>")
def show(book_id: int) -> str:
    """One book; an unknown id is a 404, answered by the app's error page."""
    book = store.get(book_id)
    if book is None:
        abort(404)
    return render("books/detail.html", book=book)
