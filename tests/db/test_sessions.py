"""SESSION_BACKEND = "database": server-side sessions in the app's database."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from cupola import Cupola, session
from cupola.db import Database
from cupola.db.sessions import DatabaseStore, sessions_table
from cupola.exceptions import ImproperlyConfigured

from .conftest import Setup


def counter(s: Setup) -> None:
    @s.app.post("/count")
    def count() -> Any:
        session["n"] = session.get("n", 0) + 1
        return {"n": session["n"]}

    @s.app.post("/logout")
    def logout() -> Any:
        session.clear()
        return "bye"


def test_sessions_live_in_the_database(make_setup: Any) -> None:
    s: Setup = make_setup(SECRET_KEY="k" * 32, SESSION_BACKEND="database", CSRF_ENABLED=False)
    counter(s)
    client = s.app.test_client()
    assert [client.post("/count").json()["n"] for _ in range(3)] == [1, 2, 3]
    with s.app.app_context(), s.db.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(sessions_table)).scalar() == 1
    assert client.post("/logout").status_code == 200
    with s.app.app_context(), s.db.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(sessions_table)).scalar() == 0
    assert s.app.test_client().post("/count").json()["n"] == 1
    with s.app.app_context(), s.db.engine.begin() as connection:
        sessions_table.drop(connection)


def test_expired_rows_are_ignored_and_purged(setup: Setup) -> None:
    now = [1000.0]
    store = DatabaseStore(setup.db, clock=lambda: now[0])
    with setup.app.app_context():
        store.set("a", b"data-a", 10)
        store.set("b", b"data-b", 1000)
        assert store.get("a") == b"data-a"
        now[0] += 20
        assert store.get("a") is None
        store.touch("a", 100)  # an expired session is not revived
        assert store.get("a") is None
        store.touch("b", 5)
        now[0] += 10
        assert store.get("b") is None
        now[0] += 120  # past the sweep interval: the next write purges
        store.set("c", b"data-c", 10)
        store.set("c", b"data-c2", 10)
        assert store.get("c") == b"data-c2"
        with setup.db.engine.begin() as connection:
            ids = connection.execute(select(sessions_table.c.id)).scalars().all()
            assert ids == ["c"]
            sessions_table.drop(connection)


def test_needs_a_database() -> None:
    app = Cupola(
        __name__, config={"SECRET_KEY": "k", "SESSION_BACKEND": "database", "TESTING": True}
    )

    @app.get("/")
    def index() -> Any:
        return {"n": session.get("n")}

    with pytest.raises(ImproperlyConfigured, match="Database"):
        app.test_client().get("/")
    with pytest.raises(ImproperlyConfigured, match="Database"):
        DatabaseStore.for_app(None)
    Database(app)
    assert isinstance(DatabaseStore.for_app(app), DatabaseStore)


def test_a_large_session_is_kept_whole(setup: Setup) -> None:
    data = bytes(range(256)) * 1024  # 256 KiB: past MySQL's BLOB (64 KiB)
    store = DatabaseStore(setup.db)
    with setup.app.app_context():
        store.set("big", data, 60)
        assert store.get("big") == data
        with setup.db.engine.begin() as connection:
            sessions_table.drop(connection)
