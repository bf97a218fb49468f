"""The ``new_books`` blueprint: adding a book, and telling every open page about it.

``/books/new`` is a form for logged-in visitors. The view is a plain sync view; once the
book is in the database it calls :func:`cupola.channels.broadcast`, and every page of the site
shows a notice within a moment: each page's script (``static/new_books.js``) keeps a
WebSocket to ``/books/new/feed``, served by :class:`NewBooksFeed`, a member of the group
``new-books``. With ``CHANNEL_LAYER`` on Redis the notice reaches visitors of every worker.
"""

from __future__ import annotations

from typing import Any

from cupola import Blueprint, flash, redirect, render, url_for
from cupola.auth import login_required
from cupola.channels import JsonWebSocketConsumer, broadcast
from cupola.forms import DecimalField, Form, IntegerField, StringField, validators
from examples.showcase.books import add_book
from examples.showcase.models import Book

new_books = Blueprint("new_books", __name__, url_prefix="/books/new")

GROUP = "new-books"


class NewBookForm(Form):
    """A book to add: title, author, year and price, and an optional summary."""

    title = StringField("Title", [validators.InputRequired(), validators.Length(max=200)])
    author = StringField("Author", [validators.InputRequired(), validators.Length(max=100)])
    year = IntegerField("Year", [validators.InputRequired(), validators.NumberRange(0, 2100)])
    price = DecimalField(
        "Price", [validators.InputRequired(), validators.NumberRange(0, 10_000)], places=2
    )
    summary = StringField("Summary", [validators.Optional(), validators.Length(max=500)])


@new_books.route("", methods=["GET", "POST"])
@login_required
def add() -> Any:
    """Add a book, announce it to every open page, then show it."""
    form = NewBookForm()
    if form.validate_on_submit():
        book = add_book(
            form.title.data.strip(),
            form.author.data.strip(),
            form.year.data,
            form.price.data,
            (form.summary.data or "").strip(),
        )
        announce(book)
        flash(f"“{book.title}” is on the shelf.", "success")
        return redirect(url_for("books.show", book_id=book.id))
    return render("books/new.html", form=form)


def announce(book: Book) -> None:
    """Send ``book`` to every page that listens, in every worker (from a sync view)."""
    broadcast(
        GROUP,
        {
            "type": "book.added",
            "title": book.title,
            "author": book.author.name,
            "url": url_for("books.show", book_id=book.id),
        },
    )


class NewBooksFeed(JsonWebSocketConsumer):
    """One open page, listening for new books; it only receives."""

    async def connect(self) -> None:
        await self.group_add(GROUP)
        await self.accept()

    async def receive_json(self, content: Any) -> None:
        await self.close(1003)  # the feed takes nothing from the page

    async def book_added(self, event: dict[str, Any]) -> None:
        await self.send_json(
            {"title": event["title"], "author": event["author"], "url": event["url"]}
        )


new_books.add_websocket_route("/feed", NewBooksFeed, endpoint="feed")
