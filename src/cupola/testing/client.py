"""The test client: real HTTP semantics, in-process, over the WSGI or the ASGI callable.

It is an ``httpx`` client with a transport that calls the app directly, so cookies persist
across requests, redirects can be followed and responses are ordinary ``httpx.Response``
objects (``status_code``, ``headers``, ``text``, ``json()``, ``cookies``). The ASGI transport
runs the app on an event loop in a background thread, with lifespan events when the client
is used as a context manager.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar, cast
from urllib.parse import unquote_to_bytes

import httpx

from cupola.http.response import Response
from cupola.sessions.middleware import SessionMiddleware
from cupola.testing.context import (
    DEFAULT_BASE_URL,
    PreservedContext,
    build_environ,
    build_request,
    note_into,
    noted_box,
)
from cupola.testing.websockets import DEFAULT_TIMEOUT, WebSocketTestSession

if TYPE_CHECKING:
    from cupola.app import Cupola
    from cupola.sessions import Session

T = TypeVar("T")
# A request that sets either header speaks for itself about its origin.
_ORIGIN_HEADERS = frozenset({"sec-fetch-site", "origin"})
_CLOSE_TIMEOUT = 5  # seconds the tasks still running get to end when the client closes


class _LoopThread:
    """An event loop running in a daemon thread, for driving ASGI apps synchronously."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, factory: Callable[[], Awaitable[T]]) -> T:
        """Run ``factory()`` on the loop and wait for its result."""

        async def call() -> T:
            return await factory()

        future: Future[T] = asyncio.run_coroutine_threadsafe(call(), self.loop)
        return future.result()

    def close(self) -> None:
        """Cancel what still runs on the loop (an open WebSocket…), then stop the thread."""

        async def cancel_pending() -> None:
            tasks = asyncio.all_tasks() - {asyncio.current_task()}
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(cancel_pending(), self.loop).result(_CLOSE_TIMEOUT)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.close()


class WSGITransport(httpx.BaseTransport):
    """A synchronous httpx transport that calls a WSGI app in-process.

    NOTE: httpx's own ``WSGITransport`` puts a UTF-8 ``str`` in ``PATH_INFO`` and only
    accepts ASCII header values; PEP 3333 wants latin-1, which ``build_environ`` gives.
    """

    def __init__(self, app: Any, response_class: type[httpx.Response] = httpx.Response) -> None:
        self.app = app
        self.response_class = response_class

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Call the app with ``request`` and return its complete response."""
        environ = build_environ(request)
        seen: list[Any] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            seen[:] = [status, headers]
            return lambda data: None

        result = self.app(environ, start_response)
        try:
            content = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = seen
        pairs = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers]
        return self.response_class(
            int(status.split(" ", 1)[0]),
            headers=pairs,
            stream=httpx.ByteStream(content),  # content= would add a Content-Length
            request=request,
        )


class ASGITransport(httpx.BaseTransport):
    """A synchronous httpx transport that calls an ASGI app in-process."""

    def __init__(
        self,
        app: Any,
        loop: Callable[[], _LoopThread],
        client: tuple[str, int],
        response_class: type[httpx.Response] = httpx.Response,
    ) -> None:
        self.app = app
        self.loop = loop  # the client's loop thread, started when first needed
        self.client = client
        self.response_class = response_class

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Call the app with ``request`` and return its complete response."""
        body = request.read()
        raw_path = request.url.raw_path.split(b"?", 1)[0]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": request.url.scheme,
            "path": unquote_to_bytes(raw_path).decode("utf-8", "replace"),
            "raw_path": raw_path,
            "root_path": "",
            "query_string": request.url.query,
            "headers": [(k.lower(), v) for k, v in request.headers.raw],
            "client": self.client,
            "server": (request.url.host, request.url.port or 80),
        }
        box = noted_box()
        status, headers, chunks = self.loop().run(lambda: _call(self.app, scope, body, box))
        # NOTE: stream=, not content=: httpx adds a Content-Length the app never sent.
        content = httpx.ByteStream(b"".join(chunks))
        return self.response_class(status, headers=headers, stream=content, request=request)


async def _call(
    app: Any, scope: dict[str, Any], body: bytes, box: list[Any] | None = None
) -> tuple[int, list[tuple[bytes, bytes]], list[bytes]]:
    note_into(box)  # this task's context: the request notes itself for the client
    sent = False
    done = asyncio.Event()
    start: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                done.set()

    await app(scope, receive, send)
    done.set()
    if not start:
        raise RuntimeError("The ASGI app returned without sending a response.")
    return start["status"], start.get("headers", []), chunks


class _Lifespan:
    """Runs the ASGI lifespan protocol for the duration of a ``with client:`` block."""

    def __init__(self, app: Any, loop: _LoopThread) -> None:
        self.app = app
        self.loop = loop
        self._queue: asyncio.Queue[dict[str, Any]] | None = None
        self._replies: asyncio.Queue[dict[str, Any]] | None = None
        self._task: asyncio.Task[None] | None = None

    def _event(self, kind: str) -> None:
        async def step() -> dict[str, Any]:
            if self._queue is None or self._replies is None:
                raise RuntimeError("The lifespan has not started.")
            await self._queue.put({"type": f"lifespan.{kind}"})
            return await self._replies.get()

        reply = self.loop.run(step)
        if reply["type"].endswith(".failed"):
            raise RuntimeError(f"Lifespan {kind} failed:\n{reply.get('message', '')}")

    def startup(self) -> None:
        async def begin() -> None:
            self._queue, self._replies = asyncio.Queue(), asyncio.Queue()
            scope = {"type": "lifespan", "asgi": {"version": "3.0"}}
            self._task = asyncio.create_task(self.app(scope, self._queue.get, self._replies.put))

        self.loop.run(begin)
        self._event("startup")

    def shutdown(self) -> None:
        self._event("shutdown")


class TestClient(httpx.Client):
    """Sends requests to a Cupola app in-process.

    Args:
        app: The application.
        protocol: ``"wsgi"`` drives ``app``; ``"asgi"`` drives ``app.asgi``.
        base_url: Scheme and host of the requests.
        follow_redirects: Default for following redirects.
        enforce_csrf_checks: Send requests as a browser that gives no origin signal, so
            that the CSRF token is required. By default the client is a same-origin
            browser: it sends ``Sec-Fetch-Site: same-origin`` unless a request sets
            ``Sec-Fetch-Site`` or ``Origin`` itself, so forms post without tokens (a token
            that is sent is still checked), as with Django's client.
        **kwargs: Other ``httpx.Client`` options.

    Inside ``with client:`` the context of the last request stays active until the next
    request or the end of the block, so ``request``, ``session`` and ``g`` can be read
    after a request, as with Flask's client.

    Example:
        >>> with app.test_client() as client:  # doctest: +SKIP
        ...     assert client.get("/").status_code == 200
    """

    __test__ = False  # not a pytest test class
    #: The class of the responses (an ``httpx.Response`` subclass).
    response_class: type[httpx.Response] = httpx.Response

    def __init__(
        self,
        app: Cupola,
        protocol: Literal["wsgi", "asgi"] = "wsgi",
        base_url: str = DEFAULT_BASE_URL,
        follow_redirects: bool = False,
        enforce_csrf_checks: bool = False,
        **kwargs: Any,
    ) -> None:
        self.app = app
        self.protocol = protocol
        self.enforce_csrf_checks = enforce_csrf_checks
        self._loop: _LoopThread | None = None
        self._websocket_loop: _LoopThread | None = None  # for websockets over a WSGI client
        self._lifespan: _Lifespan | None = None
        self._preserved = PreservedContext(app)
        transport: httpx.BaseTransport
        if protocol == "asgi":
            transport = ASGITransport(
                app.asgi, self._asgi_loop, ("127.0.0.1", 50000), self.response_class
            )
        else:
            transport = WSGITransport(app, self.response_class)
        super().__init__(
            transport=transport, base_url=base_url, follow_redirects=follow_redirects, **kwargs
        )

    def __enter__(self) -> Self:
        # NOTE: httpx's own __enter__ is not called: like Flask's client, this one may be
        # entered again, and used before, after and between ``with`` blocks.
        self._preserved.start()
        if self.protocol == "asgi":
            lifespan = _Lifespan(self.app.asgi, self._asgi_loop())
            try:
                lifespan.startup()
            except BaseException:
                self._stop_loops()  # a failed startup is not shut down; stop the loop thread
                raise
            self._lifespan = lifespan
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc: BaseException | None = None,
        tb: TracebackType | None = None,
    ) -> None:
        """End the block: shut the lifespan down, end the kept context, stop loop threads.

        The client stays usable; a later request starts what it needs again.
        """
        try:
            self._preserved.stop()
            lifespan, self._lifespan = self._lifespan, None
            if lifespan is not None:
                lifespan.shutdown()
        finally:
            self._stop_loops()

    def close(self) -> None:
        """Close the client and stop its event loop threads."""
        super().close()
        self._stop_loops()

    def _asgi_loop(self) -> _LoopThread:
        """The loop the ASGI app runs on, started when first needed."""
        if self._loop is None:
            self._loop = _LoopThread()
        return self._loop

    def _stop_loops(self) -> None:
        for loop in (self._loop, self._websocket_loop):
            if loop is not None:
                loop.close()
        self._loop = self._websocket_loop = None

    def websocket_connect(
        self,
        path: str,
        headers: Mapping[str, str] | None = None,
        subprotocols: Sequence[str] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> WebSocketTestSession:
        """Open a WebSocket to ``path`` on ``app.asgi``, for a ``with`` block.

        The handshake carries the client's cookies (so the session works) and headers.

        Args:
            path: The path, optionally with a query string.
            headers: Extra handshake headers, e.g. ``{"Origin": "http://localhost"}``.
            subprotocols: Subprotocols to offer.
            timeout: Seconds each receive waits before raising ``TimeoutError``.

        Raises:
            WebSocketRejected: On entering the block, when the app refuses the handshake
                (``.status`` is 403, 404…).

        Example:
            >>> with client.websocket_connect("/ws/echo") as ws:  # doctest: +SKIP
            ...     ws.send_text("hi")
            ...     assert ws.receive_text() == "hi"
        """
        return WebSocketTestSession(self, path, headers, subprotocols, timeout)

    def _event_loop(self) -> asyncio.AbstractEventLoop:
        """The loop WebSocket sessions run the app on (a WSGI client starts one)."""
        if self.protocol == "asgi":
            return self._asgi_loop().loop
        if self._websocket_loop is None:
            self._websocket_loop = _LoopThread()
        return self._websocket_loop.loop

    def request(  # type: ignore[override]
        self,
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
        follow_redirects: bool | None = None,
    ) -> httpx.Response:
        """Send a request; ``data`` may be a form mapping or a raw ``bytes``/``str`` body.

        ``cookies`` are sent with this request only; the client's jar keeps only what
        responses set.
        """
        headers = self._merge_headers(headers)
        if not self.enforce_csrf_checks and not _ORIGIN_HEADERS & {h.lower() for h in headers}:
            headers["Sec-Fetch-Site"] = "same-origin"
        outgoing = build_request(
            method,
            str(self._merge_url(url)),
            query=query,
            headers=headers,
            json=json,
            data=data,
            files=files,
            content=content,
        )
        jar = self.cookies
        if cookies:
            jar = httpx.Cookies(self.cookies)
            for name, value in dict(cookies).items():
                jar.delete(name)  # a per-request value replaces the kept one
                jar.set(name, value)
        jar.set_cookie_header(outgoing)
        redirects = self.follow_redirects if follow_redirects is None else follow_redirects
        with self._preserved.sending():
            return self.send(outgoing, follow_redirects=redirects)

    @contextmanager
    def session_transaction(self, path: str = "/", **kwargs: Any) -> Iterator[Session]:
        """Open the client's session to read or change it outside a request.

        Changes are saved into the client's cookies when the block ends, as a response
        would save them.

        Args:
            path: The path of the simulated request.
            **kwargs: More arguments for ``app.test_request_context``.

        Example:
            >>> with client.session_transaction() as session:  # doctest: +SKIP
            ...     session["user_id"] = 1
        """
        probe = httpx.Request("GET", self._merge_url(path))
        self.cookies.set_cookie_header(probe)
        headers = dict(kwargs.pop("headers", None) or {})
        if "cookie" in probe.headers:
            headers["Cookie"] = probe.headers["cookie"]
        with self.app.test_request_context(path, headers=headers, **kwargs) as request:
            session = request.session
            yield session
            response = Response()
            # NOTE: request.session above raised unless the app has a session loader, and
            # the one Cupola ships is the middleware, which also saves sessions.
            middleware = cast(SessionMiddleware, self.app.session_loader)
            middleware.process_response(request, response)
        set_cookies = [("set-cookie", value) for value in response.headers.getlist("Set-Cookie")]
        self.cookies.extract_cookies(httpx.Response(200, headers=set_cookies, request=probe))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:  # type: ignore[override]
        """Send a GET request."""
        return self.request("GET", url, **kwargs)

    def head(self, url: str, **kwargs: Any) -> httpx.Response:  # type: ignore[override]
        """Send a HEAD request."""
        return self.request("HEAD", url, **kwargs)

    def options(self, url: str, **kwargs: Any) -> httpx.Response:  # type: ignore[override]
        """Send an OPTIONS request."""
        return self.request("OPTIONS", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:  # type: ignore[override]
        """Send a POST request."""
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> httpx.Response:  # type: ignore[override]
        """Send a PUT request."""
        return self.request("PUT", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> httpx.Response:  # type: ignore[override]
        """Send a PATCH request."""
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:  # type: ignore[override]
        """Send a DELETE request."""
        return self.request("DELETE", url, **kwargs)
