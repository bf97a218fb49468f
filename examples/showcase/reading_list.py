"""The ``reading_list`` blueprint: books a logged-in visitor means to read, kept in the session.

The list is a list of book ids under ``session["reading_list"]``. Adding and removing are
POST forms on the book pages, each with a CSRF token (``csrf_input()``), which the CSRF
middleware checks before these views run. Logging out clears the session, list included.
"""

from __future__ import annotations

from typing import Any

from cupola import Blueprint, flash, redirect, render, session, url_for
from cupola.auth import login_required
from examples.showcase.models import Book, db

reading_list = Blueprint("reading_list", __name__, url_prefix="/reading-list")

_KEY = "reading_list"


def book_ids() -> list[int]:
    """The ids on the current visitor's reading list, in the order they were added."""
    return list(session.get(_KEY, ()))


def _book_or_404(book_id: int) -> Book:
    return db.get_or_404(Book, book_id)


@reading_list.get("")
@login_required
def index() -> str:
    """The reading list, oldest first."""
    found = [db.session.get(Book, book_id) for book_id in book_ids()]
    books = [book for book in found if book is not None]
    return render("reading_list.html", books=books)


@reading_list.post("/<int:book_id>")
@login_required
def add(book_id: int) -> Any:
    """Put a book on the list (once), then show the list."""
    book = _book_or_404(book_id)
    ids = book_ids()
    if book_id not in ids:
        # NOTE: a new list, not an in-place append, so the session sees the change.
        session[_KEY] = [*ids, book_id]
    flash(f"“{book.title}” is on your reading list.", "success")
    return redirect(url_for("reading_list.index"))


@reading_list.post("/<int:book_id>/remove")
@login_required
def remove(book_id: int) -> Any:
    """Take a book off the list, then show the list."""
    book = _book_or_404(book_id)
    ids = book_ids()
    if book_id in ids:
        session[_KEY] = [other for other in ids if other != book_id]
    flash(f"“{book.title}” is off your reading list.", "info")
    return redirect(url_for("reading_list.index"))
