"""The bookshelf's data: a few books in an in-memory store that logged-in visitors add to.

The store answers the questions the views ask (all books, one book, a search, books by
author) so that the views never touch the underlying collection directly.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class Book:
    """One book on the shelf."""

    id: int
    title: str
    author: str
    year: int
    price: Decimal
    summary: str

    def to_dict(self) -> dict[str, Any]:
        """The book as JSON-ready data; the price is a decimal string, never a float."""
        return {
            "id": self.id,
            "title": self.title,
            "author": self.author,
            "year": self.year,
            "price": str(self.price),
        }


class BookStore:
    """A collection of books, safe to share between threads."""

    def __init__(self, books: Iterable[Book]) -> None:
        self._books = {book.id: book for book in books}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._books)

    def all(self) -> list[Book]:
        """Every book, by title."""
        return sorted(self._books.values(), key=lambda book: book.title)

    def get(self, book_id: int) -> Book | None:
        """The book with ``book_id``, or ``None``."""
        return self._books.get(book_id)

    def search(self, query: str) -> list[Book]:
        """Books whose title or author contains ``query``, ignoring case."""
        needle = query.strip().casefold()
        return [
            book
            for book in self.all()
            if needle in book.title.casefold() or needle in book.author.casefold()
        ]

    def by_author(self) -> dict[str, list[Book]]:
        """Authors in alphabetical order, each with their books by year."""
        authors: dict[str, list[Book]] = {}
        for book in sorted(self._books.values(), key=lambda book: book.year):
            authors.setdefault(book.author, []).append(book)
        return dict(sorted(authors.items()))

    def add(self, title: str, author: str, year: int, price: Decimal, summary: str) -> Book:
        """Put a new book on the shelf, under the next free id, and return it."""
        with self._lock:
            book = Book(max(self._books, default=0) + 1, title, author, year, price, summary)
            self._books = {**self._books, book.id: book}  # readers keep a consistent dict
        return book


store = BookStore(
    [
        Book(
            1,
            "Pride and Prejudice",
            "Jane Austen",
            1813,
            Decimal("8.99"),
            "Elizabeth Bennet and Mr Darcy misjudge each other, at length and with wit.",
        ),
        Book(
            2,
            "Emma",
            "Jane Austen",
            1815,
            Decimal("7.50"),
            "A young matchmaker learns that she understands other hearts less than her own.",
        ),
        Book(
            3,
            "Frankenstein",
            "Mary Shelley",
            1818,
            Decimal("6.25"),
            "A scientist makes a creature, then abandons it, and both pay the price.",
        ),
        Book(
            4,
            "Moby-Dick",
            "Herman Melville",
            1851,
            Decimal("11.00"),
            "Captain Ahab hunts the white whale; Ishmael tells us everything about whales.",
        ),
        Book(
            5,
            "Middlemarch",
            "George Eliot",
            1871,
            Decimal("12.40"),
            "A provincial town, several marriages, and the quiet cost of good intentions.",
        ),
    ]
)
