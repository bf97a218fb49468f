"""Fixtures of the REST data tests: a bookshelf database on SQLite, PostgreSQL and MariaDB.

``shelf`` is an app with ``Author`` and ``Book`` tables created (on a SQLite file, or in a
PostgreSQL schema or MariaDB database of the test's own, dropped afterwards);
``shelf.seed(n)`` adds ``n`` books. An unreachable server skips its cases (fails them when
``CI=true``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cupola import Cupola
from cupola.db import Database
from tests.db.conftest import mysql_url, postgres_url, private_database, private_schema

__all__ = ["mysql_url", "postgres_url"]  # fixtures, shared with tests/db


@pytest.fixture(params=["sqlite", "postgresql", "mysql"])
def rest_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh SQLite file, PostgreSQL schema or MariaDB database, dropped after the test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shelf.db'}"
    elif request.param == "postgresql":
        with private_schema(request.getfixturevalue("postgres_url")) as url:
            yield url
    else:
        with private_database(request.getfixturevalue("mysql_url")) as url:
            yield url


@dataclass
class Shelf:
    """An app with a database of authors and books."""

    app: Cupola
    db: Database
    Author: Any
    Book: Any

    def seed(self, count: int, authors: tuple[str, ...] = ("Ann Lee", "Bob Ray")) -> None:
        """Add ``authors`` and ``count`` books: "Book 1"…, prices 1.50, 2.50, …"""
        with self.app.app_context():
            people = [self.Author(name=name) for name in authors]
            self.db.session.add_all(people)
            for i in range(1, count + 1):
                self.db.session.add(
                    self.Book(
                        title=f"Book {i}",
                        price=Decimal(i) + Decimal("0.50"),
                        author=people[i % len(people)] if people else None,
                        published=datetime.date(2020, 1, 1) + datetime.timedelta(days=i),
                    )
                )
            self.db.session.commit()


def build_shelf(url: str, **config: Any) -> Shelf:
    """An app on ``url`` with the shelf models (tables not created)."""
    app = Cupola(
        __name__, config={"DATABASE_URL": url, "ALLOWED_HOSTS": ["*"], "DEBUG": False, **config}
    )
    db = Database(app)

    class Author(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(String(100))
        books: Mapped[list[Book]] = relationship(back_populates="author")

    class Book(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str] = mapped_column(String(200), unique=True)
        price: Mapped[Decimal] = mapped_column(Numeric(8, 2))
        in_stock: Mapped[bool] = mapped_column(default=True)
        published: Mapped[datetime.date | None]
        author_id: Mapped[int | None] = mapped_column(ForeignKey("author.id"))
        author: Mapped[Author | None] = relationship(back_populates="books")

    return Shelf(app, db, Author, Book)


@pytest.fixture
def shelf(rest_database_url: str) -> Iterator[Shelf]:
    """The shelf app with its tables created; dropped and disposed after the test."""
    made = build_shelf(rest_database_url)
    with made.app.app_context():
        made.db.create_all()
    yield made
    with made.app.app_context():
        made.db.session.remove()
        made.db.drop_all()
        made.db.dispose()


def book_serializer(shelf: Shelf) -> Any:
    """A ``ModelSerializer`` of the shelf's books: id, title, price, author."""
    from cupola.rest import serializers

    class BookSerializer(serializers.ModelSerializer):
        class Meta:
            model = shelf.Book
            fields = ["id", "title", "price", "author"]

    return BookSerializer


def serve(shelf: Shelf, *views: tuple[str, Any], **rest: Any) -> Cupola:
    """Route ``(rule, view_func)`` pairs on the shelf app, with ``REST`` settings ``rest``."""
    shelf.app.config["REST"] = rest
    for rule, view in views:
        shelf.app.add_url_rule(rule, view_func=view)
    return shelf.app
