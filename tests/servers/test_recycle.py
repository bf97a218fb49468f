"""cupola.servers.recycle: the request count and "Connection: close" behind --max-requests.

Recycling itself runs over real processes in test_servers.py.
"""

from __future__ import annotations

import asyncio
from typing import Any

from cupola.servers.recycle import Recycler


def wsgi_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"), ("Connection", "keep-alive")])
    return [environ["PATH_INFO"].encode()]


def call_wsgi(app: Any, path: str) -> tuple[list[tuple[str, str]], list[bytes]]:
    started: list[list[tuple[str, str]]] = []
    body = app({"PATH_INFO": path}, lambda status, headers, exc_info=None: started.append(headers))
    return started[0], body


def test_wsgi_calls_back_once_at_the_limit_and_closes_from_then_on() -> None:
    calls: list[int] = []
    recycler = Recycler(3, lambda: calls.append(1))
    app = recycler.wrap(wsgi_app, "wsgi")
    seen = [call_wsgi(app, f"/{n}") for n in range(5)]
    assert calls == [1]
    assert [body for _, body in seen] == [[f"/{n}".encode()] for n in range(5)]  # all served
    for headers, _ in seen[:2]:
        assert ("Connection", "keep-alive") in headers
    for headers, _ in seen[2:]:  # from the request that reached the limit on
        assert [h for h in headers if h[0].lower() == "connection"] == [("Connection", "close")]


def test_retire_closes_without_a_limit() -> None:
    recycler = Recycler(None)
    app = recycler.wrap(wsgi_app, "wsgi")
    assert ("Connection", "close") not in call_wsgi(app, "/")[0]
    recycler.retire()
    assert ("Connection", "close") in call_wsgi(app, "/")[0]


def test_asgi_counts_http_and_websockets_but_not_lifespan() -> None:
    calls: list[str] = []
    sent: list[dict[str, Any]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = [(b"content-type", b"text/plain"), (b"Connection", b"keep-alive")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": b"ok"})

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    recycler = Recycler(2, lambda: calls.append("limit"))
    wrapped = recycler.wrap(app, "asgi")

    async def run() -> None:
        await wrapped({"type": "lifespan"}, None, send)
        await wrapped({"type": "http"}, None, send)
        assert calls == []
        await wrapped({"type": "websocket"}, None, send)
        assert calls == ["limit"]
        await wrapped({"type": "http"}, None, send)

    asyncio.run(run())
    first, _, second, body = sent
    assert (b"Connection", b"keep-alive") in first["headers"]
    assert second["headers"] == [(b"content-type", b"text/plain"), (b"connection", b"close")]
    assert body == {"type": "http.response.body", "body": b"ok"}
