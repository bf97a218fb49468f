"""cupola db: init → migrate → upgrade → downgrade in a temporary project, on both databases."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, inspect

APP = """
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from cupola import Cupola
from cupola.db import Database

app = Cupola(__name__)
app.config.from_env()
db = Database(app)


class Book(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
"""


CUPOLA = str(Path(sys.executable).parent / "cupola")


def cupola(project: Path, url: str, *args: str) -> str:
    env = {**os.environ, "CUPOLA_DATABASE_URL": url}
    env.pop("CUPOLA_APP", None)
    done = subprocess.run(
        [CUPOLA, *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def columns(url: str, table: str) -> list[str] | None:
    engine = create_engine(url)
    try:
        inspector = inspect(engine)
        if table not in inspector.get_table_names():
            return None
        return [column["name"] for column in inspector.get_columns(table)]
    finally:
        engine.dispose()


def test_round_trip(tmp_path: Path, database_url: str) -> None:
    (tmp_path / "app.py").write_text(APP)
    cupola(tmp_path, database_url, "db", "init")
    assert (tmp_path / "migrations" / "env.py").is_file()
    cupola(tmp_path, database_url, "db", "migrate", "-m", "books")
    assert cupola(tmp_path, database_url, "db", "current").strip() == "No revision applied."
    cupola(tmp_path, database_url, "db", "upgrade")
    assert columns(database_url, "book") == ["id", "title"]
    with (tmp_path / "app.py").open("a") as file:
        file.write("    year: Mapped[int | None]\n")
    cupola(tmp_path, database_url, "db", "migrate", "-m", "year")
    cupola(tmp_path, database_url, "db", "upgrade")
    assert columns(database_url, "book") == ["id", "title", "year"]
    history = cupola(tmp_path, database_url, "db", "history")
    assert "year" in history and "books" in history
    cupola(tmp_path, database_url, "db", "downgrade")  # drops a column: batch mode on SQLite
    assert columns(database_url, "book") == ["id", "title"]
    assert "(head)" not in cupola(tmp_path, database_url, "db", "current")
    cupola(tmp_path, database_url, "db", "downgrade", "base")
    assert columns(database_url, "book") is None


def test_errors_are_one_line(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP)
    url = f"sqlite:///{tmp_path / 'x.db'}"
    env = {**os.environ, "CUPOLA_DATABASE_URL": url}
    run = [CUPOLA, "db"]
    missing = subprocess.run(
        [*run, "upgrade"], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert missing.returncode == 1
    assert "cupola db init" in missing.stderr and "Traceback" not in missing.stderr
    subprocess.run([*run, "init"], cwd=tmp_path, env=env, check=True, capture_output=True)
    again = subprocess.run(
        [*run, "init"], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert again.returncode == 1 and "already exists" in again.stderr
    bad = subprocess.run(
        [*run, "upgrade", "nope"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
