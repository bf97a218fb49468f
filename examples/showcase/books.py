"""The bookshelf's catalogue: the queries the views ask, adding a book, and the starting books.

:func:`prepare_database` brings the database's schema up to date (the migrations in
``migrations/``) and, on an empty shelf, adds the starting books, so the site runs on a
fresh machine with nothing but its embedded SQLite file.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlalchemy import Select, func, or_, select

from cupola.db import migrations
from examples.showcase.models import Author, Book, db

MIGRATIONS = str(Path(__file__).with_name("migrations"))

#: Title, author, year, price in cents and summary of the books a new shelf starts with.
STARTING_BOOKS = [
    (
        "Pride and Prejudice",
        "Jane Austen",
        1813,
        899,
        "Elizabeth Bennet and Mr Darcy misjudge each other, at length and with wit.",
    ),
    (
        "Emma",
        "Jane Austen",
        1815,
        750,
        "A young matchmaker learns that she understands other hearts less than her own.",
    ),
    (
        "Frankenstein",
        "Mary Shelley",
        1818,
        625,
        "A scientist makes a creature, then abandons it, and both pay the price.",
    ),
    (
        "Moby-Dick",
        "Herman Melville",
        1851,
        1100,
        "Captain Ahab hunts the white whale; Ishmael tells us everything about whales.",
    ),
    (
        "Middlemarch",
        "George Eliot",
        1871,
        1240,
        "A provincial town, several marriages, and the quiet cost of good intentions.",
    ),
]


def prepare_database() -> None:
    """Apply the migrations, then add the starting books to an empty shelf (app context)."""
    migrations.upgrade(db, directory=MIGRATIONS)
    if db.session.scalar(select(func.count()).select_from(Book)):
        return
    authors: dict[str, Author] = {}
    for title, name, year, price_cents, summary in STARTING_BOOKS:
        author = authors.setdefault(name, Author(name=name))
        db.session.add(
            Book(title=title, author=author, year=year, price_cents=price_cents, summary=summary)
        )
    db.session.commit()


def by_title() -> Select[tuple[Book]]:
    """Every book, by title."""
    return select(Book).order_by(Book.title, Book.id)


def search(query: str) -> Select[tuple[Book]]:
    """Books whose title or author contains ``query``, ignoring case, by title.

    The text is a bound parameter with ``LIKE``'s wildcards escaped: it matches literally.
    """
    escaped = query.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return (
        by_title()
        .join(Book.author)
        .where(or_(Book.title.ilike(pattern, escape="\\"), Author.name.ilike(pattern, escape="\\")))
    )


def count() -> int:
    """How many books are on the shelf."""
    return db.session.scalar(select(func.count()).select_from(Book)) or 0


def add_book(title: str, author: str, year: int, price: Decimal, summary: str) -> Book:
    """Put a new book on the shelf, under its author (added if new), commit and return it.

    The commit comes first so that a reader who follows the announcement finds the book.
    """
    writer = db.session.scalar(select(Author).where(Author.name == author)) or Author(name=author)
    cents = int((price * 100).to_integral_value(ROUND_HALF_UP))
    book = Book(title=title, author=writer, year=year, price_cents=cents, summary=summary)
    db.session.add(book)
    db.session.commit()
    return book
