"""Real servers for the end-to-end tests: each runs the sample app on a free local port."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

APPS = Path(__file__).parent / "apps"
HOST = "127.0.0.1"


def _commands(port: int) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "gunicorn": [
            *(python, "-m", "gunicorn", "e2e_app:app", "--chdir", str(APPS)),
            *("--workers", "1", "--worker-class", "sync", "--bind", f"{HOST}:{port}"),
            *("--graceful-timeout", "2"),
        ],
        "uvicorn": [
            *(python, "-m", "uvicorn", "e2e_app:app.asgi", "--app-dir", str(APPS)),
            *("--host", HOST, "--port", str(port), "--timeout-graceful-shutdown", "2"),
        ],
    }


@dataclass
class Server:
    """A server process and where it answers."""

    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_ready(server: Server, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"{server.name} exited early:\n{server.log.read_text()}")
        try:
            httpx.get(f"{server.url}/plain", timeout=1)
        except httpx.TransportError:
            time.sleep(0.05)
        else:
            return
    pytest.fail(f"{server.name} did not answer in {timeout} s:\n{server.log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module", params=["gunicorn", "uvicorn"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The sample app served by gunicorn (WSGI) or uvicorn (ASGI), stopped afterwards."""
    name: str = request.param
    port = free_port()
    log = tmp_path_factory.mktemp(name) / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            _commands(port)[name], cwd=APPS, stdout=out, stderr=subprocess.STDOUT
        )
    running = Server(name, f"http://{HOST}:{port}", process, log)
    try:
        wait_until_ready(running)
        yield running
    finally:
        stop(process)


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    """An HTTP client for ``server`` that keeps cookies and does not follow redirects."""
    with httpx.Client(base_url=server.url, timeout=5) as http:
        yield http
