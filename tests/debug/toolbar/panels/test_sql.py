"""The SQL panel: the request's queries with durations and parameters, duplicates flagged."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import String, create_engine, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cupola import Cupola
from cupola.db import Database
from cupola.testing import TestClient

from ...conftest import details, panel


@pytest.fixture
def db(app: Cupola, tmp_path: Path) -> Database:
    app.config["DATABASE_URL"] = f"sqlite:///{tmp_path / 'debug.db'}"

    class Base(DeclarativeBase):  # a fresh metadata per test
        pass

    database = Database(app, model_class=Base)

    class Account(database.Model):  # type: ignore[name-defined,misc]
        __tablename__ = "account"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(String(50))
        password: Mapped[str] = mapped_column(String(50))

    with app.app_context():
        database.create_all()
        database.session.add(Account(name="ada", password="pw-secret"))
        database.session.commit()

    @app.get("/accounts/<int:account_id>")
    def show(account_id: int) -> Any:
        for _ in range(2):  # the same query twice: a duplicate
            database.session.execute(select(Account).where(Account.id == account_id)).all()
        database.session.execute(select(Account).where(Account.id == account_id + 1)).all()
        return {"ok": True}

    @app.get("/named")
    def named() -> Any:
        database.session.execute(
            text("SELECT :password AS p, :name AS n"), {"password": "x1", "name": "y2"}
        )
        return {"ok": True}

    return database


@pytest.mark.usefixtures("db")
def test_queries_are_listed_with_parameters_and_durations(app: Cupola, client: TestClient) -> None:
    debug_id = client.get("/accounts/1").headers["X-Debug-Id"]
    sql = panel(details(client, debug_id), "sql")
    statements = re.findall(r"<td>(SELECT account.id.*?)</td>", sql, re.S)
    assert len(statements) == 3
    assert "FROM account" in statements[0]
    assert "<td>(1,)</td>" in sql and "<td>(2,)</td>" in sql  # the parameters
    assert len(re.findall(r"<td>\d+\.\d\d ms</td>", sql)) == 3
    assert sql.count("<td>duplicate</td>") == 2 and sql.count("<td>similar</td>") == 1
    assert "1 duplicate queries." in sql
    assert "3 in " in sql  # the subtitle: count and total time


@pytest.mark.usefixtures("db")
def test_named_parameters_are_masked(app: Cupola, client: TestClient) -> None:
    debug_id = client.get("/named").headers["X-Debug-Id"]
    sql = panel(details(client, debug_id), "sql")
    assert "(&#x27;********&#x27;, &#x27;y2&#x27;)" in sql
    assert "x1" not in sql


def test_queries_outside_followed_requests_are_not_recorded(
    app: Cupola, client: TestClient, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    with app.app_context():
        db.session.execute(text("SELECT 1")).all()  # no request: nothing to add to
    app.config["INTERNAL_IPS"] = []
    assert "X-Debug-Id" not in client.get("/accounts/1").headers
    app.config["INTERNAL_IPS"] = ["127.0.0.1"]
    debug_id = client.get("/missing").headers["X-Debug-Id"]
    assert "No SQL queries." in panel(details(client, debug_id), "sql")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_only_the_apps_engines_are_followed(
    app: Cupola, client: TestClient, db: Database, tmp_path: Path
) -> None:
    other = create_engine(f"sqlite:///{tmp_path / 'other.db'}")

    @app.get("/other")
    def elsewhere() -> Any:
        with other.connect() as connection:
            connection.execute(text("SELECT 42")).all()
        db.session.execute(text("SELECT 7")).all()
        return {"ok": True}

    sql = panel(details(client, client.get("/other").headers["X-Debug-Id"]), "sql")
    assert "<td>SELECT 7</td>" in sql
    assert "SELECT 42" not in sql
    other.dispose()


def test_async_sessions_are_followed(app: Cupola, protocol: str, tmp_path: Path) -> None:
    pytest.importorskip("aiosqlite")
    app.config["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'async.db'}"
    database = Database(app)

    @app.get("/async")
    async def async_view() -> Any:
        value = await database.async_session.scalar(text("SELECT 'from asyncio'"))
        return {"value": value}

    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get("/async")
        assert response.json() == {"value": "from asyncio"}
        sql = panel(details(client, response.headers["X-Debug-Id"]), "sql")
    assert "<td>SELECT &#x27;from asyncio&#x27;</td>" in sql
