"""The WSGI adapter (PEP 3333): environ in, :class:`Request` to the pipeline, response out.

It only translates. The body is read lazily, bounded by ``MAX_CONTENT_LENGTH``; streaming
responses are iterated as the server pulls them (an async iterable runs on the thread's
event loop).
"""

from __future__ import annotations

import atexit
import inspect
from collections.abc import AsyncIterable, Callable, Iterable, Iterator
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from cupola.concurrency import run_coroutine
from cupola.exceptions import BadRequest, HTTPException
from cupola.http.body import RequestBody, parse_content_length, read_stream
from cupola.http.bounded import BoundedDict
from cupola.http.heads import has_content_length
from cupola.http.hosts import VALID_HOSTS, host_error
from cupola.http.request import Request
from cupola.http.response import NO_BODY_STATUSES, Response, StreamingResponse

if TYPE_CHECKING:
    from cupola.pipeline import Pipeline, ServedApp

StartResponse = Callable[..., Any]
WSGIEnviron = dict[str, Any]

STATUS_LINES: dict[int, str] = {s.value: f"{s.value} {s.phrase}" for s in HTTPStatus}


def status_line(code: int) -> str:
    """The status line for ``code``, e.g. ``"404 Not Found"``."""
    return STATUS_LINES.get(code) or f"{code} Unknown"


class WSGISource:
    """Reads a WSGI environ for :class:`Request`."""

    def headers(self, environ: WSGIEnviron) -> list[tuple[str, str]]:
        """Header pairs from the ``HTTP_*`` keys plus ``CONTENT_TYPE``/``CONTENT_LENGTH``."""
        pairs = [
            (key[5:].replace("_", "-").title(), value)
            for key, value in environ.items()
            if key.startswith("HTTP_")
        ]
        for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
            value = environ.get(key)
            if value:
                pairs.append((name, value))
        return pairs

    def header(self, environ: WSGIEnviron, name: str) -> str | None:
        """One header from its environ key (``None`` when absent or empty)."""
        key = _ENVIRON_KEYS.get(name)
        if key is None:
            key = _ENVIRON_KEYS.remember(name, "HTTP_" + name.upper().replace("-", "_"))
        return environ.get(key) or None

    def query_string(self, environ: WSGIEnviron) -> str:
        """``QUERY_STRING``."""
        return environ.get("QUERY_STRING", "")  # type: ignore[no-any-return]  # PEP 3333 str

    def scheme(self, environ: WSGIEnviron) -> str:
        """``wsgi.url_scheme``."""
        return environ.get("wsgi.url_scheme", "http")  # type: ignore[no-any-return]  # PEP 3333

    def server(self, environ: WSGIEnviron) -> tuple[str, int | None] | None:
        """``SERVER_NAME`` and ``SERVER_PORT``."""
        name = environ.get("SERVER_NAME")
        if not name:
            return None
        port = environ.get("SERVER_PORT")
        return name, int(port) if port and port.isdigit() else None

    def remote_addr(self, environ: WSGIEnviron) -> str | None:
        """``REMOTE_ADDR``."""
        return environ.get("REMOTE_ADDR")

    def root_path(self, environ: WSGIEnviron) -> str:
        """``SCRIPT_NAME``, decoded as UTF-8."""
        return _decode_path(environ.get("SCRIPT_NAME", "")) or ""

    def body(self, environ: WSGIEnviron, limit: int | None) -> RequestBody:
        """Read ``wsgi.input``: ``CONTENT_LENGTH`` bytes, or to EOF for de-chunked input.

        Raises:
            RequestEntityTooLarge: When the body passes ``limit``.
            BadRequest: When the body is truncated or the server's input stream fails.
        """
        length = parse_content_length(environ.get("CONTENT_LENGTH") or None)
        until_eof = bool(environ.get("wsgi.input_terminated"))
        try:
            return read_stream(environ["wsgi.input"], length, limit, until_eof=until_eof)
        except HTTPException:
            raise
        except Exception as exc:
            # NOTE: servers raise their own errors from wsgi.input for broken framing (gunicorn:
            # InvalidChunkSize, ChunkMissingTerminator, NoMoreData), or OSError for a lost
            # socket; all are the client's fault here, so every body read (form, JSON,
            # get_data, stream) answers 400 (DESIGN §7).
            raise BadRequest("The request body could not be read (broken framing).") from exc


WSGI_SOURCE = WSGISource()
# Header names to environ keys, filled as names are asked for (bounded).
_ENVIRON_KEYS: BoundedDict[str, str] = BoundedDict()
_ENVIRON_KEYS.update({"content-type": "CONTENT_TYPE", "content-length": "CONTENT_LENGTH"})


def _decode_path(raw: str) -> str | None:
    """PEP 3333 gives paths as latin-1-decoded bytes; decode them as UTF-8 (``None``: not)."""
    if raw.isascii():
        return raw
    try:
        return raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return None


def wsgi_app(
    app: ServedApp, environ: WSGIEnviron, start_response: StartResponse
) -> Iterable[bytes]:
    """Handle one WSGI request for ``app``; this is ``Cupola.__call__``."""
    pipeline = app.built_pipeline
    # NOTE: the app may have been built before its first WSGI request (url_for in an app
    # context, a test request context): startup functions must run all the same.
    if pipeline is None or not app.wsgi_started:
        pipeline = _prepare(app)
    method = environ["REQUEST_METHOD"]
    path = environ.get("PATH_INFO") or "/"
    if path.isascii():
        request = Request(app, method, path, environ, WSGI_SOURCE)
    else:
        decoded = _decode_path(path)
        request = Request(app, method, decoded or path, environ, WSGI_SOURCE)
        if decoded is None:
            request.rejection = BadRequest("The request path is not valid UTF-8.")
    host = request.host_header = environ.get("HTTP_HOST")
    if host not in VALID_HOSTS:  # PERF: one set lookup for a host seen before
        protocol = environ.get("SERVER_PROTOCOL", "HTTP/1.1")
        error = host_error([] if host is None else [host], protocol.partition("/")[2])
        if error is not None:
            request.rejection = request.rejection or error
    # PERF: a path without variables is matched here by one lookup; the lifecycle is run
    # directly, with no call between.
    route = (
        pipeline.static_routes.get((method, request.path)) if request.rejection is None else None
    )
    if route is None:
        route = pipeline.route(request)
    else:
        request.matched_route, request.view_args = route, {}
    response = (
        run_coroutine(pipeline.run_async(request, route))
        if route.needs_loop
        else pipeline.run_sync(request, route)
    )
    # Start the response and return the body iterable.
    headers = response.headers.pairs
    status = response.status
    if response.is_streaming:
        start_response(STATUS_LINES.get(status) or status_line(status), headers)
        if method == "HEAD" or status in NO_BODY_STATUSES:
            _close(response)
            return ()
        return _StreamBody(response)  # type: ignore[arg-type]  # streaming implies the type
    body = response.body
    if status in NO_BODY_STATUSES:
        body = b""
    elif not has_content_length(headers):
        headers.append(("Content-Length", str(len(body))))
    start_response(STATUS_LINES.get(status) or status_line(status), headers)
    # PERF: a list, not a tuple: granian writes a list in one go and iterates anything else.
    return [] if method == "HEAD" else [body]


def _prepare(app: ServedApp) -> Pipeline:
    """Build the app; on the first request of the process, run its startup functions.

    WSGI has no lifespan protocol: startup functions run before the first request and
    shutdown functions when the process exits.
    """
    pipeline = app.built_pipeline or app.build()
    if not app.wsgi_started:
        app.wsgi_started = True
        for func in app.startup_funcs:
            _run_lifespan_func(app, func)
        for func in app.shutdown_funcs:
            atexit.register(_run_lifespan_func, app, func)
    return pipeline


def _run_lifespan_func(app: ServedApp, func: Callable[[], Any]) -> None:
    """Run a startup or shutdown function (sync or async) in an app context."""
    with app.app_context():
        result = func()
        if inspect.isawaitable(result):
            run_coroutine(result)  # type: ignore[arg-type]  # an async lifespan function


def _close(response: Response) -> None:
    close = getattr(response, "close", None)
    if close is not None:
        close()


class _StreamBody:
    """The body iterable of a streaming response; closing it closes the response."""

    __slots__ = ("_chunks", "_response")

    def __init__(self, response: StreamingResponse) -> None:
        self._response = response
        self._chunks: Iterator[bytes] = (
            _iterate_async(response.iterable)  # type: ignore[arg-type]  # checked by is_async
            if response.is_async
            else response.iter_chunks()
        )

    def __iter__(self) -> Iterator[bytes]:
        return self._chunks

    def close(self) -> None:
        self._response.close()


def _iterate_async(iterable: AsyncIterable[bytes | str]) -> Iterator[bytes]:
    iterator = aiter(iterable)

    async def pull() -> bytes | str:
        return await anext(iterator)

    while True:
        try:
            chunk = run_coroutine(pull())
        except StopAsyncIteration:
            return
        yield chunk.encode() if isinstance(chunk, str) else chunk
