"""Serializer fixtures: a bookshelf database on SQLite, PostgreSQL and MariaDB.

``shelf`` is an app with a ``Database`` holding ``Author``, ``Book``, ``Tag`` and ``Edition``
(tables created) inside an active app context. The PostgreSQL case runs in a schema of its
own at ``CUPOLA_TEST_DATABASE_URL``, the MariaDB case in a database of its own at
``CUPOLA_TEST_MYSQL_URL``, both dropped afterwards; an unreachable server skips its cases
with the reason (or fails them when ``CI=true``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    ForeignKey,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cupola import Cupola
from cupola.db import Database
from tests.db.conftest import mysql_url, postgres_url, private_database, private_schema

__all__ = ["mysql_url", "postgres_url"]  # fixtures, shared with tests/db


@dataclass
class Shelf:
    """The app, its database and the models of one test."""

    app: Cupola
    db: Database
    Author: Any
    Book: Any
    Tag: Any
    Edition: Any

    def add(self, *rows: Any) -> None:
        self.db.session.add_all(rows)
        self.db.session.commit()


def build(url: str) -> Shelf:
    app = Cupola(__name__, config={"DATABASE_URL": url, "ALLOWED_HOSTS": ["*"]})
    db = Database(app)

    book_tags = Table(
        "book_tag",
        db.Model.metadata,
        Column("book_id", ForeignKey("book.id"), primary_key=True),
        Column("tag_id", ForeignKey("tag.id"), primary_key=True),
    )

    class Author(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(String(100))
        books: Mapped[list[Book]] = relationship(back_populates="author")

        def __str__(self) -> str:
            return self.name

    class Tag(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        slug: Mapped[str] = mapped_column(String(50), unique=True)

        def __str__(self) -> str:
            return self.slug

    class Book(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str] = mapped_column(String(200), unique=True)
        price: Mapped[Decimal] = mapped_column(Numeric(8, 2))
        published: Mapped[datetime.date | None]
        in_stock: Mapped[bool] = mapped_column(default=True)
        blurb: Mapped[str | None] = mapped_column(Text)
        author_id: Mapped[int | None] = mapped_column(ForeignKey("author.id"))
        author: Mapped[Author | None] = relationship(back_populates="books")
        tags: Mapped[list[Tag]] = relationship(secondary=book_tags)

    class Edition(db.Model):
        __table_args__ = (UniqueConstraint("book_id", "number"),)
        id: Mapped[int] = mapped_column(primary_key=True)
        book_id: Mapped[int] = mapped_column(ForeignKey("book.id"))
        number: Mapped[int]
        printed_at: Mapped[datetime.datetime | None]
        book: Mapped[Book] = relationship()

    return Shelf(app, db, Author, Book, Tag, Edition)


@pytest.fixture(params=["sqlite", "postgresql", "mysql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh SQLite file, PostgreSQL schema or MariaDB database owned by this test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shelf.db'}"
    elif request.param == "postgresql":
        with private_schema(request.getfixturevalue("postgres_url")) as url:
            yield url
    else:
        with private_database(request.getfixturevalue("mysql_url")) as url:
            yield url


@pytest.fixture
def shelf(database_url: str) -> Iterator[Shelf]:
    """The bookshelf app with its tables, inside an app context."""
    made = build(database_url)
    with made.app.app_context():
        made.db.create_all()
        try:
            yield made
        finally:
            made.db.session.rollback()
            made.db.drop_all()
            made.db.dispose()


@pytest.fixture
def plain_app() -> Iterator[Cupola]:
    """An app without a database, its context active (for plain serializers)."""
    app = Cupola(__name__)
    with app.app_context():
        yield app
