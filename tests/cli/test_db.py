"""``cupola db``, in-process on SQLite: the commands, their output and their errors.

tests/db/test_migrations.py runs the same round trip as real processes, on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from click.testing import CliRunner, Result

from cupola.cli.main import cli
from cupola.exceptions import ImproperlyConfigured

APP = """
from sqlalchemy.orm import Mapped, mapped_column
from cupola import Cupola
from cupola.db import Database

app = Cupola(__name__, config={{"DATABASE_URL": "sqlite:///{db}"}})
db = Database(app)


class Note(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
{extra}"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A folder with an app module of a unique name; yields the ``--app`` spec."""
    name = f"notes_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{name}.py").write_text(APP.format(db=tmp_path / "notes.db", extra=""))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CUPOLA_APP", raising=False)
    yield name
    sys.modules.pop(name, None)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_round_trip(project: str, tmp_path: Path) -> None:
    assert run("db", "init").output.startswith("Created migrations/")
    assert run("db", "migrate", "--app", project, "-m", "notes").exit_code == 0
    assert run("db", "current", "--app", project).stdout == "No revision applied.\n"
    assert run("db", "history", "--app", project).stdout.endswith("notes\n")
    assert run("db", "upgrade", "--app", project).exit_code == 0
    assert "(head)" in run("db", "current", "--app", project).stdout
    assert run("db", "downgrade", "--app", project, "base").exit_code == 0
    assert run("db", "current", "--app", project).stdout == "No revision applied.\n"
    (revision,) = (tmp_path / "migrations" / "versions").glob("*_notes.py")
    assert "op.create_table('note'" in revision.read_text()


def test_errors(project: str, tmp_path: Path) -> None:
    missing = run("db", "upgrade", "--app", project)
    assert missing.exit_code == 1 and "run 'cupola db init' first" in missing.output
    assert run("db", "history", "--app", project, "-d", "elsewhere").exit_code == 1
    run("db", "init")
    again = run("db", "init")
    assert again.exit_code == 1 and "already exists" in again.output
    assert run("db", "history", "--app", project).stdout == "No revisions yet.\n"
    unknown = run("db", "upgrade", "--app", project, "nope")
    assert unknown.exit_code == 1 and "nope" in unknown.output


def test_app_without_a_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = f"bare_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{name}.py").write_text("from cupola import Cupola\napp = Cupola(__name__)\n")
    monkeypatch.chdir(tmp_path)
    try:
        result = run("db", "current", "--app", name)
    finally:
        sys.modules.pop(name, None)
    assert result.exit_code == 1 and "has no database" in result.output


def test_env_py_refuses_to_run_without_cupola(project: str, tmp_path: Path) -> None:
    run("db", "init")
    config = Config()
    config.set_main_option("script_location", str(tmp_path / "migrations"))
    with pytest.raises(ImproperlyConfigured, match="cupola db upgrade"):
        command.upgrade(config, "head")


def test_alembic_set_up_lines_only_with_verbose(project: str) -> None:
    run("db", "init")
    run("db", "migrate", "--app", project, "-m", "notes")
    quiet = run("db", "upgrade", "--app", project)
    assert quiet.exit_code == 0
    assert "Context impl" not in quiet.output and "Will assume" not in quiet.output
    assert "setup plugin" not in quiet.output and "setting up" not in quiet.output
    assert "Running upgrade  -> " in quiet.output  # the progress stays
    verbose = run("db", "-v", "downgrade", "--app", project, "base")
    assert "Context impl SQLiteImpl." in verbose.output
    assert "Running downgrade " in verbose.output


def test_migrate_without_model_changes_writes_no_revision(project: str, tmp_path: Path) -> None:
    run("db", "init")
    run("db", "migrate", "--app", project, "-m", "notes")
    run("db", "upgrade", "--app", project)
    result = run("db", "migrate", "--app", project, "-m", "nothing")
    assert result.exit_code == 0
    assert "No changes in the models: no revision written." in result.output
    assert [p.name for p in (tmp_path / "migrations" / "versions").glob("*.py")] == [
        next((tmp_path / "migrations" / "versions").glob("*_notes.py")).name
    ]


def test_migrations_beside_the_app_are_found_without_directory(
    project: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("db", "init")
    run("db", "migrate", "--app", project, "-m", "notes")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # no migrations/ here: the app's folder has them
    result = run("db", "upgrade", "--app", f"{tmp_path / project}.py:app")
    assert result.exit_code == 0, result.output
    assert "(head)" in run("db", "current", "--app", f"{tmp_path / project}.py:app").stdout


CUPOLA = str(Path(sys.executable).with_name("cupola"))


def test_the_showcase_migrations_are_found_from_app() -> None:
    # A process of its own: importing the showcase here would replace the modules that
    # tests/examples holds on to.
    root = Path(__file__).parents[2]
    result = subprocess.run(
        [CUPOLA, "db", "history", "--app", "examples.showcase.app:app"],
        cwd=root,
        env={**os.environ, "CUPOLA_SECRET_KEY": "k" * 64},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "(head)" in result.stdout
    assert "No migrations" not in result.stderr
