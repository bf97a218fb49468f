"""The bookshelf's tables: authors and their books, readers' accounts and their reviews.

The schema is under version control in ``migrations/`` (made with ``cupola db init`` and
``cupola db migrate``); :func:`examples.showcase.books.prepare_database` applies it.
Prices are whole cents, so that SQLite and PostgreSQL store them exactly alike.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cupola.auth import UserMixin
from cupola.db import Database
from cupola.rest.authtoken import create_token_model

db = Database()


class Author(db.Model):
    """A writer, with their books by year."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    books: Mapped[list[Book]] = relationship(back_populates="author", order_by="Book.year")

    def __str__(self) -> str:
        return self.name


class Book(db.Model):
    """One book on the shelf."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"), index=True)
    year: Mapped[int]
    price_cents: Mapped[int]
    summary: Mapped[str] = mapped_column(Text)
    author: Mapped[Author] = relationship(back_populates="books", lazy="joined")

    def __str__(self) -> str:
        return self.title

    reviews: Mapped[list[Review]] = relationship(
        back_populates="book", order_by="Review.created_at.desc()"
    )

    @property
    def price(self) -> Decimal:
        """The price in dollars, exactly."""
        return Decimal(self.price_cents) / 100

    def to_dict(self) -> dict[str, Any]:
        """The book as JSON-ready data; the price is a decimal string, never a float."""
        return {
            "id": self.id,
            "title": self.title,
            "author": self.author.name,
            "year": self.year,
            "price": f"{self.price:.2f}",
        }


class User(UserMixin, db.Model):
    """A reader's account: a user name and the hash of their password (never the password)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(30))
    # The user name case-folded: "Ada" and "ada" are one account.
    username_key: Mapped[str] = mapped_column(String(30), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    # Staff may use the admin (/admin/); see users.py for the command that makes one.
    is_staff: Mapped[bool] = mapped_column(default=False, server_default=false())

    def __str__(self) -> str:
        return self.username


class Review(db.Model):
    """A reader's rating (1 to 5) and opinion of a book; one per reader and book."""

    __table_args__ = (
        UniqueConstraint("book_id", "user_id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("book.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    rating: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=lambda: datetime.now(UTC))
    book: Mapped[Book] = relationship(back_populates="reviews")
    user: Mapped[User] = relationship(lazy="joined")

    def __str__(self) -> str:
        return f"{self.user} on {self.book}"


# API tokens (``Authorization: Token <key>``): ``cupola createtoken USERNAME`` makes one.
Token = create_token_model(db, User)
