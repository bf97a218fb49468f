"""``cupola serve`` options on one server each, as real processes: threads, a stale socket."""

from __future__ import annotations

import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.e2e


def test_granian_threads_serve_sync_views_at_once(launcher: Any) -> None:
    with launcher.serving("--server", "granian", "--workers", "1", "--threads", "3") as served:
        url = f"{served.url}/slow?seconds=1"
        started = time.monotonic()
        with ThreadPoolExecutor(3) as pool:
            texts = list(pool.map(lambda _: httpx.get(url, timeout=15).text, range(3)))
        elapsed = time.monotonic() - started
        assert served.stop() == 0, served.output()
    assert texts == ["done"] * 3
    assert elapsed < 2.5, elapsed  # three 1 s views side by side (one thread: 3 s or more)


def test_uvicorn_replaces_a_stale_unix_socket_file(launcher: Any, tmp_path: Path) -> None:
    uds = tmp_path / "stale.sock"
    uds.write_text("left over by a server that was killed")
    served = launcher.start("--server", "uvicorn", "--workers", "1", "--uds", str(uds))
    try:
        deadline = time.monotonic() + 20
        while not accepts(uds):
            assert served.process.poll() is None, served.output()
            assert time.monotonic() < deadline, served.output()
            time.sleep(0.1)
        with httpx.Client(transport=httpx.HTTPTransport(uds=str(uds))) as client:
            assert client.get("http://localhost/plain").text == "Hello, world!"
    finally:
        assert served.stop() == 0, served.output()
    assert not uds.exists()  # removed on the way out


def accepts(uds: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        try:
            sock.connect(str(uds))
        except OSError:  # the stale file is not a socket yet, or nobody listens
            return False
    return True
