"""The ``books`` blueprint: the HTML catalogue under ``/books``, paginated, with reviews."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from cupola import Blueprint, flash, redirect, render, request, url_for
from cupola.auth import current_user, login_required
from cupola.forms import Form, IntegerField, TextAreaField, validators
from examples.showcase.books import by_title, search
from examples.showcase.models import Book, Review, db
from examples.showcase.reading_list import book_ids

books = Blueprint("books", __name__, url_prefix="/books")

#: Books on one page of the catalogue (``?page=2`` for the next).
PER_PAGE = 3


class ReviewForm(Form):
    """A reader's rating and opinion of a book."""

    rating = IntegerField(
        "Rating (1 to 5)", [validators.InputRequired(), validators.NumberRange(1, 5)]
    )
    body = TextAreaField("Your review", [validators.InputRequired(), validators.Length(max=2000)])


@books.get("/")
def index() -> str:
    """Every book, or those matching ``?q=`` in the title or author, a page at a time.

    A ``page`` that is not a number, or past the last page, is a 404.
    """
    query = request.args.get("q", "").strip()
    page = db.paginate(search(query) if query else by_title(), per_page=PER_PAGE)
    return render("books/list.html", page=page, query=query)


@books.get("/<int:book_id>")
def show(book_id: int) -> str:
    """One book with its reviews, a form to review it and one for the reading list.

    An unknown id is a 404, answered by the app's error page.
    """
    book = db.get_or_404(Book, book_id)
    on_list = current_user.is_authenticated and book.id in book_ids()
    return render("books/detail.html", book=book, on_list=on_list, form=ReviewForm())


@books.post("/<int:book_id>/reviews")
@login_required
def review(book_id: int) -> Any:
    """Add the reader's review of a book, or replace the one they wrote before."""
    book = db.get_or_404(Book, book_id)
    form = ReviewForm()
    if not form.validate():
        return render("books/detail.html", book=book, on_list=book.id in book_ids(), form=form), 400
    rating, body = form.rating.data, form.body.data
    mine = my_review(book.id)
    if mine is None:
        reader = current_user._get_current_object()
        db.session.add(Review(book=book, user=reader, rating=rating, body=body))
        try:
            db.session.commit()
        except IntegrityError:  # this reader's other request added theirs a moment before
            db.session.rollback()
            mine = my_review(book_id)
    if mine is not None:
        mine.rating, mine.body = rating, body
    # DATABASE_ATOMIC_REQUESTS commits it when the response is sent.
    flash("Thank you for your review.", "success")
    return redirect(url_for("books.show", book_id=book.id))


def my_review(book_id: int) -> Review | None:
    """The signed-in reader's review of a book, ``None`` when they have not written one."""
    return db.session.scalar(
        select(Review).where(Review.book_id == book_id, Review.user_id == current_user.id)
    )
