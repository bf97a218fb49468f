"""MySQL and MariaDB specifics: utf8mb4, connection recycling, lost connections, errors."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from cupola import Cupola
from cupola.db import Database
from cupola.db.engines import MYSQL_POOL_RECYCLE, database_url
from cupola.exceptions import ImproperlyConfigured

from .conftest import Setup, build

pytestmark = pytest.mark.usefixtures("mysql_url")

mysql_only = pytest.mark.parametrize("database_url", ["mysql"], indirect=True)


def test_utf8mb4_is_the_default_charset() -> None:
    app = Cupola(__name__, config={"DATABASE_URL": "mysql+pymysql://u@h/db"})
    assert database_url(app).query["charset"] == "utf8mb4"
    app.config["DATABASE_URL"] = "mysql+pymysql://u@h/db?charset=latin1"
    assert database_url(app).query["charset"] == "latin1"  # an explicit choice stands


@mysql_only
def test_four_byte_characters_round_trip(make_setup: Any) -> None:
    s: Setup = make_setup()
    title = "Emoji 📚 and 𠀀, a CJK character beyond the BMP"
    with s.app.app_context():
        s.db.session.add(s.Book(title=title))
        s.db.session.commit()
    with s.app.app_context():
        assert s.db.session.scalar(select(s.Book.title)) == title


@mysql_only
def test_connections_are_recycled_below_the_server_timeout(make_setup: Any) -> None:
    s: Setup = make_setup()
    with s.app.app_context():
        assert s.db.engine.pool._recycle == MYSQL_POOL_RECYCLE
    s = make_setup(DATABASE_POOL_RECYCLE=60)
    with s.app.app_context():
        assert s.db.engine.pool._recycle == 60


@mysql_only
def test_an_idle_connection_dropped_by_the_server_is_replaced(make_setup: Any) -> None:
    # The server drops connections idle for a second, as a short wait_timeout does.
    options = {"connect_args": {"init_command": "SET SESSION wait_timeout=1"}}
    s: Setup = make_setup(DATABASE_ENGINE_OPTIONS=options)

    @s.app.get("/count")
    def count() -> Any:
        return {"n": len(s.db.session.scalars(select(s.Book)).all())}

    client = s.app.test_client()
    assert client.get("/count").json() == {"n": 0}
    time.sleep(2.5)  # the pooled connection is gone on the server's side
    assert client.get("/count").json() == {"n": 0}


@mysql_only
def test_a_killed_connection_is_replaced(make_setup: Any, mysql_url: str) -> None:
    s: Setup = make_setup()

    @s.app.get("/id")
    def connection_id() -> Any:
        return {"id": s.db.session.execute(text("SELECT CONNECTION_ID()")).scalar_one()}

    client = s.app.test_client()
    first = client.get("/id").json()["id"]
    admin = create_engine(mysql_url)
    try:
        with admin.begin() as connection:  # as a server restart or an operator would
            connection.execute(text(f"KILL {int(first)}"))
    finally:
        admin.dispose()
    replaced = client.get("/id")
    assert replaced.status_code == 200 and replaced.json()["id"] != first


def test_an_unreachable_server_is_503() -> None:
    s = build("mysql+pymysql://root@127.0.0.1:1/test")

    @s.app.get("/count")
    def count() -> Any:
        return {"n": len(s.db.session.scalars(select(s.Book)).all())}

    response = s.app.test_client().get("/count")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "pymysql" not in response.text.lower() and "127.0.0.1" not in response.text


def test_a_missing_driver_names_the_extra() -> None:
    app = Cupola(__name__, config={"DATABASE_URL": "mysql+mysqlconnector://root@h/db"})
    db = Database(app)
    with app.app_context(), pytest.raises(ImproperlyConfigured, match=r"cupola\[mysql\]"):
        db.engine  # noqa: B018
