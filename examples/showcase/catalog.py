"""The ``books`` blueprint: the HTML catalogue under ``/books``."""

from __future__ import annotations

from cupola import Blueprint, abort, render, request
from examples.showcase.accounts import current_user
from examples.showcase.books import store
from examples.showcase.reading_list import book_ids

books = Blueprint("books", __name__, url_prefix="/books")


@books.get("/")
def index() -> str:
    """Every book, or those matching ``?q=`` in the title or author."""
    query = request.args.get("q", "").strip()
    found = store.search(query) if query else store.all()
    return render("books/list.html", books=found, query=query)


@books.get("/<int:book_id>")
def show(book_id: int) -> str:
    """One book, with a form to add it to (or take it off) the visitor's reading list.

    An unknown id is a 404, answered by the app's error page.
    """
    book = store.get(book_id)
    if book is None:
        abort(404)
    on_list = current_user() is not None and book.id in book_ids()
    return render("books/detail.html", book=book, on_list=on_list)
