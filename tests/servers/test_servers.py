"""``cupola serve`` on each server, as real processes: serving, SIGTERM, recycling, logs."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

pytestmark = pytest.mark.e2e

SERVERS = ["granian", "gunicorn", "uvicorn"]
HOST = "127.0.0.1"


@pytest.mark.parametrize("server", SERVERS)
def test_serves_and_stops_gracefully(server: str, launcher: Any, tmp_path: Path) -> None:
    shutdown = tmp_path / "shutdown.txt"
    env = {"SERVE_SHUTDOWN_FILE": str(shutdown)}
    with launcher.serving("--server", server, "--workers", "1", env=env) as served:
        assert httpx.get(f"{served.url}/plain").text == "Hello, world!"
        slow: list[httpx.Response] = []
        thread = threading.Thread(
            target=lambda: slow.append(httpx.get(f"{served.url}/slow?seconds=1.5", timeout=10))
        )
        thread.start()
        time.sleep(0.5)  # the slow request is in flight
        status = served.stop()
        thread.join(10)
        assert status == 0, served.output()
    assert [r.text for r in slow] == ["done"], served.output()
    assert shutdown.read_text().startswith("shutdown "), served.output()
    assert f"on {server} (" in served.output()


@pytest.mark.parametrize("server", SERVERS)
def test_max_requests_recycles_workers_without_losing_requests(server: str, launcher: Any) -> None:
    # Every request is sent once (no retry), on kept-alive connections and on fresh ones
    # at the same time, while two workers are each replaced after about 50 requests.
    args = ["--server", server, "--workers", "2", "--max-requests", "50"]
    with launcher.serving(*args) as served:
        # NOTE: at least 1,000 requests, and on until 4 workers have answered: on a fast
        # machine 1,000 requests can end before a second replacement is up.
        load = Load(served.port, minimum=1000, cap=10_000, workers=4)
        load.run(keepalive=4, fresh=4)
    assert load.failures == [], served.output()
    assert load.statuses == {200: load.sent} and load.sent >= 1000
    # workers were replaced during the load (one replacement was due every 50 requests)
    assert len(load.pids) >= 4, (load.pids, load.sent, served.output())
    # a kept-alive connection ends when a retiring worker says so in a response
    assert load.told_to_close > 0


class Load:
    """Clients sending GET /pid requests between them, each sent exactly once.

    They send at least ``minimum`` requests, then go on until ``workers`` processes have
    answered, up to ``cap`` requests.

    http.client, not httpx: it writes a request on a kept-alive connection without first
    checking whether the server closed it, so a connection closed while a request is on
    its way shows up as a failure instead of being replaced in silence.
    """

    def __init__(self, port: int, *, minimum: int, cap: int, workers: int) -> None:
        self.port = port
        self.minimum, self.cap, self.workers = minimum, cap, workers
        self._lock = threading.Lock()
        self.sent = 0
        self.statuses: dict[int, int] = {}
        self.pids: set[str] = set()
        self.failures: list[str] = []
        self.told_to_close = 0

    def _another(self) -> bool:
        """Whether to send one more request (counted as sent)."""
        with self._lock:
            wanted = self.sent < self.minimum or len(self.pids) < self.workers
            if not wanted or self.sent >= self.cap:
                return False
            self.sent += 1
            return True

    def run(self, keepalive: int, fresh: int) -> None:
        clients = [threading.Thread(target=self._client, args=(True,)) for _ in range(keepalive)]
        clients += [threading.Thread(target=self._client, args=(False,)) for _ in range(fresh)]
        for client in clients:
            client.start()
        for client in clients:
            client.join(60)

    def _client(self, keepalive: bool) -> None:
        conn: http.client.HTTPConnection | None = None
        headers = {} if keepalive else {"Connection": "close"}
        while self._another():
            conn = conn or http.client.HTTPConnection(HOST, self.port, timeout=15)
            try:
                conn.request("GET", "/pid", headers=headers)
                response = conn.getresponse()
                pid = response.read().decode()
            except (OSError, http.client.HTTPException) as exc:
                with self._lock:
                    self.failures.append(f"{'kept-alive' if keepalive else 'fresh'}: {exc!r}")
                conn.close()
                conn = None
                continue
            with self._lock:
                self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
                self.pids.add(pid)
                if keepalive and response.will_close:
                    self.told_to_close += 1
            if response.will_close:
                conn.close()
                conn = None
        if conn is not None:
            conn.close()


@pytest.mark.parametrize("server", ["gunicorn", "uvicorn"])
def test_several_binds_and_a_unix_socket(server: str, launcher: Any, tmp_path: Path) -> None:
    first, second = launcher.free_port(), launcher.free_port()
    uds = tmp_path / "serve.sock"
    args = ["--bind", f"{HOST}:{first}", "--bind", f"{HOST}:{second}", "--uds", str(uds)]
    served = launcher.start("--server", server, "--workers", "1", *args)
    try:
        served.port = first
        launcher.wait_ready(served)
        assert httpx.get(f"http://{HOST}:{second}/plain").text == "Hello, world!"
        with httpx.Client(transport=httpx.HTTPTransport(uds=str(uds))) as client:
            assert client.get("http://localhost/plain").text == "Hello, world!"
    finally:
        assert served.stop() == 0, served.output()


def test_granian_on_a_unix_socket(launcher: Any, tmp_path: Path) -> None:
    uds = tmp_path / "granian.sock"
    with launcher.serving("--workers", "1", "--uds", str(uds), ready=False) as served:
        deadline = time.monotonic() + 20
        while not answers(uds):
            assert time.monotonic() < deadline, served.output()
            time.sleep(0.1)
        with httpx.Client(transport=httpx.HTTPTransport(uds=str(uds))) as client:
            assert client.get("http://localhost/plain").text == "Hello, world!"
        assert f"unix:{uds}" in served.output()


def answers(uds: Path) -> bool:
    with socket.socket(socket.AF_UNIX) as sock:
        try:
            sock.connect(str(uds))
        except OSError:
            return False
        return True


@pytest.mark.parametrize("server", SERVERS)
def test_json_access_log(server: str, launcher: Any) -> None:
    args = ["--server", server, "--workers", "1", "--access-log", "--access-log-format", "json"]
    with launcher.serving(*args) as served:
        httpx.get(f"{served.url}/plain?x=%22quoted%22")
    lines = [json.loads(line) for line in served.output().splitlines() if line.startswith("{")]
    [entry] = [e for e in lines if e["query"] == "x=%22quoted%22"]
    assert entry["method"] == "GET" and entry["path"] == "/plain"
    assert entry["status"] == 200 and entry["size"] == 13
    assert entry["client"] == HOST and entry["duration_ms"] >= 0


def test_text_access_log(launcher: Any) -> None:
    with launcher.serving("--workers", "1", "--access-log") as served:
        httpx.get(f"{served.url}/plain")
    assert '"GET /plain HTTP/1.1" 200 13 ' in served.output()


@pytest.mark.parametrize("server", ["granian", "uvicorn"])
def test_websocket_routes_are_served_over_asgi(server: str, launcher: Any) -> None:
    with launcher.serving("--server", server, "--workers", "1", env={"SERVE_WS": "1"}) as s:
        ws = connect(f"ws://{HOST}:{s.port}/ws", open_timeout=5)
        with ws:
            ws.send("hi")
            assert ws.recv(timeout=5) == "echo: hi"
    assert "(ASGI, 1 worker)" in s.output()


def test_without_websocket_routes_the_app_is_served_over_wsgi(launcher: Any) -> None:
    with launcher.serving("--workers", "1") as served:
        assert httpx.get(f"{served.url}/plain").status_code == 200
    assert "on granian (WSGI, 1 worker)" in served.output()


@pytest.mark.parametrize("server", SERVERS)
def test_workers_share_the_load(server: str, launcher: Any) -> None:
    with launcher.serving("--server", server, "--workers", "2") as served:
        pids = set()
        deadline = time.monotonic() + 15
        while len(pids) < 2 and time.monotonic() < deadline:
            pids.add(httpx.get(f"{served.url}/pid", headers={"Connection": "close"}).text)
    assert len(pids) == 2, served.output()


@pytest.mark.parametrize("server", ["granian", "uvicorn"])
def test_a_failing_startup_stops_the_server(server: str, launcher: Any) -> None:
    env = {"SERVE_WS": "1", "SERVE_FAIL_STARTUP": "1"}
    served = launcher.start("--server", server, "--workers", "1", env=env)
    try:
        status = served.process.wait(timeout=60)  # no endless respawning of a broken app
    finally:
        served.stop()
    assert status == 1
    assert "the database is not there" in served.output()
