"""Raw SQL through ``db.session`` and ``db.engine``, on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from cupola import request

from .conftest import Setup


def routes(s: Setup) -> None:
    @s.app.post("/titles")
    def add() -> Any:
        s.db.session.execute(
            text("INSERT INTO book (title) VALUES (:title)"), {"title": request.json["title"]}
        )
        if not request.args.get("dry"):
            s.db.session.commit()
        return {"ok": True}

    @s.app.get("/titles")
    def titles() -> Any:
        rows = s.db.session.execute(
            text("SELECT title FROM book WHERE title LIKE :pattern ORDER BY title"),
            {"pattern": request.args.get("like", "%")},
        )
        return {"titles": rows.scalars().all()}


def test_parameterised_statements_in_the_request_transaction(setup: Setup, protocol: str) -> None:
    routes(setup)
    client = setup.app.test_client(protocol)  # type: ignore[arg-type]
    assert client.post("/titles", json={"title": "Dune"}).json() == {"ok": True}
    assert client.post("/titles", json={"title": "x'); DROP TABLE book; --"}).status_code == 200
    assert client.post("/titles?dry=1", json={"title": "Emma"}).status_code == 200  # rolled back
    assert client.get("/titles").json() == {"titles": ["Dune", "x'); DROP TABLE book; --"]}
    assert client.get("/titles?like=D%25").json() == {"titles": ["Dune"]}


def test_a_duplicate_from_raw_sql_is_409(setup: Setup, protocol: str) -> None:
    routes(setup)
    client = setup.app.test_client(protocol)  # type: ignore[arg-type]
    assert client.post("/titles", json={"title": "Dune"}).status_code == 200
    conflict = client.post("/titles", json={"title": "Dune"})
    assert conflict.status_code == 409
    assert "INSERT" not in conflict.text and "book" not in conflict.text
    assert client.get("/titles").json() == {"titles": ["Dune"]}  # the session was rolled back


def test_engine_outside_requests(setup: Setup) -> None:
    with setup.app.app_context():
        with setup.db.engine.begin() as connection:
            connection.execute(
                text("INSERT INTO book (title) VALUES (:t)"), [{"t": "A"}, {"t": "B"}]
            )
        with setup.db.engine.connect() as connection:
            count = connection.execute(text("SELECT COUNT(*) FROM book")).scalar_one()
    assert count == 2
