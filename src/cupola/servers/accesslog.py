"""The access log of ``cupola serve --access-log``: one line per request, text or JSON.

Cupola writes it itself rather than through each server's own log, so the line has the
same fields on granian, gunicorn and uvicorn, and the JSON form is real JSON (each value
escaped) for log shippers. It wraps the WSGI or ASGI callable only when asked for, so a
server without ``--access-log`` runs the app unwrapped.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import orjson

__all__ = ["format_line", "wrap"]

logger = logging.getLogger("cupola.access")


def wrap(app: Any, interface: str, *, json_lines: bool = False) -> Any:
    """Return ``app`` (WSGI or ASGI) wrapped so that each request writes one log line.

    Args:
        app: The WSGI or ASGI callable.
        interface: ``"wsgi"`` or ``"asgi"``.
        json_lines: One JSON object per line instead of the text form.
    """
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    # NOTE: asked for on the command line, so on whatever the logging set-up says.
    logger.setLevel(logging.INFO)
    logger.propagate = False
    if interface == "asgi":
        return _asgi(app, json_lines)
    return _wsgi(app, json_lines)


def format_line(record: dict[str, Any], *, json_lines: bool = False) -> str:
    """One access log line for a finished request.

    Example:
        >>> format_line({"time": "2026-01-01T00:00:00+00:00", "client": "127.0.0.1",
        ...     "method": "GET", "path": "/", "query": "", "protocol": "HTTP/1.1",
        ...     "status": 200, "size": 13, "duration_ms": 0.25})
        '127.0.0.1 - [2026-01-01T00:00:00+00:00] "GET / HTTP/1.1" 200 13 0.250ms'
    """
    if json_lines:
        return orjson.dumps(record).decode()
    target = record["path"] + (f"?{record['query']}" if record["query"] else "")
    size = "-" if record["size"] is None else record["size"]
    return (
        f'{record["client"] or "-"} - [{record["time"]}] "{record["method"]} {target} '
        f'{record["protocol"]}" {record["status"]} {size} {record["duration_ms"]:.3f}ms'
    )


def _record(
    client: str | None, method: str, path: str, query: str, protocol: str, started: float
) -> dict[str, Any]:
    return {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "client": client,
        "method": method,
        "path": path,
        "query": query,
        "protocol": protocol,
        "status": None,
        "size": None,
        "duration_ms": round((time.perf_counter() - started) * 1000, 3),
    }


def _wsgi(app: Callable[..., Iterable[bytes]], json_lines: bool) -> Callable[..., Any]:
    def logged(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        seen: dict[str, Any] = {}

        def start(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            seen["status"] = int(status[:3])
            for name, value in headers:
                if name.lower() == "content-length":
                    seen["size"] = int(value)
            return start_response(status, headers, *exc_info)

        body = app(environ, start)
        record = _record(
            environ.get("REMOTE_ADDR"),
            environ.get("REQUEST_METHOD", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            environ.get("SERVER_PROTOCOL", ""),
            started,
        )
        record.update(seen)
        logger.info(format_line(record, json_lines=json_lines))
        return body

    return logged


def _asgi(app: Callable[..., Any], json_lines: bool) -> Callable[..., Any]:
    async def logged(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        started = time.perf_counter()
        seen: dict[str, Any] = {}

        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
                for name, value in message.get("headers", ()):
                    if name.lower() == b"content-length":
                        seen["size"] = int(value)
            await send(message)

        try:
            await app(scope, receive, sending)
        finally:
            client = scope.get("client")
            record = _record(
                client[0] if client else None,
                scope["method"],
                scope["path"],
                scope.get("query_string", b"").decode("latin-1"),
                f"HTTP/{scope.get('http_version', '1.1')}",
                started,
            )
            record.update(seen)
            logger.info(format_line(record, json_lines=json_lines))

    return logged
