"""The Flask-idiom example runs its own test suite on Flask, then on Cupola.

``examples/flask_readinglog`` is an app and a pytest suite written as a Flask user writes
them (app factory, instance config, blueprints, click commands, ``g`` closed by
``teardown_appcontext``, ``test_client()``, ``test_cli_runner()``, ``with client:``,
``session_transaction()``), with ``filterwarnings = ["error"]``. The same suite then runs
on a copy whose import lines, and nothing else, are switched to Cupola.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import IMPORT_LINE, ROOT, run_pytest, switch_imports

EXAMPLE = ROOT / "examples" / "flask_readinglog"
SWITCH = {
    "from flask import Flask": "from cupola.flask import Flask",
    "from flask import current_app, g": "from cupola.flask import current_app, g",
    "from flask import g": "from cupola.flask import g",
    "from flask import g, session": "from cupola.flask import g, session",
    "from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for": (
        "from cupola.flask import Blueprint, flash, g, redirect, render_template, request, "
        "session, url_for"
    ),
    "from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, url_for": (  # noqa: E501
        "from cupola.flask import Blueprint, abort, flash, g, jsonify, redirect, "
        "render_template, request, url_for"
    ),
    # Werkzeug's password helpers: Cupola's take the same arguments, and check
    # Werkzeug's hashes (the suite's data.sql holds two).
    "from werkzeug.security import check_password_hash, generate_password_hash": (
        "from cupola.auth import hash_password as generate_password_hash, "
        "verify_password as check_password_hash"
    ),
}
TESTS = 33


def test_the_suite_passes_on_flask() -> None:
    result = run_pytest(EXAMPLE, cupola=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{TESTS} passed" in result.stdout


@pytest.fixture(scope="module")
def switched(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("cupola") / "flask_readinglog"
    replaced = switch_imports(EXAMPLE, target, SWITCH)
    # Every Flask and Werkzeug import of the example is switched, and nothing else.
    remaining = [
        line
        for path in target.rglob("*.py")
        for line in path.read_text().splitlines()
        if IMPORT_LINE.match(line) and re.search(r"\b(?<!cupola\.)(flask|werkzeug)\b", line)
    ]
    assert remaining == []
    assert replaced == 8
    return target


def test_the_same_suite_passes_on_cupola(switched: Path) -> None:
    result = run_pytest(switched, cupola=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{TESTS} passed" in result.stdout


def test_the_apps_commands_run_from_the_cupola_command(switched: Path, tmp_path: Path) -> None:
    settings = tmp_path / "instance"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-c", "from cupola.cli.main import main; main()"]

    def cupola(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, "--app", "readinglog", *args],
            cwd=switched,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    created = cupola("init-db")
    assert (created.returncode, created.stdout) == (0, "Initialized the database.\n"), created
    assert (switched / "instance" / "readinglog.sqlite").is_file()  # <project>/instance
    assert cupola("stats").stdout == "0 books logged.\n"
    listed = cupola("--help")
    assert "init-db" in listed.stdout and "routes" in listed.stdout
    assert not settings.exists()
