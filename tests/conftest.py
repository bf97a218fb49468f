"""Fixtures shared by the core tests: every test runs once per protocol (WSGI and ASGI).

``app`` is a fresh application, ``client`` a test client for it driven through the WSGI
callable or ``app.asgi``. ``raw`` sends a hand-built request straight to the adapter of the
current protocol, for inputs the HTTP client would refuse to produce (invalid encodings,
bodies without a length, oversized heads).
"""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import redis

from cupola import Cupola
from cupola.testing import TestClient

REDIS_URL = os.environ.get("CUPOLA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_url() -> str:
    """The test Redis URL; skips the test loudly when nothing answers there (fails on CI)."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        message = (
            f"REDIS TESTS DID NOT RUN: no Redis at {REDIS_URL} ({exc}). "
            "Start redis-server or set CUPOLA_TEST_REDIS_URL."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture(params=["wsgi", "asgi"])
def protocol(request: pytest.FixtureRequest) -> str:
    """The protocol the test drives the app through."""
    return str(request.param)


@pytest.fixture
def app() -> Cupola:
    """A fresh application with no routes."""
    return Cupola(__name__)


@pytest.fixture
def client(app: Cupola, protocol: str) -> Iterator[TestClient]:
    """A test client for ``app`` over ``protocol`` (lifespan runs under ASGI)."""
    with app.test_client(protocol) as test_client:  # type: ignore[arg-type]
        yield test_client


@pytest.fixture(params=["thread", "loop"])
def on_loop(request: pytest.FixtureRequest, app: Cupola) -> str:
    """Run the test's routes as all-sync routes, or on the event loop (an async hook)."""
    if request.param == "loop":

        @app.before_request
        async def on_the_loop() -> None:
            return None

    return str(request.param)


@dataclass
class RawResponse:
    """What an adapter answered to a raw request."""

    status: int
    headers: dict[str, str]
    body: bytes
    chunks_read: int = 0

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class CountingInput:
    """A ``wsgi.input`` that hands out the given chunks and counts the reads."""

    chunks: list[bytes]
    reads: int = 0
    _buffer: bytes = field(default=b"")

    def read(self, size: int = -1) -> bytes:
        while (size < 0 or len(self._buffer) < size) and self.chunks:
            self._buffer += self.chunks.pop(0)
            self.reads += 1
        if size < 0:
            size = len(self._buffer)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


def call_wsgi(
    app: Cupola,
    method: str,
    raw_path: bytes,
    *,
    query: bytes = b"",
    headers: Iterable[tuple[str, str]] = (),
    chunks: Iterable[bytes] = (),
    content_length: int | None = None,
) -> RawResponse:
    """Call the WSGI app with a hand-built environ (PATH_INFO as PEP 3333 latin-1)."""
    from urllib.parse import unquote_to_bytes

    stream = CountingInput(list(chunks))
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(raw_path).decode("latin-1"),
        "QUERY_STRING": query.decode("latin-1"),
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "localhost",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": stream,
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if content_length is None:
        environ["wsgi.input_terminated"] = True
    else:
        environ["CONTENT_LENGTH"] = str(content_length)
    for name, value in headers:
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[key] = value
        else:
            environ[f"HTTP_{key}"] = value
    seen: dict[str, Any] = {}

    def start_response(status: str, pairs: list[tuple[str, str]], exc_info: Any = None) -> Any:
        seen["status"] = int(status.split()[0])
        seen["headers"] = {name.lower(): value for name, value in pairs}
        return lambda data: None

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return RawResponse(seen["status"], seen["headers"], body, stream.reads)


async def call_asgi_async(
    app: Cupola,
    method: str,
    raw_path: bytes,
    *,
    query: bytes = b"",
    headers: Iterable[tuple[str, str]] = (),
    chunks: Iterable[bytes] = (),
    content_length: int | None = None,
    timeout: float = 5.0,
) -> RawResponse:
    """Call ``app.asgi`` with a hand-built scope; the body arrives as ``chunks``."""
    from urllib.parse import unquote_to_bytes

    pending = list(chunks)
    reads = 0
    pairs = [(b"host", b"localhost")]
    pairs += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    if content_length is not None:
        pairs.append((b"content-length", str(content_length).encode()))
    elif pending:
        pairs.append((b"transfer-encoding", b"chunked"))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote_to_bytes(raw_path).decode("utf-8", "replace"),
        "raw_path": raw_path,
        "root_path": "",
        "query_string": query,
        "headers": pairs,
        "client": ("127.0.0.1", 50000),
        "server": ("localhost", 80),
    }
    done = asyncio.Event()
    start: dict[str, Any] = {}
    body: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal reads
        if pending:
            reads += 1
            chunk = pending.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(pending)}
        if reads == 0:
            reads += 1
            return {"type": "http.request", "body": b"", "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))
            if not message.get("more_body", False):
                done.set()

    await asyncio.wait_for(app.asgi(scope, receive, send), timeout)
    done.set()
    return RawResponse(
        start["status"],
        {k.decode("latin-1"): v.decode("latin-1") for k, v in start.get("headers", [])},
        b"".join(body),
        reads,
    )


def call_asgi(app: Cupola, method: str, raw_path: bytes, **kwargs: Any) -> RawResponse:
    """Synchronous wrapper around :func:`call_asgi_async`."""
    return asyncio.run(call_asgi_async(app, method, raw_path, **kwargs))


RawCall = Callable[..., RawResponse]


@pytest.fixture
def raw(app: Cupola, protocol: str) -> RawCall:
    """Send a hand-built request to ``app`` through the adapter of ``protocol``.

    Call it as ``raw(method, raw_path, query=, headers=, chunks=, content_length=)``; without
    ``content_length`` the body is sent as a stream of unknown length.
    """

    def send(method: str, raw_path: bytes, **kwargs: Any) -> RawResponse:
        if protocol == "wsgi":
            kwargs.pop("timeout", None)
            return call_wsgi(app, method, raw_path, **kwargs)
        return call_asgi(app, method, raw_path, **kwargs)

    return send


@pytest.fixture
def asgi_call(app: Cupola) -> Callable[..., Any]:
    """``await asgi_call(method, raw_path, **kwargs)``: drive ``app.asgi`` on the running loop."""

    async def call(method: str, raw_path: bytes, **kwargs: Any) -> RawResponse:
        return await call_asgi_async(app, method, raw_path, **kwargs)

    return call


@pytest.fixture
def wsgi_call(app: Cupola) -> RawCall:
    """``wsgi_call(method, raw_path, **kwargs)``: drive the WSGI callable of ``app``."""

    def call(method: str, raw_path: bytes, **kwargs: Any) -> RawResponse:
        return call_wsgi(app, method, raw_path, **kwargs)

    return call
