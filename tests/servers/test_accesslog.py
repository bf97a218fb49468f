"""cupola.servers.accesslog: one line per request, the same fields under WSGI and ASGI."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from cupola import Cupola, PlainTextResponse
from cupola.servers import accesslog


@pytest.fixture
def app() -> Cupola:
    app = Cupola("logged", config={"ALLOWED_HOSTS": ["testserver"]}, static_folder=None)

    @app.get("/hello")
    def hello() -> PlainTextResponse:
        return PlainTextResponse("Hello")

    return app


@pytest.fixture
def lines(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = accesslog.logger
    saved = logger.level, logger.propagate
    monkeypatch.setattr(logger, "handlers", [handler])
    logger.setLevel(logging.NOTSET)  # wrap() sets the level it needs
    yield stream
    logger.setLevel(saved[0])
    logger.propagate = saved[1]


def wsgi_get(callable_: Any, path: str, query: str) -> bytes:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.1",
        "HTTP_HOST": "testserver",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
    }
    return b"".join(callable_(environ, lambda status, headers, *exc: None))


def asgi_get(callable_: Any, path: str, query: str) -> None:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": [(b"host", b"testserver")],
        "client": ("10.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(callable_(scope, receive, send))
    assert sent[0]["status"] in (200, 404)


@pytest.mark.parametrize("interface", ["wsgi", "asgi"])
def test_json_lines(app: Cupola, lines: io.StringIO, interface: str) -> None:
    callable_ = app.asgi if interface == "asgi" else app
    logged = accesslog.wrap(callable_, interface, json_lines=True)
    call = asgi_get if interface == "asgi" else wsgi_get
    call(logged, "/hello", 'q="x"')
    call(logged, "/missing", "")
    first, second = (json.loads(line) for line in lines.getvalue().splitlines())
    assert {k: first[k] for k in ("client", "method", "path", "query", "status", "size")} == {
        "client": "10.0.0.1",
        "method": "GET",
        "path": "/hello",
        "query": 'q="x"',
        "status": 200,
        "size": 5,
    }
    assert first["protocol"] == "HTTP/1.1" and first["duration_ms"] >= 0
    assert (second["path"], second["status"]) == ("/missing", 404)


@pytest.mark.parametrize("interface", ["wsgi", "asgi"])
def test_text_lines(app: Cupola, lines: io.StringIO, interface: str) -> None:
    callable_ = app.asgi if interface == "asgi" else app
    logged = accesslog.wrap(callable_, interface)
    (asgi_get if interface == "asgi" else wsgi_get)(logged, "/hello", "a=1")
    line = lines.getvalue().strip()
    assert line.startswith("10.0.0.1 - [")
    assert '"GET /hello?a=1 HTTP/1.1" 200 5 ' in line and line.endswith("ms")


def test_non_http_scopes_pass_through() -> None:
    seen: list[str] = []

    async def inner(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["type"])

    asyncio.run(accesslog.wrap(inner, "asgi")({"type": "lifespan"}, None, None))
    assert seen == ["lifespan"]


def test_format_line_without_size_or_client() -> None:
    record = {
        "time": "t",
        "client": None,
        "method": "GET",
        "path": "/",
        "query": "",
        "protocol": "HTTP/1.1",
        "status": 204,
        "size": None,
        "duration_ms": 1.5,
    }
    assert accesslog.format_line(record) == '- - [t] "GET / HTTP/1.1" 204 - 1.500ms'
