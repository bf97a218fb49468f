"""Fixtures of the REST data tests: a bookshelf database on SQLite and on PostgreSQL.

``shelf`` is an app with ``Author`` and ``Book`` tables created (on a SQLite file, or in a
PostgreSQL schema of the test's own, dropped afterwards); ``shelf.seed(n)`` adds ``n``
books. An unreachable PostgreSQL skips the PostgreSQL cases (fails them when ``CI=true``).
"""

from __future__ import annotations

import datetime
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import ForeignKey, Numeric, String, create_engine, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cupola import Cupola
from cupola.db import Database

POSTGRES_URL = os.environ.get(
    "CUPOLA_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def _psycopg(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def rest_postgres_url() -> str:
    """The test PostgreSQL; skips (fails on CI) the test when it does not answer."""
    url = _psycopg(POSTGRES_URL)
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except OperationalError as exc:
        message = (
            f"POSTGRESQL REST TESTS DID NOT RUN: no PostgreSQL at {POSTGRES_URL} "
            f"({exc.orig}). Start PostgreSQL or set CUPOLA_TEST_DATABASE_URL."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    finally:
        engine.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def rest_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh SQLite file, or a fresh PostgreSQL schema dropped after the test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shelf.db'}"
        return
    base = request.getfixturevalue("rest_postgres_url")
    schema = f"cupola_rest_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


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
