"""Redis outages under a running server: the documented policy, bounded time, recovery.

A private ``redis-server`` (see ``tests/e2e/private_services.py``) backs the sessions, the
cache, the login throttle and the channel layer of an app served by a threaded WSGI server
in this process, which is never restarted. The test stops Redis (after a ``SAVE``, as a
Redis with persistence keeps its data), pauses it, and starts it again:

- ``OUTAGE_POLICY`` closed (the default): every part that needs Redis answers 503 with
  ``Retry-After`` within the client timeouts, never a 500 or a hang;
- open: the app carries on without Redis (empty sessions not saved, cache misses, attempts
  let through, messages dropped);
- either way, once Redis is back the next requests use it, and everything written before
  the outage is still there.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import httpx
import pytest

from cupola import Cupola
from cupola.cache.binding import EXTENSION as CACHES
from cupola.channels import get_channel_layer
from cupola.sessions.middleware import _STORES as SESSION_STORES
from tests.e2e.apps.outage_app import make_app
from tests.e2e.conftest import APPS, HOST, Server, free_port, stop, wait_until_ready
from tests.e2e.private_services import PrivateRedis

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def private_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        if server.process is not None:
            server.resume()
        server.stop()


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 64


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean."""


@pytest.fixture
def serve() -> Iterator[Any]:
    """``serve(app)``: the app over HTTP on a free port; stopped and its pools closed after."""
    started: list[tuple[WSGIServer, Cupola, httpx.Client]] = []

    def start(app: Cupola) -> httpx.Client:
        server = make_server("127.0.0.1", 0, app, _Server, _QuietHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        client = httpx.Client(base_url=f"http://127.0.0.1:{server.server_port}", timeout=30)
        started.append((server, app, client))
        return client

    yield start
    for server, app, client in started:
        client.close()
        server.shutdown()
        server.server_close()
        asyncio.run(get_channel_layer(app).close())
        for backend in app.extensions.get(CACHES, {}).values():
            backend.close()
        for store in app.extensions.get(SESSION_STORES, {}).values():
            store.client.close()


def write_before_the_outage(client: httpx.Client) -> None:
    assert client.post("/login", json={"user": "ada"}).json() == {"user": "ada"}
    assert client.post("/remember", json={"note": "kept"}).json() == {"ok": True}
    assert client.get("/page").json() == {"rendered": 1}
    for _ in range(5):
        assert client.post("/attempt").status_code == 400
    assert client.post("/attempt").status_code == 429
    assert client.post("/announce").json() == {"sent": True}


def assert_all_back(client: httpx.Client) -> None:
    """After the outage: the data written before it is all there, without a restart."""
    assert client.get("/me").json() == {"user": "ada"}
    assert client.get("/note").json() == {"note": "kept"}
    assert client.get("/page").json() == {"rendered": 1}  # the cached page, not a new one
    assert client.post("/attempt").status_code == 429  # the failures still count
    assert client.post("/announce").json() == {"sent": True}


def timed(call: Any) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


@pytest.fixture
def uvicorn_client(private_redis: PrivateRedis, tmp_path: Path) -> Iterator[httpx.Client]:
    """The same app under uvicorn (ASGI) in a process of its own, closed policy."""
    port = free_port()
    env = {
        **os.environ,
        "CUPOLA_OUTAGE_REDIS_URL": private_redis.url,
        "CUPOLA_OUTAGE_POLICY": "closed",
        "CUPOLA_OUTAGE_PREFIX": f"cupola-test:{uuid.uuid4().hex}:",
    }
    command = [sys.executable, "-m", "uvicorn", "outage_app:asgi", "--app-dir", str(APPS)]
    command += ["--host", HOST, "--port", str(port), "--timeout-graceful-shutdown", "2"]
    log = tmp_path / "uvicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=APPS, env=env, stdout=out, stderr=out)
    server = Server("uvicorn", f"http://{HOST}:{port}", process, log)
    try:
        wait_until_ready(server)  # any answer (a 404 for /plain) means it listens
        with httpx.Client(base_url=server.url, timeout=30) as client:
            yield client
    finally:
        stop(process)


def test_closed_policy_under_uvicorn(private_redis: PrivateRedis, uvicorn_client: Any) -> None:
    check_closed_policy(private_redis, uvicorn_client)


def test_closed_policy_answers_503_then_recovers(private_redis: PrivateRedis, serve: Any) -> None:
    check_closed_policy(private_redis, serve(make_app(private_redis.url, "closed")))


def check_closed_policy(private_redis: PrivateRedis, client: httpx.Client) -> None:
    write_before_the_outage(client)
    private_redis.stop()
    try:
        for method, path in [
            ("GET", "/me"),
            ("GET", "/note"),
            ("GET", "/page"),
            ("POST", "/attempt"),
            ("POST", "/announce"),
        ]:
            response, seconds = timed(lambda: client.request(method, path))  # noqa: B023
            assert response.status_code == 503, (path, response.text)
            assert response.headers["retry-after"] == "5"
            assert "unavailable" in response.text
            assert seconds < 6, (path, seconds)  # retries and timeouts are bounded
    finally:
        private_redis.start()
    assert_all_back(client)


def test_open_policy_carries_on_then_recovers(private_redis: PrivateRedis, serve: Any) -> None:
    client = serve(make_app(private_redis.url, "open"))
    write_before_the_outage(client)
    cookie = client.cookies["session"]
    private_redis.stop()
    try:
        me = client.get("/me")
        assert me.json() == {"user": None}  # an empty session stands in
        assert "set-cookie" not in me.headers  # and the visitor's cookie is kept
        assert client.post("/login", json={"user": "eve"}).status_code == 200  # not saved
        assert client.get("/note").json() == {"note": None}  # a miss
        assert client.get("/page").json() == {"rendered": 2}  # rendered, not cached
        assert client.post("/attempt").status_code == 400  # let through uncounted
        assert client.post("/announce").json() == {"sent": True}  # dropped
    finally:
        private_redis.start()
    assert client.cookies["session"] == cookie
    assert_all_back(client)


def test_a_frozen_redis_costs_a_bounded_wait(private_redis: PrivateRedis, serve: Any) -> None:
    client = serve(make_app(private_redis.url, "closed"))
    write_before_the_outage(client)
    private_redis.pause()
    try:
        response, seconds = timed(lambda: client.get("/me"))
        assert response.status_code == 503
        assert seconds < 8  # the 5 s read timeout, not a hang
    finally:
        private_redis.resume()
    assert_all_back(client)


def test_redis_restarted_under_load(private_redis: PrivateRedis, serve: Any) -> None:
    client = serve(make_app(private_redis.url, "closed"))
    write_before_the_outage(client)
    cookies = dict(client.cookies)
    stopping = threading.Event()
    statuses: list[int] = []

    def hammer() -> None:
        with httpx.Client(base_url=str(client.base_url), cookies=cookies, timeout=30) as own:
            while not stopping.is_set():
                for path in ("/me", "/note", "/page"):
                    statuses.append(own.get(path).status_code)

    with ThreadPoolExecutor(4) as pool:
        workers = [pool.submit(hammer) for _ in range(4)]
        time.sleep(0.3)
        private_redis.stop()
        time.sleep(0.5)
        private_redis.start()
        time.sleep(0.5)
        stopping.set()
        for worker in workers:
            worker.result()
    assert set(statuses) <= {200, 503}, sorted(set(statuses))
    assert 503 in statuses and 200 in statuses
    assert_all_back(client)
