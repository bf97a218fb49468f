"""``cupola check``: findings printed with their hints, exit status 1 on an error."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cupola.cli.main import cli

APP = """
from cupola import Cupola

app = Cupola(__name__, config={config}, static_folder=None)
"""
SAFE = (
    '{"SECRET_KEY": "s" * 40, "ALLOWED_HOSTS": ["example.com"], '
    '"SESSION_COOKIE_SECURE": True, "SECURE_HSTS_SECONDS": 60}'
)


@pytest.fixture
def write_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], str]]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    names: list[str] = []

    def write(config: str) -> str:
        name = f"checked_{uuid.uuid4().hex[:8]}"
        (tmp_path / f"{name}.py").write_text(APP.format(config=config))
        names.append(name)
        return name

    yield write
    for name in names:
        sys.modules.pop(name, None)


def check(*args: str) -> Result:
    return CliRunner().invoke(cli, ["check", *args])


def test_no_issues(write_app: Callable[[str], str]) -> None:
    name = write_app(SAFE)
    result = check("--deploy", "--app", name, "--workers", "1")
    assert result.exit_code == 0
    assert result.output == "System check found no issues.\n"


def test_errors_exit_1_with_ids_messages_and_hints(write_app: Callable[[str], str]) -> None:
    name = write_app('{"DEBUG": True, "SECRET_KEY": "short", "ALLOWED_HOSTS": ["*"]}')
    result = check("--deploy", "--app", name, "--workers", "1")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("cupola.E001 (error): DEBUG is on")
    assert lines[1].startswith("    hint: ")
    assert "cupola.E003 (error): SECRET_KEY has 5 characters" in result.output
    assert 'cupola.E005 (error): ALLOWED_HOSTS contains "*"' in result.output
    assert "cupola.W001 (warning): SESSION_COOKIE_SECURE" in result.output
    assert "cupola.W002 (warning): SECURE_HSTS_SECONDS" in result.output
    assert lines[-1] == "System check found 3 error(s) and 2 warning(s)."


def test_warnings_alone_exit_0(write_app: Callable[[str], str]) -> None:
    name = write_app(SAFE)
    result = check("--deploy", "--app", name, "--workers", "2")
    assert result.exit_code == 0
    assert "cupola.W006 (warning): CACHE_URL is 'memory://'" in result.output
    assert "System check found 0 error(s) and 2 warning(s)." in result.output


def test_without_deploy_debug_is_fine(write_app: Callable[[str], str]) -> None:
    name = write_app('{"DEBUG": True}')
    result = check("--app", name)
    assert result.exit_code == 0
    assert result.output == "System check found no issues.\n"


def test_an_app_that_cannot_be_built(write_app: Callable[[str], str]) -> None:
    name = write_app('{"MIDDLEWARE": ["nowhere.Middleware"]}')
    result = check("--app", name)
    assert result.exit_code == 1
    assert result.output.startswith("cupola.E010 (error): The app cannot be built")
