"""WebSocket connections: the object a websocket handler receives, and the handshake.

``@app.websocket(rule)`` registers an ``async def handler(ws, **path_values)``. The ASGI
adapter hands each ``websocket`` scope to :func:`serve_websocket`, which matches the path
against the WebSocket rules and runs the handshake through the app's steps, as HTTP
requests run them (middleware ``process_handshake`` hooks: proxy headers, trusted hosts,
the session, the origin check; then ``before_request`` hooks registered with
``websocket=True``), then runs the handler with a :class:`WebSocket`.
"""

from __future__ import annotations

import contextlib
import enum
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from types import CoroutineType
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from cupola.asgi import ASGISource, Receive, Scope, Send, check_head, request_path
from cupola.context import activate, deactivate
from cupola.exceptions import BadRequest, HTTPException, NotFound
from cupola.http import json as jsonlib
from cupola.http.request import Request
from cupola.http.response import Response
from cupola.returns import to_response

if TYPE_CHECKING:
    from cupola.http.headers import Headers
    from cupola.http.multidict import ImmutableMultiDict
    from cupola.pipeline import Pipeline, Route, ServedApp
    from cupola.sessions.base import Session
    from cupola.types import Application

__all__ = ["WebSocket", "WebSocketDisconnect", "WebSocketState", "serve_websocket"]

logger = logging.getLogger("cupola.websockets")
T = TypeVar("T")

#: Close codes (RFC 6455 §7.4.1) Cupola sends.
NORMAL_CLOSURE = 1000
GOING_AWAY = 1001
ABNORMAL_CLOSURE = 1006
UNSUPPORTED_DATA = 1003
INVALID_PAYLOAD = 1007
POLICY_VIOLATION = 1008
MESSAGE_TOO_BIG = 1009
INTERNAL_ERROR = 1011
MAX_REASON = 123  # bytes of close reason a close frame holds (RFC 6455 §5.5)

_DENIAL = "websocket.http.response"  # the ASGI extension for an HTTP answer to a handshake


class WebSocketState(enum.Enum):
    """Where one side of a connection stands."""

    CONNECTING = 0
    CONNECTED = 1
    DISCONNECTED = 2


class WebSocketDisconnect(Exception):
    """The connection is closed: raised by ``receive_*`` and ``send_*`` once it is.

    Args:
        code: The close code (RFC 6455 §7.4): 1000 normal, 1001 going away, 1003
            unsupported data, 1007 invalid payload, 1009 message too big, 1011 server error.
        reason: The close reason, if one was given.
    """

    def __init__(self, code: int = NORMAL_CLOSURE, reason: str = "") -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason

    def __str__(self) -> str:
        suffix = f": {self.reason}" if self.reason else ""
        return f"WebSocket closed with code {self.code}{suffix}"


class _WebSocketSource(ASGISource):
    """Reads a websocket scope for the handshake request (``ws`` reads as ``http``)."""

    def scheme(self, scope: Scope) -> str:
        """``"https"`` for ``wss``, ``"http"`` otherwise."""
        return "https" if scope.get("scheme") in ("wss", "https") else "http"


_SOURCE = _WebSocketSource()


class WebSocket:
    """One WebSocket connection, as a handler sees it.

    Args:
        request: The handshake request.
        receive: The ASGI receive callable.
        send: The ASGI send callable.
        max_message_size: The largest message accepted, in bytes; ``None`` for no limit.

    Attributes:
        app: The application.
        scope: The ASGI scope of the connection.
        request: The handshake as a :class:`~cupola.http.request.Request`; the ``request``
            and ``session`` context locals point at it while the handler runs.
        path_values: The values the route matched from the path.
        client_state: The state of the client's side.
        application_state: The state of the application's side.
        accepted_subprotocol: The subprotocol agreed on in :meth:`accept`.

    Example:
        >>> @app.websocket("/ws/echo")  # doctest: +SKIP
        ... async def echo(ws):
        ...     await ws.accept()
        ...     async for text in ws.iter_text():
        ...         await ws.send_text(text)
    """

    def __init__(
        self, request: Request, receive: Receive, send: Send, max_message_size: int | None = None
    ) -> None:
        self.app: Application = request.app
        self.request = request
        self.scope: Scope = request.raw
        self.path_values: dict[str, Any] = dict(request.view_args)
        self.max_message_size = max_message_size
        self.client_state = WebSocketState.CONNECTED  # the server sent websocket.connect
        self.application_state = WebSocketState.CONNECTING
        self.accepted_subprotocol: str | None = None
        self._receive = receive
        self._send = send
        self._closed = (NORMAL_CLOSURE, "")

    def __repr__(self) -> str:
        return f"<WebSocket {self.path!r} {self.application_state.name}>"

    # -- the handshake --------------------------------------------------------------------

    @property
    def path(self) -> str:
        """The percent-decoded path, without the root path."""
        return self.request.path

    @property
    def headers(self) -> Headers:
        """The handshake's headers (case-insensitive)."""
        return self.request.headers

    @property
    def cookies(self) -> dict[str, str]:
        """The cookies sent with the handshake."""
        return self.request.cookies

    @property
    def query(self) -> ImmutableMultiDict[str]:
        """The parsed query string (``get``/``getlist``)."""
        return self.request.args

    @property
    def subprotocols(self) -> list[str]:
        """The subprotocols the client offered, in its order of preference."""
        return list(self.scope.get("subprotocols") or ())

    @property
    def session(self) -> Session:
        """The visitor's session, read from the session cookie of the handshake.

        Changes are not saved: an open WebSocket cannot set cookies.

        Raises:
            RuntimeError: When no session middleware is installed.
        """
        return self.request.session

    @property
    def user(self) -> Any:
        """The user of the handshake (``request.user``), looked up once, on first access.

        Raises:
            RuntimeError: When authentication is not set up for the app.
        """
        if self.app.user_loader is None:
            raise RuntimeError(
                "ws.user needs authentication: create cupola.auth.Auth(app, user_loader=...)."
            )
        return self.request.user

    @property
    def close_code(self) -> int | None:
        """The code the connection closed with, or ``None`` while it is open."""
        if WebSocketState.DISCONNECTED in (self.client_state, self.application_state):
            return self._closed[0]
        return None

    # -- opening and closing --------------------------------------------------------------

    async def accept(
        self,
        subprotocol: str | None = None,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
    ) -> None:
        """Accept the connection.

        Args:
            subprotocol: One of :attr:`subprotocols` to agree on.
            headers: Extra headers for the handshake response.

        Raises:
            RuntimeError: When the connection was already accepted or closed.
            ValueError: When the client did not offer ``subprotocol``.
        """
        if self.application_state is not WebSocketState.CONNECTING:
            raise RuntimeError(f"accept() on a {self.application_state.name} WebSocket.")
        if subprotocol is not None and subprotocol not in self.subprotocols:
            raise ValueError(
                f"The client did not offer the subprotocol {subprotocol!r} "
                f"(it offered {self.subprotocols})."
            )
        pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers or ())
        raw = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in pairs]
        await self._transmit(
            {"type": "websocket.accept", "subprotocol": subprotocol, "headers": raw}
        )
        self.application_state = WebSocketState.CONNECTED
        self.accepted_subprotocol = subprotocol

    async def close(self, code: int = NORMAL_CLOSURE, reason: str = "") -> None:
        """Close the connection; a no-op once it is closed.

        Before :meth:`accept`, this refuses the handshake (the client gets 403). A reason
        longer than the 123 bytes a close frame holds (RFC 6455 §5.5) is shortened.
        """
        if self.application_state is WebSocketState.DISCONNECTED:
            return
        reason = reason.encode()[:MAX_REASON].decode("utf-8", "ignore")
        self.application_state = WebSocketState.DISCONNECTED
        self._closed = (code, reason)
        with contextlib.suppress(WebSocketDisconnect):  # the client is gone already
            await self._transmit({"type": "websocket.close", "code": code, "reason": reason})

    # -- receiving ------------------------------------------------------------------------

    async def receive(self) -> dict[str, Any]:
        """Wait for the next raw ASGI ``websocket.receive`` message.

        Raises:
            WebSocketDisconnect: When the client closed the connection, or sent a message
                over :attr:`max_message_size` (the connection is then closed with 1009).
            RuntimeError: Before :meth:`accept`.
        """
        if self.application_state is WebSocketState.CONNECTING:
            raise RuntimeError("Call await ws.accept() before receiving messages.")
        if WebSocketState.DISCONNECTED in (self.client_state, self.application_state):
            raise WebSocketDisconnect(*self._closed)
        message = dict(await self._receive())
        if message["type"] == "websocket.disconnect":
            self.client_state = self.application_state = WebSocketState.DISCONNECTED
            self._closed = (message.get("code", NORMAL_CLOSURE), message.get("reason") or "")
            raise WebSocketDisconnect(*self._closed)
        limit = self.max_message_size
        if limit is not None and _too_big(message, limit):
            await self._refuse(MESSAGE_TOO_BIG, f"Messages are limited to {limit} bytes.")
        return message

    async def receive_text(self) -> str:
        """Wait for the next text message; a binary one closes the connection with 1003.

        Raises:
            WebSocketDisconnect: See :meth:`receive`.
        """
        text: str | None = (await self.receive()).get("text")
        if text is None:
            await self._refuse(UNSUPPORTED_DATA, "Expected a text message.")
        return text

    async def receive_bytes(self) -> bytes:
        """Wait for the next binary message; a text one closes the connection with 1003.

        Raises:
            WebSocketDisconnect: See :meth:`receive`.
        """
        data: bytes | None = (await self.receive()).get("bytes")
        if data is None:
            await self._refuse(UNSUPPORTED_DATA, "Expected a binary message.")
        return data

    async def receive_json(self) -> Any:
        """Wait for the next message, text or binary, and decode it as JSON.

        JSON the HTTP side would refuse (DESIGN §7: ``NaN``, over 128 levels…) closes
        the connection with 1007.

        Raises:
            WebSocketDisconnect: See :meth:`receive`.
        """
        message = await self.receive()
        data = message.get("text")
        try:
            return jsonlib.loads(data if data is not None else message.get("bytes") or b"")
        except BadRequest as exc:
            # NOTE: the JSON decoder speaks of "the JSON body"; here it is a message.
            await self._refuse(INVALID_PAYLOAD, exc.description.replace("body", "message"))

    def iter_text(self) -> AsyncIterator[str]:
        """Yield text messages until the connection closes."""
        return _until_closed(self.receive_text)

    def iter_bytes(self) -> AsyncIterator[bytes]:
        """Yield binary messages until the connection closes."""
        return _until_closed(self.receive_bytes)

    def iter_json(self) -> AsyncIterator[Any]:
        """Yield decoded JSON messages until the connection closes."""
        return _until_closed(self.receive_json)

    async def _refuse(self, code: int, reason: str) -> NoReturn:
        """Close the connection because of the client's message, and raise."""
        await self.close(code, reason)
        raise WebSocketDisconnect(code, reason)

    # -- sending --------------------------------------------------------------------------

    async def send_text(self, text: str) -> None:
        """Send a text message.

        Raises:
            WebSocketDisconnect: When the connection is closed.
        """
        await self._send_message({"type": "websocket.send", "text": text})

    async def send_bytes(self, data: bytes) -> None:
        """Send a binary message.

        Raises:
            WebSocketDisconnect: When the connection is closed.
        """
        await self._send_message({"type": "websocket.send", "bytes": bytes(data)})

    async def send_json(self, data: Any, *, binary: bool = False) -> None:
        """Send ``data`` as JSON in a text message, or a binary one with ``binary=True``.

        Raises:
            WebSocketDisconnect: When the connection is closed.
        """
        encoded = jsonlib.dumps(data)
        if binary:
            await self._send_message({"type": "websocket.send", "bytes": encoded})
        else:
            await self._send_message({"type": "websocket.send", "text": encoded.decode()})

    async def _send_message(self, message: dict[str, Any]) -> None:
        state = self.application_state
        if state is WebSocketState.CONNECTING:
            raise RuntimeError("Call await ws.accept() before sending messages.")
        if state is WebSocketState.DISCONNECTED:
            raise WebSocketDisconnect(*self._closed)
        await self._transmit(message)

    async def _transmit(self, message: dict[str, Any]) -> None:
        try:
            await self._send(message)
        except OSError as exc:  # servers report a vanished client this way (ASGI 2.4)
            self.client_state = self.application_state = WebSocketState.DISCONNECTED
            self._closed = (ABNORMAL_CLOSURE, "The client went away.")
            raise WebSocketDisconnect(*self._closed) from exc


def _too_big(message: Mapping[str, Any], limit: int) -> bool:
    text = message.get("text")
    if text is None:
        return len(message.get("bytes") or b"") > limit
    # PERF: a character is 1 to 4 bytes in UTF-8; encode only when the length leaves doubt.
    if len(text) > limit:
        return True
    return len(text) * 4 > limit and len(text.encode()) > limit


async def _until_closed(receive: Callable[[], Awaitable[T]]) -> AsyncIterator[T]:
    try:
        while True:
            yield await receive()
    except WebSocketDisconnect:
        return


# -- serving a websocket scope ----------------------------------------------------------------


async def serve_websocket(app: ServedApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Serve one ASGI ``websocket`` scope: match, run the handshake's steps, run the handler.

    The handshake is a request like any other: the adapter's head limits and the route
    match, then each middleware's ``process_handshake`` (proxy headers, trusted hosts, the
    session, the origin check) and the ``before_request`` hooks registered with
    ``websocket=True``. A refused handshake gets an HTTP answer (404 without a route, 400 for
    a bad head or host, 403 for a foreign origin, or the response a step returned) when the
    server supports the ASGI denial extension, and a plain refusal otherwise (the server
    then answers 403). A handler's exception is logged and closes only its own connection,
    with 1011.
    """
    pipeline = app.built_pipeline or app.build()
    if (await receive())["type"] != "websocket.connect":
        return
    try:
        request, route = _handshake(app, pipeline, scope)
    except HTTPException as exc:
        await _deny(scope, send, _plain(exc.code, exc.description))
        return
    tap = pipeline.websocket_tap  # set by the debug toolbar, with DEBUG on only
    if tap is not None:  # before the steps: a refused handshake is recorded too
        receive, send = tap(request, receive, send)
    token = activate(request)  # request, session, g and current_app work in steps and handlers
    try:
        refusal = await _run_steps(pipeline, request, route)
        if refusal is not None:
            await _deny(scope, send, refusal)
            return
        limit = app.config.get("WEBSOCKET_MAX_MESSAGE_SIZE")
        ws = WebSocket(request, receive, send, None if limit is None else int(limit))
        await _run(ws, route)
    finally:
        # NOTE: a handler closed from outside its task (a loop shut down under it, or the
        # garbage collector) runs this in another context, where the token cannot be reset.
        with contextlib.suppress(ValueError):
            deactivate(token)


def _handshake(app: ServedApp, pipeline: Pipeline, scope: Scope) -> tuple[Request, Route]:
    request = Request(app, "GET", request_path(scope), scope, _SOURCE)
    request.host_header = check_head(scope)[2]
    try:
        rule, request.view_args = pipeline.router.match(request.path, "GET", websocket=True)
    except HTTPException:  # a redirect or a 405 is of no use to a WebSocket client
        raise NotFound("There is no WebSocket endpoint at this path.") from None
    route: Route = rule.target
    request.matched_route = route
    return request, route


async def _run_steps(pipeline: Pipeline, request: Request, route: Route) -> Response | None:
    """Run the handshake's steps in order; the first refusal, or ``None`` to go on."""
    try:
        for hook in pipeline.middleware.handshake:
            refusal = await _refusal(hook(request))
            if refusal is not None:
                return refusal
        for before in route.hooks.handshake:
            refusal = await _refusal(before())
            if refusal is not None:
                return refusal
    except HTTPException as exc:
        return _plain(exc.code, exc.description)
    except Exception:
        logger.exception("Error during the WebSocket handshake for %r", request.path)
        return _plain(500, "The server could not open the connection.")
    return None


async def _refusal(result: Any) -> Response | None:
    # PERF: an exact type check; sync steps never pay for an await.
    if type(result) is CoroutineType:
        result = await result
    return None if result is None else to_response(result)


async def _run(ws: WebSocket, route: Route) -> None:
    try:
        await route.view(ws, **ws.path_values)
    except WebSocketDisconnect:
        pass
    except Exception:
        logger.exception("Error in the WebSocket handler %r", route.endpoint)
        if ws.application_state is WebSocketState.CONNECTING:
            refusal = _plain(500, "The server could not open the connection.")
            await _deny(ws.scope, ws._send, refusal)
        else:
            await ws.close(INTERNAL_ERROR, "Internal server error")
        return
    if ws.application_state is WebSocketState.CONNECTING:
        await _deny(ws.scope, ws._send, _plain(403, "The WebSocket handler did not accept."))
    else:
        await ws.close()


def _plain(status: int, text: str) -> Response:
    return Response(text, status, content_type="text/plain; charset=utf-8")


async def _deny(scope: Scope, send: Send, response: Response) -> None:
    with contextlib.suppress(OSError):  # a client gone before the answer needs none
        await _send_denial(scope, send, response)


async def _send_denial(scope: Scope, send: Send, response: Response) -> None:
    if _DENIAL not in (scope.get("extensions") or {}):
        await send({"type": "websocket.close", "code": POLICY_VIOLATION, "reason": ""})
        return
    body = response.body
    headers = [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in response.headers.pairs
    ]
    headers.append((b"content-length", b"%d" % len(body)))
    start = {"type": "websocket.http.response.start", "status": response.status}
    await send({**start, "headers": headers})
    await send({"type": "websocket.http.response.body", "body": body})
