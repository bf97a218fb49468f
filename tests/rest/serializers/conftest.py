"""Serializer fixtures: a bookshelf database on SQLite, PostgreSQL and MariaDB.

``shelf`` is an app with a ``Database`` holding ``Author``, ``Book``, ``Tag`` and ``Edition``
(tables created) inside an active app context. The PostgreSQL case runs in a schema of its
own at ``CUPOLA_TEST_DATABASE_URL``, the MariaDB case in a database of its own at
``CUPOLA_TEST_MYSQL_URL``, both dropped afterwards; an unreachable server skips its cases
with the reason (or fails them when ``CI=true``).
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
from sqlalchemy import (
    Column,
    ForeignKey,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    make_url,
    text,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cupola import Cupola
from cupola.db import Database

POSTGRES_URL = os.environ.get(
    "CUPOLA_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
MYSQL_URL = os.environ.get("CUPOLA_TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test")


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


def _reachable(url: str, name: str, setting: str) -> str:
    """``url`` when its server answers; else skip the test loudly (fail it on CI)."""
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except OperationalError as exc:
        message = (
            f"{name.upper()} SERIALIZER TESTS DID NOT RUN: no {name} at {url} ({exc.orig}). "
            f"Start {name} or set {setting}."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The test PostgreSQL (psycopg 3); skips (fails on CI) when it does not answer."""
    parsed = make_url(POSTGRES_URL)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    url = parsed.render_as_string(hide_password=False)
    return _reachable(url, "PostgreSQL", "CUPOLA_TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def mysql_url() -> str:
    """The test MariaDB (or MySQL); skips (fails on CI) when it does not answer."""
    return _reachable(MYSQL_URL, "MariaDB", "CUPOLA_TEST_MYSQL_URL")


def _postgres_schema(base: str) -> Iterator[str]:
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


def _mysql_database(base: str) -> Iterator[str]:
    name = f"cupola_rest_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql", "mysql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh SQLite file, PostgreSQL schema or MariaDB database owned by this test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shelf.db'}"
    elif request.param == "postgresql":
        yield from _postgres_schema(request.getfixturevalue("postgres_url"))
    else:
        yield from _mysql_database(request.getfixturevalue("mysql_url"))


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
