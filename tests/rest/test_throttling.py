"""Throttles (cupola/rest/throttling.py): rates, keys, waits, and exact counts under load.

The exactness tests race many requests at one limit: threads in one process on the memory
and the Redis cache, and real servers with 4 worker processes sharing Redis. Exactly the
limit must get through, never one more or one less.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

import cupola
from cupola import Cupola
from cupola.auth.models import ANONYMOUS
from cupola.cache import Cache, MemoryCache, RedisCache
from cupola.channels import JsonWebSocketConsumer
from cupola.exceptions import ImproperlyConfigured
from cupola.rest.authentication import BasicAuthentication
from cupola.rest.exceptions import Throttled
from cupola.rest.permissions import IsAuthenticated
from cupola.rest.response import Response
from cupola.rest.throttling import (
    AnonRateThrottle,
    BaseThrottle,
    ScopedRateThrottle,
    SimpleRateThrottle,
    UserRateThrottle,
    check_consumer_throttles,
    check_throttles,
    parse_rate,
)
from cupola.rest.views import APIView
from cupola.testing import TestClient, WebSocketRejected

APPS = Path(__file__).parent / "apps"
HOST = "127.0.0.1"


class Clock:
    """A settable clock for ``timer``."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def anonymous(address: str = "10.0.0.1") -> SimpleNamespace:
    return SimpleNamespace(user=ANONYMOUS, remote_addr=address, method="GET")


def user(pk: Any, address: str = "10.0.0.1") -> SimpleNamespace:
    person = SimpleNamespace(pk=pk, is_authenticated=True)
    return SimpleNamespace(user=person, remote_addr=address, method="GET")


def throttle_class(rate: str, cache: Cache, clock: Clock | None = None) -> type[SimpleRateThrottle]:
    class Limited(AnonRateThrottle):
        pass

    Limited.rate = rate
    Limited.cache = cache
    if clock is not None:
        Limited.timer = clock
    return Limited


# -- rates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("100/min", (100, 60)),
        ("100/m", (100, 60)),
        ("5/s", (5, 1)),
        ("5/sec", (5, 1)),
        ("5/second", (5, 1)),
        ("10/h", (10, 3600)),
        ("10/hour", (10, 3600)),
        ("1000/d", (1000, 86400)),
        ("1000/day", (1000, 86400)),
        ("3/minutes", (3, 60)),
        ("0/s", (0, 1)),
        (None, (None, None)),
    ],
)
def test_parse_rate(rate: str | None, expected: tuple[Any, Any]) -> None:
    assert parse_rate(rate) == expected


@pytest.mark.parametrize("rate", ["100", "x/min", "-1/min", "10/week", "10/", "1.5/s"])
def test_a_bad_rate_names_the_fix(rate: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="for example '100/min'"):
        parse_rate(rate)


def test_rates_come_from_the_apps_settings_when_made() -> None:
    app = Cupola(__name__, config={"REST": {"DEFAULT_THROTTLE_RATES": {"anon": "7/h"}}})
    with app.app_context():
        throttle = AnonRateThrottle()
    assert (throttle.num_requests, throttle.duration) == (7, 3600)
    app.config["REST"] = {"DEFAULT_THROTTLE_RATES": {"anon": "9/s"}}
    with app.app_context():
        assert AnonRateThrottle().num_requests == 9


def test_missing_scope_or_rate_is_a_configuration_error() -> None:
    class NoScope(SimpleRateThrottle):
        pass

    app = Cupola(__name__, config={"REST": {"DEFAULT_THROTTLE_RATES": {}}})
    with app.app_context():
        with pytest.raises(ImproperlyConfigured, match=r"set either `\.scope` or `\.rate`"):
            NoScope()
        with pytest.raises(ImproperlyConfigured, match="No default throttle rate set for 'anon'"):
            AnonRateThrottle()


def test_a_rate_of_none_never_throttles() -> None:
    app = Cupola(__name__)  # DRF's defaults: {"anon": None, "user": None}
    with app.app_context():
        throttle = AnonRateThrottle()
        assert all(throttle.allow_request(anonymous(), None) for _ in range(50))


def test_base_throttle() -> None:
    with pytest.raises(NotImplementedError):
        BaseThrottle().allow_request(anonymous(), None)
    assert BaseThrottle().wait() is None
    assert BaseThrottle().get_ident(anonymous("192.0.2.7")) == "192.0.2.7"
    assert BaseThrottle().get_ident(anonymous(None)) == ""  # type: ignore[arg-type]


# -- counting and waiting ------------------------------------------------------------------


def test_the_window_opens_with_the_first_request_and_waits_until_it_ends() -> None:
    clock, cache = Clock(), MemoryCache()
    limited = throttle_class("3/min", cache, clock)
    answers = []
    for step in range(4):
        throttle = limited()
        answers.append(throttle.allow_request(anonymous(), None))
        clock.now += 10 if step < 3 else 0
    assert answers == [True, True, True, False]
    assert throttle.wait() == pytest.approx(30.0)  # opened at 0, refused at 30
    with pytest.raises(Throttled) as refusal:
        check_throttles([throttle], anonymous(), None)
    assert refusal.value.wait == 30  # what Retry-After says


def test_another_client_has_its_own_window() -> None:
    limited = throttle_class("1/min", MemoryCache(), Clock())
    assert limited().allow_request(anonymous("10.0.0.1"), None) is True
    assert limited().allow_request(anonymous("10.0.0.1"), None) is False
    assert limited().allow_request(anonymous("10.0.0.2"), None) is True


def test_a_new_window_after_the_old_one_expires() -> None:
    clock = Clock()
    cache = MemoryCache(clock=clock)  # the cache's expiry follows the same clock
    limited = throttle_class("1/s", cache, clock)
    assert limited().allow_request(anonymous(), None) is True
    assert limited().allow_request(anonymous(), None) is False
    clock.now += 1.01
    assert limited().allow_request(anonymous(), None) is True


def test_wait_rounds_up_to_whole_seconds_in_the_message() -> None:
    clock = Clock()
    limited = throttle_class("1/s", MemoryCache(), clock)
    limited().allow_request(anonymous(), None)
    clock.now += 0.25
    with pytest.raises(Throttled) as info:
        check_throttles([limited()], anonymous(), None)
    assert info.value.wait == 1
    assert str(info.value.detail) == "Request was throttled. Expected available in 1 second."
    assert info.value.code == 429
    assert ("Retry-After", "1") in list(info.value.headers or [])


def test_every_throttle_counts_and_the_longest_wait_wins() -> None:
    cache, clock = MemoryCache(), Clock()

    class PerSecond(AnonRateThrottle):
        rate = "1/s"
        cache_format = "second_%(ident)s"

    class PerHour(AnonRateThrottle):
        rate = "1/h"
        cache_format = "hour_%(ident)s"

    for cls in (PerSecond, PerHour):
        cls.cache, cls.timer = cache, clock
    check_throttles([PerSecond(), PerHour()], anonymous(), None)
    with pytest.raises(Throttled) as info:
        check_throttles([PerSecond(), PerHour()], anonymous(), None)
    assert info.value.wait == 3600


def test_a_refused_request_does_not_extend_the_window() -> None:
    clock = Clock()
    cache = MemoryCache(clock=clock)
    limited = throttle_class("1/min", cache, clock)
    assert limited().allow_request(anonymous(), None) is True
    for _ in range(5):  # hammering while refused
        clock.now += 10
        assert limited().allow_request(anonymous(), None) is False
    clock.now += 10.5
    assert limited().allow_request(anonymous(), None) is True


def test_wait_without_the_windows_start_is_the_whole_window() -> None:
    cache = MemoryCache()
    limited = throttle_class("0/min", cache, Clock())
    throttle = limited()
    assert throttle.allow_request(anonymous(), None) is False
    cache.delete(throttle.key + ":start")  # type: ignore[operator]
    assert throttle.wait() == 60.0


# -- keys -----------------------------------------------------------------------------------


def test_keys_follow_drfs_format() -> None:
    app = Cupola(
        __name__,
        config={"REST": {"DEFAULT_THROTTLE_RATES": {"anon": "1/s", "user": "1/s", "burst": "1/s"}}},
    )
    view = SimpleNamespace(throttle_scope="burst")
    with app.app_context():
        anon = AnonRateThrottle()
        assert anon.get_cache_key(anonymous("192.0.2.1"), None) == "throttle_anon_192.0.2.1"
        assert anon.get_cache_key(user(5), None) is None  # users are not anon-throttled
        assert anon.allow_request(user(5), None) is True
        by_user = UserRateThrottle()
        assert by_user.get_cache_key(user(5), None) == "throttle_user_5"
        assert by_user.get_cache_key(anonymous("192.0.2.1"), None) == "throttle_user_192.0.2.1"
        scoped = ScopedRateThrottle()
        assert scoped.allow_request(user(5), view) is True
        assert scoped.key == "throttle_burst_5"
        assert scoped.allow_request(user(5), view) is False


def test_a_user_without_pk_is_keyed_by_get_id() -> None:
    class Person:
        is_authenticated = True

        def get_id(self) -> str:
            return "42"

    throttle = throttle_class("1/s", MemoryCache())
    request = SimpleNamespace(user=Person(), remote_addr="10.0.0.1")
    assert UserRateThrottle.get_cache_key(throttle(), request, None) == "throttle_anon_42"


def test_a_scoped_throttle_ignores_views_without_scope() -> None:
    app = Cupola(__name__)
    with app.app_context():
        throttle = ScopedRateThrottle()
        assert all(throttle.allow_request(anonymous(), object()) for _ in range(10))


def test_the_apps_cache_is_used_by_default() -> None:
    app = Cupola(__name__, config={"REST": {"DEFAULT_THROTTLE_RATES": {"anon": "1/min"}}})
    with app.app_context():
        assert AnonRateThrottle().allow_request(anonymous(), None) is True
        assert AnonRateThrottle().allow_request(anonymous(), None) is False
        from cupola.cache import cache

        assert cache.get("throttle_anon_10.0.0.1") == 2


# -- exactness ------------------------------------------------------------------------------


def race(limited: type[SimpleRateThrottle], requests: int, threads: int = 32) -> int:
    """Send ``requests`` through fresh throttles from ``threads`` threads at once."""
    start = threading.Barrier(threads)

    def one(index: int) -> bool:
        if index < threads:
            start.wait()  # the first wave starts together
        return limited().allow_request(anonymous(), None)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return sum(pool.map(one, range(requests)))


@pytest.fixture
def redis_cache(redis_url: str) -> Iterator[RedisCache]:
    cache = RedisCache.from_url(redis_url, prefix=f"cupola-test:{uuid.uuid4().hex}:")
    yield cache
    cache.clear()
    cache.close()


@pytest.fixture(params=["memory", "redis"])
def cache_config(request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    """App config putting the cache, so the throttles' counters, on memory or Redis."""
    if request.param == "memory":
        yield {"CACHE_URL": "memory://"}
        return
    url = request.getfixturevalue("redis_url")
    prefix = f"cupola-test:{uuid.uuid4().hex}:"
    yield {"CACHE_URL": url, "CACHE_KEY_PREFIX": prefix}
    leftover = RedisCache.from_url(url, prefix=prefix)
    leftover.clear()
    leftover.close()


def close_caches(app: Cupola) -> None:
    for backend in app.extensions.get("cupola.cache", {}).values():
        backend.close()


def test_exact_under_threads_on_the_memory_cache() -> None:
    limited = throttle_class("100/min", MemoryCache())
    assert race(limited, 300) == 100


def test_exact_under_threads_on_redis(redis_cache: RedisCache) -> None:
    limited = throttle_class("100/min", redis_cache)
    assert race(limited, 300) == 100


def _server_env(cache_url: str, prefix: str) -> dict[str, str]:
    src = str(Path(cupola.__file__).resolve().parent.parent)
    path = os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return {
        **os.environ,
        "PYTHONPATH": path,
        "THROTTLE_CACHE_URL": cache_url,
        "THROTTLE_CACHE_PREFIX": prefix,
    }


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _command(server: str, port: int, workers: int) -> list[str]:
    if server == "uvicorn":
        return [
            *(sys.executable, "-m", "uvicorn", "throttle_app:app.asgi", "--app-dir", str(APPS)),
            *("--host", HOST, "--port", str(port), "--workers", str(workers)),
            "--no-access-log",
        ]
    return [
        *(sys.executable, "-m", "gunicorn", "throttle_app:app", "--chdir", str(APPS)),
        *("--workers", str(workers), "--bind", f"{HOST}:{port}", "--graceful-timeout", "2"),
    ]


def _serve(server: str, workers: int, env: dict[str, str], log: Path) -> tuple[Any, str]:
    port = _free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            _command(server, port, workers), cwd=APPS, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://{HOST}:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{server} exited early:\n{log.read_text()}")
        try:
            httpx.get(f"{url}/ready", timeout=1)
            return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.terminate()
    pytest.fail(f"{server} did not answer in time:\n{log.read_text()}")


def _stop(process: Any) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def _burst(url: str, count: int) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=100)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
        return list(await asyncio.gather(*(http.get("/limited") for _ in range(count))))


@pytest.mark.e2e
@pytest.mark.parametrize("server", ["uvicorn", "gunicorn"])
def test_exact_across_four_worker_processes_sharing_redis(
    server: str, redis_url: str, tmp_path: Path
) -> None:
    prefix = f"cupola-test:{uuid.uuid4().hex}:"
    process, url = _serve(server, 4, _server_env(redis_url, prefix), tmp_path / "server.log")
    try:
        responses = asyncio.run(_burst(url, 300))
    finally:
        _stop(process)
        leftover = RedisCache.from_url(redis_url, prefix=prefix)
        leftover.clear()
        leftover.close()
    statuses = [response.status_code for response in responses]
    assert statuses.count(200) == 100
    assert statuses.count(429) == 200
    workers = {response.json()["pid"] for response in responses if response.status_code == 200}
    assert len(workers) > 1, "the burst should have been shared by several workers"
    refused = next(response for response in responses if response.status_code == 429)
    assert refused.json()["detail"].startswith("Request was throttled. Expected available in ")
    assert 0 < int(refused.headers["retry-after"]) <= 60


@pytest.mark.e2e
def test_exact_in_one_process_on_the_memory_cache(tmp_path: Path) -> None:
    process, url = _serve("uvicorn", 1, _server_env("memory://", ""), tmp_path / "server.log")
    try:
        responses = asyncio.run(_burst(url, 300))
    finally:
        _stop(process)
    assert [r.status_code for r in responses].count(200) == 100


# -- WebSocket consumers --------------------------------------------------------------------


class Limited(JsonWebSocketConsumer):
    throttle_classes = [AnonRateThrottle]

    async def connect(self) -> None:
        if await check_consumer_throttles(self) is None:
            await self.accept()

    async def receive_json(self, content: Any) -> None:
        refusal = await check_consumer_throttles(self)
        if refusal is not None:
            await self.send_json({"detail": refusal.detail, "wait": refusal.wait})
            return
        await self.send_json({"echo": content})


class Unthrottled(JsonWebSocketConsumer):
    async def connect(self) -> None:
        assert await check_consumer_throttles(self) is None
        await self.accept()


@pytest.fixture
def ws_app(app: Cupola, cache_config: dict[str, Any]) -> Iterator[Cupola]:
    app.config.update(cache_config)
    app.config["REST"] = {"DEFAULT_THROTTLE_RATES": {"anon": "3/min"}}
    app.add_websocket_route("/limited", Limited)
    app.add_websocket_route("/free", Unthrottled)
    yield app
    close_caches(app)


def test_a_consumer_counts_the_handshake_and_each_message(
    ws_app: Cupola, client: TestClient
) -> None:
    with client.websocket_connect("/limited") as ws:  # 1: the handshake
        ws.send_json({"n": 1})  # 2
        assert ws.receive_json() == {"echo": {"n": 1}}
        ws.send_json({"n": 2})  # 3
        assert ws.receive_json() == {"echo": {"n": 2}}
        ws.send_json({"n": 3})  # 4: over the rate
        refusal = ws.receive_json()
    assert refusal["detail"].startswith("Request was throttled. Expected available in ")
    assert 0 < refusal["wait"] <= 60
    # A new handshake is refused now.
    with pytest.raises(WebSocketRejected) as info, client.websocket_connect("/limited"):
        pass
    assert info.value.status == 403


def test_a_consumer_without_throttles_is_not_counted(ws_app: Cupola, client: TestClient) -> None:
    for _ in range(5):
        with client.websocket_connect("/free") as ws:
            ws.close()
    with ws_app.app_context():
        from cupola.cache import cache

        assert not cache.has("throttle_anon_testclient")
    with client.websocket_connect("/limited") as ws:  # and the throttled one is still open
        ws.send_json({"n": 1})
        assert ws.receive_json() == {"echo": {"n": 1}}


# -- through APIView, against DRF ------------------------------------------------------------

FIXTURES = json.loads((Path(__file__).parent / "fixtures/policies_throttling.json").read_text())
FROZEN = Clock(1_000_000.0)  # the fixtures were made with this frozen clock


class FrozenScoped(ScopedRateThrottle):
    timer = FROZEN


def scoped_view(scope: str) -> type[APIView]:
    class View(APIView):
        authentication_classes: list[Any] = []
        permission_classes: list[Any] = []
        throttle_classes = [FrozenScoped]
        throttle_scope = scope

        def get(self, request: Any) -> Response:
            return Response({"ok": True})

    return View


@pytest.fixture
def api_app(cache_config: dict[str, Any]) -> Iterator[Cupola]:
    app = Cupola(
        __name__,
        config={
            **cache_config,
            "REST": {"DEFAULT_THROTTLE_RATES": {"burst": "2/min", "second": "1/s"}},
        },
    )
    for scope in ("burst", "second"):
        view = scoped_view(scope).as_view(scope)
        app.add_url_rule(f"/throttle/{scope}/", view_func=view)
    yield app
    close_caches(app)


def test_answers_as_drf(api_app: Cupola, protocol: str) -> None:
    with api_app.test_client(protocol) as client:  # type: ignore[arg-type]
        for case in sorted(FIXTURES):  # burst_1, burst_2, burst_3, second_1, second_2
            expected = FIXTURES[case]
            response = client.get(expected["request"]["path"])
            assert response.status_code == expected["status"], case
            assert response.json() == expected["body"], case
            assert response.headers.get("retry-after") == expected["headers"].get("Retry-After")


class Guarded(APIView):
    authentication_classes = [BasicAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [AnonRateThrottle]

    def post(self, request: Any) -> Response:
        return Response(request.data)


class Open(APIView):
    authentication_classes: list[Any] = []
    throttle_classes = [AnonRateThrottle]

    def post(self, request: Any) -> Response:
        return Response(request.data)


def test_throttles_run_after_permissions_and_before_parsing(protocol: str) -> None:
    app = Cupola(__name__, config={"REST": {"DEFAULT_THROTTLE_RATES": {"anon": "2/min"}}})
    app.add_url_rule("/guarded/", view_func=Guarded.as_view("guarded"))
    app.add_url_rule("/open/", view_func=Open.as_view("open"))
    bad_json = {"content": b"{", "headers": {"Content-Type": "application/json"}}
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        # 401s are not counted: permissions refuse before the throttle counts.
        assert [client.post("/guarded/").status_code for _ in range(4)] == [401] * 4
        # Malformed bodies are counted: the body is parsed after the throttle.
        statuses = [client.post("/open/", **bad_json).status_code for _ in range(3)]  # type: ignore[arg-type]
    assert statuses == [400, 400, 429]


class PerUser(JsonWebSocketConsumer):
    throttle_classes = [UserRateThrottle]

    async def connect(self) -> None:
        if await check_consumer_throttles(self) is None:
            await self.accept()

    async def receive_json(self, content: Any) -> None:
        refusal = await check_consumer_throttles(self)
        await self.send_json({"ok": refusal is None})


def test_a_consumer_counts_per_logged_in_user(protocol: str) -> None:
    from cupola.auth import Auth, UserMixin, login_user

    class Person(UserMixin):
        def __init__(self, id: int) -> None:
            self.id = id

    people = {"7": Person(7)}
    app = Cupola(
        __name__,
        config={
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "REST": {"DEFAULT_THROTTLE_RATES": {"user": "2/min"}},
        },
    )
    Auth(app, user_loader=people.get)

    @app.post("/login")
    def log_in() -> str:
        login_user(people["7"])
        return "ok"

    app.add_websocket_route("/ws", PerUser)
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        client.post("/login")
        with client.websocket_connect("/ws") as ws:  # 1
            ws.send_json({})  # 2
            assert ws.receive_json() == {"ok": True}
            ws.send_json({})  # 3
            assert ws.receive_json() == {"ok": False}
        with app.app_context():
            from cupola.cache import cache

            assert cache.get("throttle_user_7") == 3


def test_a_refusal_at_the_very_end_of_the_window_still_says_one_second() -> None:
    clock = Clock()
    limited = throttle_class("1/min", MemoryCache(), clock)
    assert limited().allow_request(anonymous(), None) is True
    clock.now += 60  # the cache's own clock has not expired the counter yet
    throttle = limited()
    assert throttle.allow_request(anonymous(), None) is False
    with pytest.raises(Throttled) as info:
        check_throttles([throttle], anonymous(), None)
    assert info.value.wait == 1
