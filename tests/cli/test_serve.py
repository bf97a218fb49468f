"""``cupola serve``: the start-up checks and option errors, before any server runs.

Serving itself (each server, SIGTERM, recycling, logs, slow clients) is tested over real
processes in tests/servers/.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import click
import httpx
import pytest
from click.testing import CliRunner, Result

from cupola.cli.main import cli
from cupola.cli.serve import parse_bind

APPS = Path(__file__).parents[1] / "servers" / "apps"
CUPOLA = str(Path(sys.executable).with_name("cupola"))


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.chdir(APPS)
    for name in ("CUPOLA_APP", "SERVE_DEBUG", "SERVE_WS", "SERVE_BAD"):
        monkeypatch.delenv(name, raising=False)
    yield
    sys.modules.pop("serve_app", None)


def serve(*args: str) -> Result:
    return CliRunner().invoke(cli, ["serve", "--app", "serve_app", *args])


def run_serve(
    *args: str, env: dict[str, str], timeout: float = 20
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CUPOLA, "serve", "--app", "serve_app", *args],
        cwd=APPS,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_debug_on_refuses_to_start() -> None:
    result = run_serve("--workers", "1", "--bind", "127.0.0.1:0", env={"SERVE_DEBUG": "1"})
    assert result.returncode == 1
    assert "cupola.E001 (error): DEBUG is on" in result.stderr
    assert "hint: Set DEBUG = False" in result.stderr
    assert "Not serving" in result.stderr
    assert "Serving 'serve_app'" not in result.stdout


def test_allow_debug_starts_with_a_warning(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = tmp_path / "log"
    # NOTE: one worker, the one that answers below: a worker still loading when SIGTERM
    # comes is only killed after the graceful timeout (30 s).
    command = [CUPOLA, "serve", "--app", "serve_app", "--allow-debug", "--workers", "1"]
    command += ["--bind", f"127.0.0.1:{port}"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=APPS,
            env={**os.environ, "SERVE_DEBUG": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, log.read_text()
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/plain").status_code == 200
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            assert process.wait(timeout=20) == 0
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # whatever is left, even on failure
            process.wait()
    assert "cupola.W010 (warning): DEBUG is on (allowed by --allow-debug)" in log.read_text()


def test_a_deployment_error_refuses_to_start() -> None:
    result = run_serve("--workers", "1", env={"SERVE_BAD": "1"})
    assert result.returncode == 1
    assert "cupola.E002 (error): SECRET_KEY is not set." in result.stderr


def test_errors_are_reported_before_the_server_is_picked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVE_BAD", "1")
    result = serve("--server", "gunicorn", "--workers", "1")
    assert result.exit_code == 1
    assert "SECRET_KEY is not set" in result.output


def test_gunicorn_refuses_an_app_with_websocket_routes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVE_WS", "1")
    result = serve("--server", "gunicorn", "--workers", "1")
    assert result.exit_code == 2
    assert "gunicorn does not serve ASGI apps" in result.output
    assert "--server granian" in result.output


def test_granian_listens_on_one_address() -> None:
    result = serve("--workers", "1", "--bind", "127.0.0.1:8001", "--bind", "127.0.0.1:8002")
    assert result.exit_code == 2
    assert "granian listens on one address" in result.output


def test_unknown_server() -> None:
    result = serve("--server", "waitress")
    assert result.exit_code == 2
    assert "'waitress' is not one of" in result.output


def test_bad_bind() -> None:
    result = serve("--bind", "localhost")
    assert result.exit_code == 2
    assert "'localhost' is not HOST:PORT" in result.output


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("127.0.0.1:8000", ("127.0.0.1", 8000)),
        ("[::1]:9000", ("::1", 9000)),
        (":80", ("0.0.0.0", 80)),
    ],
)
def test_parse_bind(value: str, expected: tuple[str, int]) -> None:
    assert parse_bind(value) == expected


@pytest.mark.parametrize("value", ["8000", "host:", "host:http", "host:70000"])
def test_parse_bind_errors(value: str) -> None:
    with pytest.raises(click.BadParameter):
        parse_bind(value)


def test_serve_is_listed_in_help() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    for command in ("serve", "check", "shell", "new", "routes", "run", "db"):
        assert f"  {command} " in result.output
