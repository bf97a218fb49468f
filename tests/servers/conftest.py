"""``cupola serve`` as a real process: started on a free port, stopped by PID."""

from __future__ import annotations

import contextlib
import os
import signal
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
CUPOLA = str(Path(sys.executable).with_name("cupola"))
SERVERS = ["granian", "gunicorn", "uvicorn"]


@dataclass
class Served:
    """A running ``cupola serve`` and where it answers."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self, timeout: float = 20) -> int:
        """SIGTERM, then wait; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        finally:
            # anything left over is in the process group this process leads
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def start(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None, port: int | None = None
) -> Served:
    """Start ``cupola serve --app serve_app`` with ``args`` (binds to a free port)."""
    port = port or free_port()
    log = tmp_path / f"serve-{port}.log"
    command = [CUPOLA, "serve", "--app", "serve_app", *args]
    if "--bind" not in args and "--uds" not in args:
        command += ["--bind", f"{HOST}:{port}"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=APPS,
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Served(process, port, log)


def wait_ready(served: Served, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            pytest.fail(f"cupola serve exited early:\n{served.output()}")
        try:
            httpx.get(f"{served.url}/plain", timeout=1)
        except httpx.TransportError:
            time.sleep(0.1)
        else:
            return
    pytest.fail(f"cupola serve did not answer in {timeout} s:\n{served.output()}")


@contextlib.contextmanager
def serving(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None, ready: bool = True
) -> Iterator[Served]:
    """A started (and ready) ``cupola serve``, always stopped afterwards."""
    served = start(tmp_path, *args, env=env)
    try:
        if ready:
            wait_ready(served)
        yield served
    finally:
        served.stop()


class Launcher:
    """What the tests use to start servers (a fixture: tests cannot import conftest)."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path

    def start(self, *args: str, env: dict[str, str] | None = None) -> Served:
        return start(self.tmp_path, *args, env=env)

    def serving(
        self, *args: str, env: dict[str, str] | None = None, ready: bool = True
    ) -> contextlib.AbstractContextManager[Served]:
        return serving(self.tmp_path, *args, env=env, ready=ready)

    wait_ready = staticmethod(wait_ready)
    free_port = staticmethod(free_port)


@pytest.fixture
def launcher(tmp_path: Path) -> Launcher:
    """Starts ``cupola serve`` processes for one test."""
    return Launcher(tmp_path)
