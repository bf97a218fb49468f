"""Request contexts for tests and scripts: ``with app.test_request_context("/x"): …``."""

from __future__ import annotations

import asyncio
import inspect
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes

import httpx

from cupola.context import activate, active_context, deactivate, get_request, set_active
from cupola.http.request import Request
from cupola.wsgi import WSGI_SOURCE

if TYPE_CHECKING:
    from contextvars import Token

    from cupola.app import Cupola
    from cupola.context import AppContext

DEFAULT_BASE_URL = "http://localhost"


def build_environ(request: httpx.Request, root_path: str = "") -> dict[str, Any]:
    """A WSGI environ for an ``httpx.Request`` (the body is read into memory)."""
    url = request.url
    body = request.read()
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": root_path,
        # PEP 3333: the percent-decoded bytes as latin-1, whether or not they are UTF-8.
        "PATH_INFO": unquote_to_bytes(url.raw_path.split(b"?", 1)[0]).decode("latin-1"),
        "QUERY_STRING": url.query.decode("ascii"),
        "SERVER_NAME": url.host,
        "SERVER_PORT": str(url.port or (443 if url.scheme == "https" else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": url.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,  # the whole body is there, as after de-chunking
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in request.headers.raw:
        key = name.decode("latin-1").upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[key] = value.decode("latin-1")
        else:
            environ[f"HTTP_{key}"] = value.decode("latin-1")
    return environ


def build_request(
    method: str,
    url: str,
    *,
    query: Any = None,
    headers: Any = None,
    json: Any = None,
    data: Any = None,
    files: Any = None,
    content: bytes | str | None = None,
    cookies: Any = None,
) -> httpx.Request:
    """An ``httpx.Request`` from the test client's keyword arguments.

    ``data`` may be a mapping (an urlencoded form) or ``bytes``/``str`` (a raw body).
    """
    if isinstance(data, bytes | str):
        content, data = data, None
    request = httpx.Request(
        method,
        url,
        params=query,
        headers=headers,
        json=json,
        data=data,
        files=files,
        content=content,
        cookies=cookies,
    )
    return request


class RequestContext:
    """An active request for ``path``: ``request``, ``g`` and ``url_for`` work inside it.

    Leaving it ends the request as a handled one ends: the ``teardown_request`` hooks of
    the matched view's chain, then the app's ``teardown_appcontext`` hooks, run with the
    exception that ended the block, if any.

    Args:
        app: The application.
        path: The path, optionally with a query string.
        method: The HTTP method.
        base_url: Scheme and host of the simulated request.
        **kwargs: ``query``, ``headers``, ``json``, ``data``, ``files``, ``content``.
    """

    def __init__(
        self,
        app: Cupola,
        path: str = "/",
        *,
        method: str = "GET",
        base_url: str = DEFAULT_BASE_URL,
        **kwargs: Any,
    ) -> None:
        outgoing = build_request(method.upper(), base_url.rstrip("/") + path, **kwargs)
        environ = build_environ(outgoing)
        path_info = environ["PATH_INFO"].encode("latin-1").decode("utf-8")
        self.request = Request(app, method.upper(), path_info or "/", environ, WSGI_SOURCE)
        # Fills view_args, endpoint and blueprint; the route's hooks end the context.
        self._route = app.pipeline.route(self.request)
        self._token: Token[AppContext | Request] | None = None

    def __enter__(self) -> Request:
        self._token = activate(self.request)
        return self.request

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._token is None:
            return
        try:
            for teardown in self._route.hooks.teardown:
                result = teardown(exc)
                if inspect.iscoroutine(result):  # an async hook, outside any event loop
                    asyncio.run(result)
        finally:
            deactivate(self._token)
            self._token = None
            self.request.close()


# The requests each client in a ``with`` block keeps active, in the thread that sent them,
# and what was active before the first: kept contexts end in any order (clients may leave
# their blocks in the order they entered them), unlike contextvar tokens.
_kept: ContextVar[tuple[tuple[PreservedContext, Request], ...]] = ContextVar(
    "cupola.testing.kept", default=()
)
_before_kept: ContextVar[AppContext | Request | None] = ContextVar(
    "cupola.testing.before_kept", default=None
)
# Where the app notes the request the current client call is sending (see note_request).
_noted: ContextVar[list[Request] | None] = ContextVar("cupola.testing.noted", default=None)


def noted_box() -> list[Request] | None:
    """Where the current client call collects its requests (to carry to another thread)."""
    return _noted.get()


def note_into(box: list[Request] | None) -> None:
    """Collect the requests of the current task or thread into ``box``."""
    _noted.set(box)


def note_request(exc: BaseException | None) -> None:
    """A ``teardown_request`` hook: note the ending request for the client that sent it."""
    box = _noted.get()
    if box is not None:
        box.append(get_request())


class PreservedContext:
    """Keeps the last request's context active after it, inside ``with client:``.

    While started, the app notes each request the client sends as it ends (the
    :func:`note_request` hook); the client makes it the active context again once the
    response is back, until its next request or the end of the block.

    Args:
        app: The application.
    """

    def __init__(self, app: Cupola) -> None:
        self.app = app
        self._started = False
        self._thread = 0  # the thread that entered the block: only its requests are kept

    def start(self) -> None:
        """Begin keeping contexts (of requests sent from the calling thread)."""
        if not self._started:
            self._started = True
            self._thread = threading.get_ident()
            if note_request not in self.app.teardown_request_funcs:
                self.app.teardown_request(note_request)

    @contextmanager
    def sending(self) -> Iterator[None]:
        """Around one request of the client: end the kept context, keep the new one."""
        if not self._started or threading.get_ident() != self._thread:
            yield
            return
        self.release()
        box: list[Request] = []
        token = _noted.set(box)
        try:
            yield
        finally:
            _noted.reset(token)
        if box:
            kept = _kept.get()
            if not kept:
                _before_kept.set(active_context())
            _kept.set((*kept, (self, box[-1])))
            set_active(box[-1])

    def release(self) -> None:
        """End the context this client keeps, if any."""
        kept = _kept.get()
        remaining = tuple(entry for entry in kept if entry[0] is not self)
        if remaining != kept:
            _kept.set(remaining)
            set_active(remaining[-1][1] if remaining else _before_kept.get())

    def stop(self) -> None:
        """End the kept context and stop keeping them."""
        self.release()
        self._started = False
