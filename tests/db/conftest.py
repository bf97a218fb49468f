"""Database fixtures: every test runs on SQLite (a temporary file), PostgreSQL and MariaDB.

``database_url`` is the ``DATABASE_URL`` of the test: a SQLite file in the test's temporary
folder; the PostgreSQL at ``CUPOLA_TEST_DATABASE_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``) in a schema of its own; or the MySQL/MariaDB
server at ``CUPOLA_TEST_MYSQL_URL`` (default ``mysql+pymysql://root@127.0.0.1:3306/test``) in
a database of its own. Schemas and databases are dropped afterwards. An unreachable server
skips its cases with the reason in the summary, or fails them when ``CI=true``.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import ForeignKey, String, create_engine, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Mapped, mapped_column

from cupola import Cupola
from cupola.db import Database

POSTGRES_URL = os.environ.get(
    "CUPOLA_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
MYSQL_URL = os.environ.get("CUPOLA_TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test")


def psycopg_url(url: str) -> str:
    """``url`` with the psycopg 3 driver named (SQLAlchemy's default is psycopg2)."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _reachable(url: str, name: str, setting: str) -> str:
    """``url`` when its server answers; else skip the test loudly (fail it on CI)."""
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except OperationalError as exc:
        message = (
            f"{name.upper()} DATABASE TESTS DID NOT RUN: no {name} at {url} ({exc.orig}). "
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
    """The test PostgreSQL; skips (fails on CI) the test when it does not answer."""
    return _reachable(psycopg_url(POSTGRES_URL), "PostgreSQL", "CUPOLA_TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def mysql_url() -> str:
    """The test MySQL/MariaDB server; skips (fails on CI) the test when it does not answer."""
    return _reachable(MYSQL_URL, "MariaDB", "CUPOLA_TEST_MYSQL_URL")


@contextlib.contextmanager
def private_schema(base: str) -> Iterator[str]:
    """A schema of the test's own on the PostgreSQL at ``base``; the URL that selects it.

    The schema is dropped afterwards, whatever the test left in it.
    """
    schema = f"cupola_test_{uuid.uuid4().hex[:12]}"
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


@contextlib.contextmanager
def private_database(base: str) -> Iterator[str]:
    """A database of the test's own on the MySQL/MariaDB server at ``base``; its URL.

    The database is dropped afterwards, whatever the test left in it.
    """
    name = f"cupola_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


@pytest.fixture
def postgres_schema_url(postgres_url: str) -> Iterator[str]:
    """The test PostgreSQL, in a schema of the test's own (never ``public``)."""
    with private_schema(postgres_url) as url:
        yield url


@pytest.fixture
def mysql_database_url(mysql_url: str) -> Iterator[str]:
    """The test MariaDB, in a database of the test's own."""
    with private_database(mysql_url) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql", "mysql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The test's ``DATABASE_URL``: a fresh SQLite file, PostgreSQL schema or MariaDB database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
    elif request.param == "postgresql":
        yield request.getfixturevalue("postgres_schema_url")
    else:
        yield request.getfixturevalue("mysql_database_url")


@dataclass
class Setup:
    """An app with a database holding two models: ``Author`` and ``Book``."""

    app: Cupola
    db: Database
    Author: Any
    Book: Any


def build(url: str, **config: Any) -> Setup:
    """A fresh app on ``url`` with the test models (tables not created)."""
    app = Cupola(__name__, config={"DATABASE_URL": url, "ALLOWED_HOSTS": ["*"], **config})
    db = Database(app)

    class Author(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(String(100))

    class Book(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str] = mapped_column(String(200), unique=True)
        author_id: Mapped[int | None] = mapped_column(ForeignKey("author.id"))

    return Setup(app, db, Author, Book)


@pytest.fixture
def make_setup(database_url: str) -> Iterator[Callable[..., Setup]]:
    """``make_setup(**config)``: an app with created tables; dropped and disposed after."""
    made: list[Setup] = []

    def make(**config: Any) -> Setup:
        setup = build(database_url, **config)
        with setup.app.app_context():
            setup.db.create_all()
        made.append(setup)
        return setup

    yield make
    for setup in made:
        with setup.app.app_context():
            setup.db.drop_all()
            setup.db.dispose()


@pytest.fixture
def setup(make_setup: Callable[..., Setup]) -> Setup:
    """An app with created tables and default configuration."""
    return make_setup()
