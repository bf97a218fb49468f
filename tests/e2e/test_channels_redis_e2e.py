"""Two uvicorn processes sharing a Redis channel layer, and a Redis restarted under them.

A private ``redis-server`` (no persistence) runs on a free port for this module, so the
restart test can kill and restart it. Without ``redis-server`` the tests skip loudly, or
fail when ``CI=true``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
import redis
from websockets.sync.client import ClientConnection, connect

from .conftest import APPS, HOST, Server, free_port, stop, wait_until_ready

pytestmark = pytest.mark.e2e


class PrivateRedis:
    """A redis-server process on a free port, which a test may kill and start again."""

    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.url = f"redis://{HOST}:{self.port}/0"
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            message = "REDIS E2E TESTS DID NOT RUN: no redis-server binary on PATH."
            if os.environ.get("CI") == "true":
                pytest.fail(message)
            pytest.skip(message)
        command = [binary, "--port", str(self.port), "--bind", HOST, "--save", ""]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [*command, "--appendonly", "no"], stdout=out, stderr=subprocess.STDOUT
            )
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        try:
            while True:
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    if time.monotonic() > deadline:
                        pytest.fail(f"redis-server did not start:\n{self.log.read_text()}")
                    time.sleep(0.05)
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


@pytest.fixture(scope="module")
def private_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path_factory.mktemp("redis") / "redis.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def servers(
    private_redis: PrivateRedis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[Server]]:
    """Two uvicorn processes of channels_app on different ports, one Redis."""
    env = {
        **os.environ,
        "CUPOLA_E2E_REDIS_URL": private_redis.url,
        "CUPOLA_E2E_CHANNEL_PREFIX": f"e2e:{uuid.uuid4().hex}:",
    }
    started: list[Server] = []
    try:
        for name in ("first", "second"):
            port = free_port()
            log = tmp_path_factory.mktemp(name) / "server.log"
            command = [
                *(sys.executable, "-m", "uvicorn", "channels_app:app.asgi"),
                *("--app-dir", str(APPS), "--host", HOST, "--port", str(port)),
                *("--timeout-graceful-shutdown", "2"),
            ]
            with log.open("wb") as out:
                process = subprocess.Popen(
                    command, cwd=APPS, env=env, stdout=out, stderr=subprocess.STDOUT
                )
            started.append(Server(name, f"http://{HOST}:{port}", process, log))
        for server in started:
            wait_until_ready(server)
        yield started
    finally:
        for server in started:
            stop(server.process)


def join(stack: ExitStack, server: Server, room: str) -> ClientConnection:
    url = server.url.replace("http://", "ws://", 1) + f"/ws/room/{room}"
    ws = stack.enter_context(connect(url, open_timeout=5, close_timeout=5))
    assert "joined" in json.loads(ws.recv(timeout=5))
    return ws


def receive(ws: ClientConnection, count: int) -> list[tuple[str, int]]:
    messages = [json.loads(ws.recv(timeout=10)) for _ in range(count)]
    return [(m["sender"], m["seq"]) for m in messages]


def per_sender(messages: list[tuple[str, int]]) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = {}
    for sender, seq in messages:
        grouped.setdefault(sender, []).append(seq)
    return grouped


def test_every_client_on_both_processes_gets_each_message_once_in_order(
    servers: list[Server],
) -> None:
    first, second = servers
    with ExitStack() as stack:
        clients = [join(stack, server, "lobby") for server in (first, second) for _ in range(3)]
        senders = {"a": clients[0], "b": clients[3]}
        for seq in range(10):
            for name, ws in senders.items():
                ws.send(json.dumps({"sender": name, "seq": seq}))
        with httpx.Client(timeout=5) as http:
            for seq in range(5):
                server = (first, second)[seq % 2]
                assert http.post(f"{server.url}/announce/lobby/{seq}").json() == {"sent": seq}
        for ws in clients:
            got = per_sender(receive(ws, 25))
            assert got == {"a": list(range(10)), "b": list(range(10)), "http": list(range(5))}
            with pytest.raises(TimeoutError):
                ws.recv(timeout=0.2)  # nothing twice


def test_the_layer_survives_a_redis_restart(
    servers: list[Server], private_redis: PrivateRedis
) -> None:
    first, second = servers
    with ExitStack() as stack:
        clients = [join(stack, first, "restart"), join(stack, second, "restart")]
        clients[0].send(json.dumps({"sender": "before", "seq": 0}))
        for ws in clients:
            assert receive(ws, 1) == [("before", 0)]

        private_redis.stop()  # every key, memberships included, is gone with it
        private_redis.start()

        # The readers notice, reconnect with backoff and add their memberships again; the
        # same WebSocket connections then receive new messages from both processes.
        deadline = time.monotonic() + 20
        seq = 0
        with httpx.Client(timeout=5) as http:
            while True:
                seq += 1
                response = http.post(f"{second.url}/announce/restart/{seq}")
                if response.status_code == 200 and all(_got(ws, seq) for ws in clients):
                    break
                assert time.monotonic() < deadline, "no message flowed after the restart"
        clients[1].send(json.dumps({"sender": "after", "seq": 1}))
        for ws in clients:
            assert receive(ws, 1) == [("after", 1)]
        for server in servers:
            assert server.process.poll() is None, server.log.read_text()
        assert "reconnected to Redis" in first.log.read_text() + second.log.read_text()


def _got(ws: ClientConnection, seq: int) -> bool:
    """Whether announcement ``seq`` arrives, skipping older ones still on their way."""
    try:
        while True:
            message = json.loads(ws.recv(timeout=0.5))
            if message == {"sender": "http", "seq": seq}:
                return True
    except TimeoutError:
        return False
