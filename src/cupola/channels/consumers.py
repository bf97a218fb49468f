"""Consumers: WebSocket handlers as classes, joined to groups on the channel layer.

A consumer instance serves one connection. It reads the socket and its own channel on the
layer at once, and handles one message at a time, in order: ``receive``/``receive_json``
for the client's messages, and for layer events the method named after the event's
``type`` (``"chat.message"`` → ``chat_message``). Register one with
``app.add_websocket_route(rule, Consumer)``; path values arrive in ``self.kwargs``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from cupola.channels.layers import get_channel_layer
from cupola.websockets import (
    INTERNAL_ERROR,
    NORMAL_CLOSURE,
    WebSocket,
    WebSocketDisconnect,
    WebSocketState,
)

if TYPE_CHECKING:
    from cupola.asgi import Scope
    from cupola.channels.layers import ChannelLayer
    from cupola.sessions import Session

__all__ = ["JsonWebSocketConsumer", "UnknownEvent", "WebSocketConsumer"]

logger = logging.getLogger("cupola.websockets")


class UnknownEvent(LookupError):
    """A layer event whose ``type`` names no handler method of the consumer."""


class WebSocketConsumer:
    """A WebSocket handler class with text and binary messages.

    Override the ``async def`` methods you need: :meth:`connect` (accept or refuse),
    :meth:`receive`, :meth:`disconnect`, and one method per layer event type. Every
    method is ``async def``; do blocking work in a thread
    (``await asyncio.to_thread(...)``) so other connections keep flowing.

    Args:
        websocket: The connection.
        **kwargs: The path values of the route.

    Attributes:
        groups: Groups every connection joins before :meth:`connect` (class attribute).
        websocket: The :class:`~cupola.websockets.WebSocket`.
        scope: The ASGI scope.
        kwargs: The path values of the route.
        channel_layer: The app's channel layer (``CHANNEL_LAYER``).
        channel_name: This connection's channel on the layer.

    Example:
        >>> class Chat(JsonWebSocketConsumer):  # doctest: +SKIP
        ...     async def connect(self):
        ...         await self.group_add(self.kwargs["room"])
        ...         await self.accept()
        ...     async def receive_json(self, content):
        ...         await self.group_send(
        ...             self.kwargs["room"], {"type": "chat.message", "text": content["text"]}
        ...         )
        ...     async def chat_message(self, event):
        ...         await self.send_json({"text": event["text"]})
        >>> app.add_websocket_route("/ws/chat/<room>", Chat)  # doctest: +SKIP
    """

    groups: ClassVar[Sequence[str]] = ()

    def __init__(self, websocket: WebSocket, **kwargs: Any) -> None:
        self.websocket = websocket
        self.scope: Scope = websocket.scope
        self.kwargs = kwargs
        self.channel_layer: ChannelLayer = get_channel_layer(websocket.app)
        self.channel_name = ""
        self._joined: set[str] = set()

    @classmethod
    def as_handler(cls) -> Callable[..., Awaitable[None]]:
        """The ``async def handler(ws, **path_values)`` that runs this consumer."""

        async def handler(websocket: WebSocket, **kwargs: Any) -> None:
            await cls(websocket, **kwargs).run()

        handler.__name__ = cls.__name__
        handler.__qualname__ = cls.__qualname__
        handler.__doc__ = cls.__doc__
        handler.consumer_class = cls  # type: ignore[attr-defined]  # for introspection
        return handler

    @property
    def session(self) -> Session:
        """The visitor's session, from the handshake's cookie (read-only)."""
        return self.websocket.session

    @property
    def user(self) -> Any:
        """The logged-in user, through the auth extension (see ``WebSocket.user``)."""
        return self.websocket.user

    # -- the methods to override ------------------------------------------------------------

    async def connect(self) -> None:
        """Called when a client connects; accepts by default.

        Return without accepting (or call :meth:`close`) to refuse the handshake with 403.
        """
        await self.accept()

    async def receive(self, text: str | None = None, bytes: bytes | None = None) -> None:
        """Called with each message from the client: ``text`` or ``bytes`` is set."""

    async def disconnect(self, code: int) -> None:
        """Called once the connection has closed, with the close code."""

    # -- actions ------------------------------------------------------------------------------

    async def accept(self, subprotocol: str | None = None) -> None:
        """Accept the connection, optionally agreeing on a subprotocol."""
        await self.websocket.accept(subprotocol)

    async def send(
        self, text: str | None = None, bytes: bytes | None = None, close: bool = False
    ) -> None:
        """Send a text or a binary message, then close the connection if ``close``."""
        if text is not None:
            await self.websocket.send_text(text)
        elif bytes is not None:
            await self.websocket.send_bytes(bytes)
        else:
            raise ValueError("send() needs text= or bytes=.")
        if close:
            await self.close()

    async def close(self, code: int = NORMAL_CLOSURE, reason: str = "") -> None:
        """Close the connection (before accepting: refuse the handshake with 403)."""
        await self.websocket.close(code, reason)

    async def group_add(self, group: str) -> None:
        """Join ``group``; membership ends when the connection does."""
        await self.channel_layer.group_add(group, self.channel_name)
        self._joined.add(group)

    async def group_discard(self, group: str) -> None:
        """Leave ``group``."""
        await self.channel_layer.group_discard(group, self.channel_name)
        self._joined.discard(group)

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        """Send an event (a dict with a ``"type"``) to every connection in ``group``."""
        await self.channel_layer.group_send(group, message)

    # -- running --------------------------------------------------------------------------

    async def run(self) -> None:
        """Serve the connection: join groups, connect, then handle messages until it closes.

        Group memberships are dropped when the connection ends, however it ends.
        """
        ws = self.websocket
        self.channel_name = await self.channel_layer.new_channel()
        code = INTERNAL_ERROR  # unless the connection ends normally
        try:
            for group in self.groups:
                await self.group_add(group)
            await self._invoke(self.connect)
            if ws.application_state is WebSocketState.CONNECTED:
                code = await self._dispatch()
            else:  # refused, or closed in connect()
                code = ws.close_code or NORMAL_CLOSURE
        except WebSocketDisconnect as exc:
            code = exc.code
        finally:
            await self._leave_groups()
            if ws.application_state is not WebSocketState.CONNECTING:  # it was accepted
                await self._invoke(self.disconnect, code)

    async def _dispatch(self) -> int:
        """Handle socket messages and layer events one at a time; return the close code."""
        layer, channel = self.channel_layer, self.channel_name
        from_socket = asyncio.ensure_future(self._next_message())
        from_layer = asyncio.ensure_future(layer.receive(channel))
        try:
            while True:
                done, _ = await asyncio.wait(
                    (from_socket, from_layer), return_when=asyncio.FIRST_COMPLETED
                )
                if from_socket in done:
                    try:
                        message = from_socket.result()
                    except WebSocketDisconnect as exc:
                        return exc.code
                    await self._handle(message)
                    from_socket = asyncio.ensure_future(self._next_message())
                if from_layer in done:
                    await self.dispatch_event(from_layer.result())
                    from_layer = asyncio.ensure_future(layer.receive(channel))
        finally:
            for task in (from_socket, from_layer):
                task.cancel()
            await asyncio.gather(from_socket, from_layer, return_exceptions=True)

    async def _next_message(self) -> Any:
        return await self.websocket.receive()

    async def _handle(self, message: Any) -> None:
        await self.receive(text=message.get("text"), bytes=message.get("bytes"))

    async def _invoke(self, method: Callable[..., Any], *args: Any) -> None:
        """Call one of the consumer's own methods (a subclass may run it in a thread)."""
        await method(*args)

    def _is_event_handler(self, handler: Any) -> bool:
        return asyncio.iscoroutinefunction(handler)

    async def dispatch_event(self, event: dict[str, Any]) -> None:
        """Call the handler named after ``event["type"]`` (``"chat.message"`` → ``chat_message``).

        Raises:
            UnknownEvent: When no handler method has that name, or the name is private or
                part of the consumer API; the connection is then closed with 1011.
        """
        kind = event.get("type")
        name = kind.replace(".", "_") if isinstance(kind, str) else ""
        handler = getattr(self, name, None) if _is_handler_name(name) else None
        if handler is None or not self._is_event_handler(handler):
            raise UnknownEvent(
                f"{type(self).__qualname__} got an event of type {kind!r} but has no "
                f"handler for it: define async def {name or 'handler'}(self, event)."
            )
        await self._invoke(handler, event)

    async def _leave_groups(self) -> None:
        for group in sorted(self._joined):
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:  # the membership then expires with CHANNEL_GROUP_EXPIRY
                logger.exception("Could not leave the group %r", group)
        self._joined.clear()


class JsonWebSocketConsumer(WebSocketConsumer):
    """A consumer whose messages are JSON documents, both ways.

    Override :meth:`receive_json`; send with :meth:`send_json`. A message that is not
    valid JSON closes the connection with 1007.
    """

    async def receive_json(self, content: Any) -> None:
        """Called with each decoded message from the client."""

    async def send_json(self, content: Any, close: bool = False) -> None:
        """Send ``content`` as JSON, then close the connection if ``close``."""
        await self.websocket.send_json(content)
        if close:
            await self.close()

    async def _next_message(self) -> Any:
        return await self.websocket.receive_json()

    async def _handle(self, message: Any) -> None:
        await self.receive_json(message)


# Names an event type may not reach: the consumer's own API.
_RESERVED = frozenset(dir(JsonWebSocketConsumer))


def _is_handler_name(name: str) -> bool:
    return bool(name) and not name.startswith("_") and name not in _RESERVED
