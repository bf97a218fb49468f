"""Channels' generic WebSocket consumers, on Cupola's consumers and channel layers.

``from channels.generic.websocket import X`` becomes
``from cupola.channels.generic.websocket import X`` and the consumer runs as it is:
``receive(text_data=None, bytes_data=None)``, ``send(text_data=None, bytes_data=None,
close=False)``, ``receive_json``/``send_json``, ``self.scope["url_route"]["kwargs"]``,
``self.channel_layer``, ``self.channel_name`` and the ``groups`` class attribute. Route one
with ``app.add_websocket_route("/ws/chat/<room_name>/", ChatConsumer)`` (or
``ChatConsumer.as_asgi()``).

A sync :class:`WebsocketConsumer` runs its handlers in a worker thread through asgiref's
``sync_to_async``, so ``async_to_sync(self.channel_layer.group_send)(...)`` inside them
reaches the connection's event loop, as under Channels.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from cupola.channels.consumers import WebSocketConsumer
from cupola.exceptions import ImproperlyConfigured
from cupola.websockets import NORMAL_CLOSURE

if TYPE_CHECKING:
    from cupola.websockets import WebSocket

__all__ = [
    "AsyncJsonWebsocketConsumer",
    "AsyncWebsocketConsumer",
    "JsonWebsocketConsumer",
    "WebsocketConsumer",
]


def _channels_scope(consumer: WebSocketConsumer, kwargs: dict[str, Any]) -> None:
    """Give the consumer a scope of its own with Channels' ``url_route``."""
    consumer.scope = {**consumer.scope, "url_route": {"args": (), "kwargs": dict(kwargs)}}


def _frame(message: Any) -> dict[str, Any]:
    """The keyword arguments of ``receive()`` for a socket message: only the part sent."""
    text = message.get("text")
    return {"text_data": text} if text is not None else {"bytes_data": message.get("bytes")}


class AsyncWebsocketConsumer(WebSocketConsumer):
    """Channels' ``AsyncWebsocketConsumer``: ``async def`` handlers on the event loop.

    Override ``connect``, ``receive(text_data=None, bytes_data=None)``,
    ``disconnect(code)`` and one ``async def`` method per layer event type.
    """

    def __init__(self, websocket: WebSocket, **kwargs: Any) -> None:
        super().__init__(websocket, **kwargs)
        _channels_scope(self, kwargs)

    @classmethod
    def as_asgi(cls, **initkwargs: Any) -> Callable[..., Awaitable[None]]:
        """The handler to route, as Channels' ``Consumer.as_asgi()``.

        Raises:
            ImproperlyConfigured: For init keyword arguments, which Cupola does not pass.
        """
        if initkwargs:
            raise ImproperlyConfigured(
                f"{cls.__qualname__}.as_asgi() takes no arguments in Cupola: set them as "
                "class attributes of a subclass."
            )
        return cls.as_handler()

    async def accept(self, subprotocol: str | None = None, headers: Any = None) -> None:
        """Accept the connection (``headers`` is accepted and ignored)."""
        await self.websocket.accept(subprotocol)

    async def receive(  # NOTE: Channels' names for the two parts
        self, text_data: str | None = None, bytes_data: bytes | None = None
    ) -> None:
        """Called with each message from the client: ``text_data`` or ``bytes_data``."""

    async def send(  # NOTE: Channels' names for the two parts
        self, text_data: str | None = None, bytes_data: bytes | None = None, close: bool = False
    ) -> None:
        """Send a text or a binary message, then close the connection if ``close``."""
        await super().send(text=text_data, bytes=bytes_data, close=close)

    async def close(self, code: int | None = None, reason: str | None = None) -> None:
        """Close the connection (1000 unless ``code``); before accepting, refuse it."""
        await self.websocket.close(code or NORMAL_CLOSURE, reason or "")

    async def _handle(self, message: Any) -> None:
        await self.receive(**_frame(message))


class AsyncJsonWebsocketConsumer(AsyncWebsocketConsumer):
    """Channels' ``AsyncJsonWebsocketConsumer``: text frames decoded as JSON.

    Override ``receive_json(content)``; send with ``send_json(content)``.
    """

    async def receive(  # type: ignore[override]  # decodes, then calls receive_json
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        """Decode a text frame and pass it to :meth:`receive_json`.

        Raises:
            ValueError: For a binary frame.
        """
        if text_data is None:
            raise ValueError("No text section for incoming WebSocket frame!")
        await self.receive_json(await self.decode_json(text_data), **kwargs)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """Called with each decoded message."""

    async def send_json(self, content: Any, close: bool = False) -> None:
        """Send ``content`` as a JSON text frame."""
        await self.send(text_data=await self.encode_json(content), close=close)

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        """Parse a message (override for another format)."""
        return json.loads(text_data)

    @classmethod
    async def encode_json(cls, content: Any) -> str:
        """Serialise a message (override for another format)."""
        return json.dumps(content)


def _sync_to_async(method: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    try:
        from asgiref.sync import sync_to_async
    except ImportError:  # pragma: no cover  # asgiref is installed wherever tests run
        raise ImproperlyConfigured(
            "A sync WebsocketConsumer needs asgiref: pip install 'cupola[channels]'."
        ) from None
    return sync_to_async(method, thread_sensitive=False)


def _async_to_sync(method: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
    from asgiref.sync import async_to_sync

    return async_to_sync(method)


class WebsocketConsumer(WebSocketConsumer):
    """Channels' sync ``WebsocketConsumer``: plain ``def`` handlers in a worker thread.

    Each handler runs in a thread of its own while the connection waits, so blocking work
    (a database query) holds no other connection; in it,
    ``async_to_sync(self.channel_layer.group_send)(...)`` works as under Channels.
    Messages are still handled one at a time, in order.
    """

    def __init__(self, websocket: WebSocket, **kwargs: Any) -> None:
        super().__init__(websocket, **kwargs)
        _channels_scope(self, kwargs)

    as_asgi = AsyncWebsocketConsumer.as_asgi

    # -- the methods to override (sync) -------------------------------------------------

    def connect(self) -> None:  # type: ignore[override]  # sync, as in Channels
        """Called when a client connects; accepts by default."""
        self.accept()

    def receive(  # type: ignore[override]  # sync, as in Channels
        self, text_data: str | None = None, bytes_data: bytes | None = None
    ) -> None:
        """Called with each message from the client."""

    def disconnect(self, code: int) -> None:  # type: ignore[override]  # sync, as in Channels
        """Called once the connection has closed."""

    # -- actions, callable from the handlers' thread ------------------------------------------

    def accept(self, subprotocol: str | None = None, headers: Any = None) -> None:  # type: ignore[override]
        """Accept the connection."""
        _async_to_sync(self.websocket.accept)(subprotocol)

    def send(  # type: ignore[override]  # sync, as in Channels
        self, text_data: str | None = None, bytes_data: bytes | None = None, close: bool = False
    ) -> None:
        """Send a text or a binary message, then close the connection if ``close``."""
        _async_to_sync(WebSocketConsumer.send)(self, text_data, bytes_data, close)

    def close(self, code: int | None = None, reason: str | None = None) -> None:  # type: ignore[override]
        """Close the connection (1000 unless ``code``); before accepting, refuse it."""
        _async_to_sync(self.websocket.close)(code or NORMAL_CLOSURE, reason or "")

    # -- running --------------------------------------------------------------------------

    async def _invoke(self, method: Callable[..., Any], *args: Any) -> None:
        await _sync_to_async(method)(*args)

    def _is_event_handler(self, handler: Any) -> bool:
        return callable(handler) and handler.__name__ not in _SYNC_RESERVED

    async def _handle(self, message: Any) -> None:
        await _sync_to_async(self.receive)(**_frame(message))


class JsonWebsocketConsumer(WebsocketConsumer):
    """Channels' sync ``JsonWebsocketConsumer``: text frames decoded as JSON."""

    def receive(  # type: ignore[override]  # decodes, then calls receive_json
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        """Decode a text frame and pass it to :meth:`receive_json`.

        Raises:
            ValueError: For a binary frame.
        """
        if text_data is None:
            raise ValueError("No text section for incoming WebSocket frame!")
        self.receive_json(self.decode_json(text_data), **kwargs)

    def receive_json(self, content: Any, **kwargs: Any) -> None:
        """Called with each decoded message."""

    def send_json(self, content: Any, close: bool = False) -> None:
        """Send ``content`` as a JSON text frame."""
        self.send(text_data=self.encode_json(content), close=close)

    @classmethod
    def decode_json(cls, text_data: str) -> Any:
        """Parse a message (override for another format)."""
        return json.loads(text_data)

    @classmethod
    def encode_json(cls, content: Any) -> str:
        """Serialise a message (override for another format)."""
        return json.dumps(content)


# Names a layer event type may not reach in a sync consumer: its own API.
_SYNC_RESERVED = frozenset(dir(JsonWebsocketConsumer))
