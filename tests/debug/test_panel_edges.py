"""Toolbar panels, edges: executemany and dict parameters, a broken database or cache setting,
``has`` and write calls in the cache panel, the base panel's defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from cupola import Cupola
from cupola.cache import cache
from cupola.db import Database
from cupola.debug.toolbar.panels.base import Panel
from cupola.testing import TestClient

from .conftest import details, panel


def _table_db(app: Cupola, tmp_path: Path) -> Database:
    app.config["DATABASE_URL"] = f"sqlite:///{tmp_path / 'edges.db'}"
    database = Database(app)
    with app.app_context():
        database.session.execute(text("CREATE TABLE login (name TEXT, password TEXT)"))
        database.session.commit()
    return database


def test_executemany_parameters_are_masked_row_by_row(
    app: Cupola, client: TestClient, tmp_path: Path
) -> None:
    database = _table_db(app, tmp_path)

    @app.post("/logins")
    def logins() -> Any:
        database.session.execute(
            text("INSERT INTO login (name, password) VALUES (:name, :password)"),
            [{"name": "ada", "password": "pw-one"}, {"name": "bob", "password": "pw-two"}],
        )
        database.session.commit()
        return {"ok": True}

    sql = panel(details(client, client.post("/logins").headers["X-Debug-Id"]), "sql")
    assert "INSERT INTO login" in sql
    assert "ada" in sql and "bob" in sql
    assert "pw-one" not in sql and "pw-two" not in sql
    assert sql.count("********") == 2


def test_dict_parameters_are_masked(app: Cupola, client: TestClient, tmp_path: Path) -> None:
    app.config["DATABASE_ENGINE_OPTIONS"] = {"paramstyle": "named"}  # the driver gets a dict
    database = _table_db(app, tmp_path)

    @app.get("/named")
    def named() -> Any:
        row = database.session.execute(
            text("SELECT :password AS p, :name AS n"), {"password": "x1", "name": "y2"}
        ).one()
        return {"n": row.n}

    response = client.get("/named")
    assert response.json() == {"n": "y2"}
    sql = panel(details(client, response.headers["X-Debug-Id"]), "sql")
    assert "&#x27;password&#x27;: &#x27;********&#x27;" in sql
    assert "&#x27;name&#x27;: &#x27;y2&#x27;" in sql
    assert "x1" not in sql


def test_a_bad_database_url_leaves_the_toolbar_working(app: Cupola, client: TestClient) -> None:
    app.config["DATABASE_URL"] = "not a database url"
    Database(app)  # reported when a view uses the database, not by the toolbar

    @app.get("/")
    def home() -> Any:
        return {"ok": True}

    response = client.get("/")
    assert response.json() == {"ok": True}
    assert "No SQL queries." in panel(details(client, response.headers["X-Debug-Id"]), "sql")


def test_cache_has_and_write_calls(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def view() -> Any:
        cache.set("k", 1)
        present = cache.has("k")
        absent = cache.has("nope")
        cache.delete("k")
        cache.clear()
        return {"present": present, "absent": absent}

    response = client.get("/")
    assert response.json() == {"present": True, "absent": False}
    page = panel(details(client, response.headers["X-Debug-Id"]), "cache")
    assert "<td>has</td><td>k</td><td>1</td><td>0</td>" in page
    assert "<td>has</td><td>nope</td><td>0</td><td>1</td>" in page
    assert "<td>delete</td><td>k</td><td>0</td><td>0</td>" in page
    assert "<td>clear</td><td></td><td>0</td><td>0</td>" in page
    assert "5 calls · 1 hits · 1 misses" in page


def test_a_bad_cache_url_leaves_the_toolbar_working(app: Cupola, client: TestClient) -> None:
    app.config["CACHE_URL"] = "nosuchscheme://x"

    @app.get("/")
    def home() -> Any:
        return {"ok": True}

    response = client.get("/")
    assert response.json() == {"ok": True}
    assert details(client, response.headers["X-Debug-Id"])


def test_base_panel_defaults() -> None:
    class Plain(Panel):
        name = "plain"
        title = "Plain"

    plain = Plain()
    assert plain.subtitle({}) == ""
    assert plain.render({"anything": 1}) == '<p class="cdt-empty">Nothing recorded.</p>'
