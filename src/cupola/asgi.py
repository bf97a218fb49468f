"""The ASGI adapter: HTTP and lifespan scopes in, the same pipeline as WSGI.

Before the pipeline runs, the adapter enforces the request-head limits uvicorn leaves to the
application (DESIGN §7: target ≤ 8 KiB → 414; ≤ 100 headers, each ≤ 8 KiB, all ≤ 64 KiB →
431) and reads the body, bounded by ``MAX_CONTENT_LENGTH`` (413 as soon as it is passed,
without reading the rest) and spooled to disk when large, so sync and async views read it
alike.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import Future
from types import CoroutineType
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import unquote_to_bytes

from cupola.exceptions import (
    BadRequest,
    HTTPException,
    RequestHeaderFieldsTooLarge,
    URITooLong,
)
from cupola.http.body import RequestBody, parse_content_length, read_messages
from cupola.http.bounded import BoundedDict
from cupola.http.heads import HEADS, LENGTHS, length_pair, work_out
from cupola.http.hosts import host_error
from cupola.http.request import Request
from cupola.http.response import NO_BODY_STATUSES, StreamingResponse

if TYPE_CHECKING:
    from cupola.pipeline import ServedApp

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
#: Serves one connection of a kind of scope: ``handler(app, scope, receive, send)``.
ScopeHandler = Callable[["ServedApp", Scope, Receive, Send], Awaitable[None]]

MAX_TARGET = 8 * 1024
MAX_HEADER = 8 * 1024
MAX_HEADERS_TOTAL = 64 * 1024
MAX_HEADER_COUNT = 100

# Host header values found valid, as sent and decoded; bounded, so random hosts cannot grow it.
_VALID_RAW_HOSTS: BoundedDict[bytes | None, str] = BoundedDict()

logger = logging.getLogger("cupola.asgi")


class ASGISource:
    """Reads an ASGI HTTP scope for :class:`Request`."""

    def headers(self, scope: Scope) -> list[tuple[str, str]]:
        """Header pairs decoded as latin-1."""
        return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]

    def header(self, scope: Scope, name: str) -> str | None:
        """The first value of one header."""
        wanted = name.encode("latin-1")
        for key, value in scope["headers"]:
            if key == wanted:
                return value.decode("latin-1")  # type: ignore[no-any-return]  # ASGI bytes
        return None

    def query_string(self, scope: Scope) -> bytes:
        """The raw query string."""
        return scope.get("query_string", b"")  # type: ignore[no-any-return]  # ASGI bytes

    def scheme(self, scope: Scope) -> str:
        """``http`` or ``https``."""
        return scope.get("scheme", "http")  # type: ignore[no-any-return]  # ASGI str

    def server(self, scope: Scope) -> tuple[str, int | None] | None:
        """The server's host and port."""
        server = scope.get("server")
        return (server[0], server[1]) if server else None

    def remote_addr(self, scope: Scope) -> str | None:
        """The client's host."""
        client = scope.get("client")
        return client[0] if client else None

    def root_path(self, scope: Scope) -> str:
        """The mount prefix."""
        return scope.get("root_path", "")  # type: ignore[no-any-return]  # ASGI str

    def body(self, scope: Scope, limit: int | None) -> RequestBody:
        """An empty body: the adapter reads every other body before the pipeline runs."""
        return RequestBody.EMPTY


ASGI_SOURCE = ASGISource()


def check_head(scope: Scope) -> tuple[int | None, bool, str]:
    """Enforce the head limits: the declared length, whether a body may follow, the host.

    The host is ``""`` when an HTTP/1.0 request has none.

    Raises:
        URITooLong: When the request target is over 8 KiB.
        RequestHeaderFieldsTooLarge: When headers are too many or too large.
        BadRequest: For an invalid ``Content-Length`` or a missing, repeated or malformed
            ``Host``.
    """
    target = len(scope.get("raw_path") or scope["path"]) + len(scope.get("query_string", b""))
    if target > MAX_TARGET:
        raise URITooLong(f"The request target exceeds {MAX_TARGET} bytes.")
    headers = scope["headers"]
    if len(headers) > MAX_HEADER_COUNT:
        raise RequestHeaderFieldsTooLarge(f"The request has more than {MAX_HEADER_COUNT} headers.")
    # PERF: one plain loop sums the sizes (faster than map/chain for a few headers); each
    # header is checked only when the total could hide one too large; fields are looked up
    # through one dict.
    total = 0
    for name, value in headers:
        total += len(name) + len(value)
    if total > MAX_HEADER:
        _check_header_sizes(headers, total)
    fields = dict(headers)
    raw_host = fields.get(b"host")
    host = _VALID_RAW_HOSTS.get(raw_host)  # PERF: a Host found valid before, decoded
    if host is None or len(fields) != len(headers):  # a new Host, or repeated names
        hosts = [value.decode("latin-1") for name, value in headers if name == b"host"]
        error = host_error(hosts, scope.get("http_version"))
        if error is not None:
            raise error
        host = hosts[0] if hosts else ""
        if hosts:
            _VALID_RAW_HOSTS.remember(hosts[0].encode("latin-1"), host)
    content_length = fields.get(b"content-length")
    chunked = b"transfer-encoding" in fields
    length = parse_content_length(content_length.decode("latin-1")) if content_length else None
    return length, chunked or bool(length), host


def _check_header_sizes(headers: list[tuple[bytes, bytes]], total: int) -> None:
    for name, value in headers:
        if len(name) + len(value) > MAX_HEADER:
            raise RequestHeaderFieldsTooLarge(f"A request header exceeds {MAX_HEADER} bytes.")
    if total > MAX_HEADERS_TOTAL:
        raise RequestHeaderFieldsTooLarge(f"The request headers exceed {MAX_HEADERS_TOTAL} bytes.")


def request_path(scope: Scope) -> str:
    """The percent-decoded path, relative to ``root_path``.

    Raises:
        BadRequest: When the percent-decoded path is not UTF-8.
    """
    path: str = scope["path"]
    raw: bytes | None = scope.get("raw_path")
    if raw and 37 in raw:  # b"%" (see make_request)
        # NOTE: servers decode invalid UTF-8 with replacement characters; decode again from
        # the raw path so that such a path is refused instead of silently altered.
        try:
            path = unquote_to_bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("The request path is not valid UTF-8.") from None
    root = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :] or "/"
    return path


class ASGIAdapter:
    """The ASGI callable of a :class:`~cupola.Cupola` app (``app.asgi``)."""

    __slots__ = ("app", "serve_websocket")

    def __init__(self, app: ServedApp, serve_websocket: ScopeHandler) -> None:
        self.app = app
        #: ``serve_websocket(app, scope, receive, send)`` serves each ``websocket`` scope;
        #: the app passes :func:`cupola.websockets.serve_websocket`, which imports this module.
        self.serve_websocket = serve_websocket

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection (HTTP request, WebSocket or lifespan)."""
        kind = scope["type"]
        if kind != "http":
            if kind == "lifespan":
                await self._lifespan(receive, send)
            elif kind == "websocket":
                await self.serve_websocket(self.app, scope, receive, send)
            return
        # PERF: HTTP is handled inline, and a complete response is sent inline: two
        # coroutines fewer per request.
        app = self.app
        pipeline = app.built_pipeline or app.build()
        request, length, has_body = make_request(app, scope)
        if has_body:
            try:
                body = await read_messages(receive, length, app.config.get("MAX_CONTENT_LENGTH"))
            except HTTPException as exc:
                body, request.rejection = RequestBody.EMPTY, exc
            except Exception as exc:  # a server whose receive() fails mid-body (DESIGN §7)
                body = RequestBody.EMPTY
                request.rejection = BadRequest("The request body could not be read.")
                request.rejection.__cause__ = exc
            if body is None:  # the client went away
                return
            request.loaded_body = body
        # PERF: a path without variables is matched here by one lookup; the lifecycle is
        # awaited directly, with no call between.
        method = scope["method"]
        route = (
            pipeline.static_routes.get((method, request.path))
            if request.rejection is None
            else None
        )
        if route is None:
            route = pipeline.route(request)
        else:
            request.matched_route, request.view_args = route, {}
        response = await (
            pipeline.run_async(request, route)
            if route.needs_loop
            else pipeline.run_in_thread(request, route)
        )
        if response.is_streaming:
            await send_stream(cast(StreamingResponse, response), method, send, app, receive)
            return
        status, content = response.status, response.body
        key = tuple(response.headers.pairs)
        headers, sized = HEADS.get(key) or work_out(key)
        if status in NO_BODY_STATUSES:
            content = b""
        elif not sized:
            size = len(content)
            headers += (LENGTHS.get(size) or length_pair(size),)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else content})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        app = self.app
        while True:
            message = await receive()
            phase = message["type"].rpartition(".")[2]  # "startup" or "shutdown"
            funcs = app.startup_funcs if phase == "startup" else app.shutdown_funcs
            if phase == "startup":
                # NOTE: broadcast() from a sync view (a worker thread) hands its message to
                # this loop; recorded once here, never per request.
                app.event_loop = asyncio.get_running_loop()
            try:
                with app.app_context():  # current_app and g work in these functions
                    for func in funcs:
                        result = func()
                        if type(result) is CoroutineType:
                            await result
            except Exception:
                logger.exception("Error during lifespan %s", phase)
                await send({"type": f"lifespan.{phase}.failed", "message": traceback.format_exc()})
                return
            await send({"type": f"lifespan.{phase}.complete"})
            if phase == "shutdown":
                return


def make_request(app: ServedApp, scope: Scope) -> tuple[Request, int | None, bool]:
    """The request for an HTTP scope, with its declared length and whether a body follows.

    A path or head the adapter refuses is recorded on the request (``rejection``) so that the
    pipeline answers it like any other error; its body is then never read.
    """
    path = scope["path"]
    raw = scope.get("raw_path")
    try:
        # PERF: else the path is as given. The byte is looked for as an int: ``b"%" in raw``
        # raises and clears a TypeError inside bytes.__contains__ first (~150 ns).
        if (raw and 37 in raw) or scope.get("root_path"):
            path = request_path(scope)
        request = Request(app, scope["method"], path, scope, ASGI_SOURCE)
    except HTTPException as exc:
        request = Request(app, scope["method"], "/", scope, ASGI_SOURCE)
        request.rejection = exc
    try:
        length, has_body, request.host_header = check_head(scope)
    except HTTPException as exc:
        request.rejection = request.rejection or exc
        return request, None, False
    return request, length, has_body and request.rejection is None


async def send_stream(
    response: StreamingResponse, method: str, send: Send, app: ServedApp, receive: Receive
) -> None:
    """Send a streaming response: the head, then each chunk as it is produced.

    The stream stops, and its iterator is closed, as soon as the client disconnects.
    """
    status = response.status
    start = {"type": "http.response.start", "status": status}
    await send({**start, "headers": work_out(tuple(response.headers.pairs))[0]})
    if method != "HEAD" and status not in NO_BODY_STATUSES:
        await _stream_until_disconnect(response, send, app, receive)
    else:
        await response.aclose()
    await send({"type": "http.response.body", "body": b""})


async def _stream_until_disconnect(
    response: StreamingResponse, send: Send, app: ServedApp, receive: Receive
) -> None:
    # NOTE: servers keep accepting body messages after the client has gone, so an endless
    # stream (server-sent events) would never end; watch for http.disconnect instead.
    streaming = asyncio.ensure_future(_stream(response, send, app))
    watching = asyncio.ensure_future(_disconnected(receive))
    try:
        await asyncio.wait((streaming, watching), return_when=asyncio.FIRST_COMPLETED)
    finally:
        watching.cancel()
        streaming.cancel()
        await asyncio.gather(watching, streaming, return_exceptions=True)
    if not streaming.cancelled():
        streaming.result()  # the stream's own error, if any


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _stream(response: StreamingResponse, send: Send, app: ServedApp) -> None:
    """Send the chunks, then close the iterator (also when cancelled)."""
    if response.is_async:
        try:
            async for chunk in response.aiter_chunks():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        finally:
            await response.aclose()
        return
    # A sync iterable may block (files, generators doing I/O): pull each chunk in a thread.
    chunks = response.iter_chunks()
    executor = app.pipeline.executor
    pulling: Future[bytes] | None = None
    try:
        while True:
            pulling = executor.submit(next, chunks, b"")
            chunk = await asyncio.wrap_future(pulling)
            if not chunk:
                return
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
    finally:
        if pulling is not None and not pulling.done():
            # NOTE: a worker thread cannot be interrupted: close the iterator once its
            # next() returns (a generator then sees the client leave at its next yield).
            pulling.add_done_callback(lambda _: response.close())
        else:
            response.close()
