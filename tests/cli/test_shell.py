"""``cupola shell`` as a real process, its input piped: app context, names, imports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.orm import Mapped, mapped_column

from cupola import Cupola
from cupola.cli.shell import shell_namespace
from cupola.db import Database

CUPOLA = str(Path(sys.executable).with_name("cupola"))

APP = """
from sqlalchemy.orm import Mapped, mapped_column
from cupola import Cupola
from cupola.db import Database

app = Cupola(__name__, config={"DATABASE_URL": "sqlite:///%s"})
db = Database(app)


class Book(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
"""

SESSION = """\
from cupola import current_app
print("context:", current_app.import_name)
print("names:", app.import_name, type(db).__name__, Book.__tablename__)
db.create_all()
db.session.add(Book(title="Dune")); db.session.commit()
print("titles:", [b.title for b in db.session.query(Book)])
import library
print("same app:", library.app is app)
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "library.py").write_text(APP % (tmp_path / "library.db"))
    return tmp_path


def shell(project: Path, *args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CUPOLA, "shell", "--app", "library", *args],
        cwd=project,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )


def test_shell_runs_piped_code_in_the_app_context(project: Path) -> None:
    result = shell(project, stdin=SESSION)
    assert result.returncode == 0, result.stderr
    assert "context: library" in result.stdout
    assert "names: library Database book" in result.stdout
    assert "titles: ['Dune']" in result.stdout
    assert "same app: True" in result.stdout
    assert "Names: Book, app, db" in result.stdout + result.stderr  # the banner


def test_ipython_is_used_when_installed(project: Path) -> None:
    pytest.importorskip("IPython", reason="IPython is in the dev extra")
    result = shell(project, stdin="print(app.import_name)\n")
    assert result.returncode == 0, result.stderr
    assert "In [1]: library" in result.stdout


def test_plain_console_when_asked(project: Path) -> None:
    result = shell(project, "--no-ipython", stdin="print(app.import_name)\n")
    assert result.returncode == 0, result.stderr
    assert "library" in result.stdout


def test_a_wrong_app_is_reported(project: Path) -> None:
    result = subprocess.run(
        [CUPOLA, "shell", "--app", "nowhere"],
        cwd=project,
        input="",
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "Could not import module 'nowhere'" in result.stderr


def test_namespace_without_and_with_a_database() -> None:
    app = Cupola("plain")
    assert shell_namespace(app) == {"app": app}
    db = Database(app)

    class Shelf(db.Model):  # type: ignore[name-defined,misc]
        id: Mapped[int] = mapped_column(primary_key=True)

    assert shell_namespace(app) == {"app": app, "db": db, "Shelf": Shelf}
