"""The Channels-idiom example runs its own test suite on Channels, then on Cupola.

``examples/channels_chat`` holds consumers written as a Channels user writes them (a sync
one with ``async_to_sync``, an async one, a JSON one with ``groups``) and tests driving
them with Channels' ``WebsocketCommunicator``, with ``filterwarnings = ["error"]``. The
suite runs on Channels' router, then on a copy whose import lines, and nothing else, are
switched: the consumers to ``cupola.channels.generic.websocket``, the tests to the
Cupola app that routes the same consumers.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from websockets.sync.client import connect

from .conftest import IMPORT_LINE, ROOT, run_pytest, switch_imports

EXAMPLE = ROOT / "examples" / "channels_chat"
SWITCH = {
    "from channels.generic.websocket import (": "from cupola.channels.generic.websocket import (",
    "from chat.asgi import application": "from chat.cupola_app import application",
}
TESTS = 8


def test_the_suite_passes_on_channels() -> None:
    result = run_pytest(EXAMPLE, cupola=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{TESTS} passed" in result.stdout


def switched(target: Path) -> Path:
    assert switch_imports(EXAMPLE, target, SWITCH) == 2
    return target


def test_the_same_suite_passes_on_cupola(tmp_path: Path) -> None:
    target = switched(tmp_path / "channels_chat")
    consumers = (target / "chat" / "consumers.py").read_text().splitlines()
    # The consumers import nothing from Channels any more (asgiref stays: it is the user's).
    from_channels = re.compile(r"(from|import) channels\b")
    assert not [line for line in consumers if IMPORT_LINE.match(line) and from_channels.match(line)]
    result = run_pytest(target, cupola=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{TESTS} passed" in result.stdout


@pytest.mark.e2e
def test_the_sync_consumer_over_uvicorn(tmp_path: Path) -> None:
    """The switched consumers on a real server: async_to_sync from the handlers' threads."""
    target = switched(tmp_path / "channels_chat")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "uvicorn", "chat.cupola_app:application"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen(command, cwd=target, env=env)
    try:
        url = f"ws://127.0.0.1:{port}/ws/chat/e2e/"
        deadline = time.monotonic() + 15
        while True:
            try:
                first = connect(url, open_timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "no server"
                time.sleep(0.1)
        with first, connect(url, open_timeout=5) as second:
            second.send(json.dumps({"message": "/whoami"}))
            assert json.loads(second.recv(timeout=5)) == {"room": "e2e"}
            first.send(json.dumps({"message": "over the wire"}))
            for ws in (first, second):
                assert json.loads(ws.recv(timeout=5)) == {"message": "over the wire"}
    finally:
        server.terminate()
        server.wait(timeout=10)
