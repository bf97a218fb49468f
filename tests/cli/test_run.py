from __future__ import annotations

import importlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from cupola.cli.main import cli, main
from cupola.cli.run import server_url, watched
from cupola.servers import uvicorn as cupola_uvicorn

APPS = Path(__file__).parent / "apps"
CUPOLA = str(Path(sys.executable).with_name("cupola"))


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.chdir(APPS)
    # setenv first, so the values run() writes are removed afterwards.
    for name in ("CUPOLA_APP", cupola_uvicorn.APP_ENV, cupola_uvicorn.DEBUG_ENV):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    modules = set(sys.modules)
    yield
    for name in set(sys.modules) - modules:
        if str(APPS) in (getattr(sys.modules[name], "__file__", None) or ""):
            del sys.modules[name]


# -- in process: what `cupola run` hands to uvicorn ------------------------------------------


@pytest.fixture
def uvicorn_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, dict[str, Any]]]:
    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: calls.append((app, kwargs)))
    return calls


def test_without_reload_serves_the_loaded_app(uvicorn_calls: list[Any]) -> None:
    result = CliRunner().invoke(cli, ["run", "--app", "debug_app", "--no-reload", "--port", "0"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(" * Serving 'debug_app' at http://127.0.0.1:0/")
    [(asgi, options)] = uvicorn_calls
    app = sys.modules["debug_app"].app
    assert asgi is app.asgi
    assert app.debug is True
    assert options["host"] == "127.0.0.1"
    assert options["port"] == 0


def test_no_debug_leaves_debug_off(uvicorn_calls: list[Any]) -> None:
    result = CliRunner().invoke(cli, ["run", "--app", "debug_app", "--no-reload", "--no-debug"])
    assert "(debug off, reload off)" in result.output
    assert sys.modules["debug_app"].app.debug is False
    assert uvicorn_calls[0][1]["port"] == 8000


def test_reload_hands_uvicorn_an_import_string(uvicorn_calls: list[Any]) -> None:
    result = CliRunner().invoke(cli, ["run", "--app", "factories:create_app('dev')"])
    assert result.exit_code == 0, result.output
    assert "(debug on, reload on)" in result.output
    [(target, options)] = uvicorn_calls
    assert target == "cupola.servers.uvicorn:asgi_app"
    assert options["factory"] is True
    assert options["reload"] is True
    assert options["reload_dirs"] == [str(APPS)]
    assert os.environ[cupola_uvicorn.APP_ENV] == "factories:create_app('dev')"
    assert os.environ[cupola_uvicorn.DEBUG_ENV] == "1"


def test_reload_passes_the_environment_spec_on(
    uvicorn_calls: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUPOLA_APP", "make_app_factory")
    result = CliRunner().invoke(cli, ["run", "--no-debug"])
    assert result.exit_code == 0, result.output
    assert os.environ[cupola_uvicorn.APP_ENV] == "make_app_factory"
    assert os.environ[cupola_uvicorn.DEBUG_ENV] == "0"


def test_a_wrong_app_fails_before_serving(uvicorn_calls: list[Any]) -> None:
    result = CliRunner().invoke(cli, ["run", "--app", "no_app"])
    assert result.exit_code == 2
    assert "Could not find a Cupola app in module 'no_app'" in result.output
    assert uvicorn_calls == []


def test_asgi_app_factory_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cupola_uvicorn.APP_ENV, "debug_app")
    monkeypatch.setenv(cupola_uvicorn.DEBUG_ENV, "1")
    asgi = cupola_uvicorn.asgi_app()
    assert asgi is sys.modules["debug_app"].app.asgi
    assert sys.modules["debug_app"].app.debug is True
    monkeypatch.setenv(cupola_uvicorn.DEBUG_ENV, "0")
    cupola_uvicorn.asgi_app()
    assert sys.modules["debug_app"].app.debug is False


def test_server_url() -> None:
    assert server_url("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert server_url("::1", 5000) == "http://[::1]:5000/"


def test_watched_adds_an_app_folder_outside_the_current_one(tmp_path: Path) -> None:
    os.chdir(tmp_path)
    sys.path.insert(0, str(APPS))
    app = importlib.import_module("debug_app").app

    assert watched(app) == [str(tmp_path), str(APPS)]
    os.chdir(APPS)
    assert watched(app) == [str(APPS)]


# -- real processes --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> httpx.Response:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            time.sleep(0.05)
    pytest.fail(f"the server did not answer {url}:\n{log.read_text()}")


def start(cwd: Path, log: Path, *args: str) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [CUPOLA, "run", "--host", "127.0.0.1", *args],
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def is_gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")  # an orphan zombie no longer runs anything


def test_console_script_version() -> None:
    result = subprocess.run([CUPOLA, "--version"], capture_output=True, text=True, check=True)
    assert result.stdout.startswith(f"cupola {metadata.version('cupola')} (Python ")


def test_main_lists_the_commands(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["cupola", "--help"])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 0
    lines = capsys.readouterr().out.split("Commands:")[1].strip().splitlines()
    assert [line.split()[0] for line in lines] == [
        *("check", "createtoken", "db", "new", "routes", "run", "serve", "shell")
    ]


def test_run_serves_the_app_with_debug_on(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    process = start(APPS, log, "--app", "debug_app", "--port", str(port), "--no-reload")
    try:
        response = wait_for(f"http://127.0.0.1:{port}/", process, log)
        assert response.status_code == 200
        assert response.json() == {"debug": True}
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert f"Serving 'debug_app' at http://127.0.0.1:{port}/" in log.read_text()


def test_run_with_reload_restarts_on_change_and_stops_cleanly(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    source = (APPS / "debug_app.py").read_text()
    (project / "app.py").write_text(source)
    port = free_port()
    log = tmp_path / "server.log"
    process = start(project, log, "--port", str(port))
    workers: list[int] = []
    try:
        url = f"http://127.0.0.1:{port}/"
        assert wait_for(url, process, log).json() == {"debug": True}
        workers = children(process.pid)
        assert workers, "the reloader runs the server in a child process"
        changed = source.replace('{"debug"', '{"changed"')
        deadline = time.monotonic() + 30
        while "changed" not in wait_for(url, process, log).text:
            assert time.monotonic() < deadline, log.read_text()
            # Write again now and then: on a loaded machine one event can come too early.
            (project / "app.py").write_text(changed)
            time.sleep(0.5)
        workers += children(process.pid)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert is_gone(process.pid)
    deadline = time.monotonic() + 5
    while not all(is_gone(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(is_gone(pid) for pid in workers), workers


def test_the_showcase_warns_once_about_its_secret_key(tmp_path: Path) -> None:
    # The reloader's child process loads the app again: it inherits the key, and is quiet.
    root = Path(__file__).parents[2]
    env = {name: value for name, value in os.environ.items() if name != "CUPOLA_SECRET_KEY"}
    env["CUPOLA_DATABASE_URL"] = f"sqlite:///{tmp_path / 'showcase.db'}"
    env["PYTHONPATH"] = os.pathsep.join([str(root), env.get("PYTHONPATH", "")])
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [CUPOLA, "run", "--app", "examples.showcase.app:app", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        assert wait_for(f"http://127.0.0.1:{port}/", process, log).status_code == 200
        assert children(process.pid), "the reloader runs the server in a child process"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert log.read_text().count("CUPOLA_SECRET_KEY is not set") == 1, log.read_text()


def test_run_serves_websocket_routes(tmp_path: Path) -> None:
    # A plain install has a WebSocket library for uvicorn: no 426 on WebSocket routes.
    from websockets.sync.client import connect

    apps = Path(__file__).parents[1] / "servers" / "apps"
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [CUPOLA, "run", "--app", "serve_app", "--port", str(port), "--no-reload"],
            cwd=apps,
            env={**os.environ, "SERVE_WS": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(f"http://127.0.0.1:{port}/plain", process, log)
        ws = connect(f"ws://127.0.0.1:{port}/ws", open_timeout=5)
        with ws:
            ws.send("hello")
            assert ws.recv(timeout=5) == "echo: hello"
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert "No supported WebSocket library" not in log.read_text()
