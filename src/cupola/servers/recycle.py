"""Retiring a worker after ``--max-requests`` without losing a request.

A :class:`Recycler` wraps the app a worker serves. It counts the worker's requests; at the
limit it calls ``on_limit`` (which asks for a replacement) and the worker is *retiring*:
from then on every response carries ``Connection: close``. A client on a kept-alive
connection therefore closes it after its answer instead of sending its next request to a
worker about to stop, and the worker can stop once its connections are gone
(RFC 9112 §9.6: a server closes a persistent connection by saying so in a response).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

__all__ = ["Recycler"]

_CLOSE_WSGI = ("Connection", "close")
_CLOSE_ASGI = (b"connection", b"close")


class Recycler:
    """A worker's request count, and whether its responses close their connection.

    Args:
        limit: The request that makes the worker retire (``None``: only :meth:`retire`).
        on_limit: Called once, during the request that reaches ``limit``.
    """

    def __init__(self, limit: int | None, on_limit: Callable[[], None] | None = None) -> None:
        self.limit = limit
        self.on_limit = on_limit
        self.retiring = False
        # NOTE: next() on itertools.count is atomic, so WSGI threads count without a lock.
        self._count = itertools.count(1)

    def retire(self) -> None:
        """Make every later response close its connection."""
        self.retiring = True

    def _tick(self) -> None:
        if next(self._count) == self.limit:
            self.retiring = True
            if self.on_limit is not None:
                self.on_limit()

    def wrap(self, app: Any, interface: str) -> Any:
        """``app`` (a WSGI or ASGI callable) counting its requests and closing when retiring.

        Under ASGI, HTTP requests and WebSocket connections count; lifespan events do not.
        """
        if interface == "asgi":
            return self._wrap_asgi(app)

        def recycled_wsgi(environ: dict[str, Any], start_response: Any) -> Any:
            self._tick()

            def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
                if self.retiring:
                    headers = [h for h in headers if h[0].lower() != "connection"]
                    headers.append(_CLOSE_WSGI)
                return start_response(status, headers, exc_info)

            return app(environ, start)

        return recycled_wsgi

    def _wrap_asgi(self, app: Any) -> Any:
        async def recycled_asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
            kind = scope["type"]
            if kind != "lifespan":
                self._tick()
            if kind != "http":
                await app(scope, receive, send)
                return

            async def closing_send(message: dict[str, Any]) -> None:
                if self.retiring and message["type"] == "http.response.start":
                    kept = [h for h in message.get("headers", ()) if h[0].lower() != b"connection"]
                    message = {**message, "headers": [*kept, _CLOSE_ASGI]}
                await send(message)

            await app(scope, receive, closing_send)

        return recycled_asgi
