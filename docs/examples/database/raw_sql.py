"""Raw SQL on the app's database: parameterised statements in the request's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from cupola import Cupola
from cupola.db import Database

app = Cupola(__name__)
db = Database(app)


def create_tables() -> None:
    """Create the table with plain DDL on the app's engine (in an app context)."""
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE IF NOT EXISTS visit "
                "(path VARCHAR(200) PRIMARY KEY, hits INTEGER NOT NULL)"
            )
        )


@app.post("/visits/<path:page>")
def count_visit(page: str) -> Any:
    params = {"path": page}  # values travel as bound parameters, never inside the SQL
    updated = db.session.execute(
        text("UPDATE visit SET hits = hits + 1 WHERE path = :path"), params
    )
    if updated.rowcount == 0:
        db.session.execute(text("INSERT INTO visit (path, hits) VALUES (:path, 1)"), params)
    db.session.commit()
    hits = db.session.execute(text("SELECT hits FROM visit WHERE path = :path"), params)
    return {"path": page, "hits": hits.scalar_one()}


@app.post("/visits/<path:page>/dry-run")
def dry_run(page: str) -> Any:
    db.session.execute(text("DELETE FROM visit WHERE path = :path"), {"path": page})
    return {"deleted": page}  # no commit: the request's transaction is rolled back


@app.get("/visits")
def visits() -> Any:
    rows = db.session.execute(text("SELECT path, hits FROM visit ORDER BY path"))
    return {row.path: row.hits for row in rows}
