"""Real time: channel layers, groups and broadcasts (WebSocket consumers build on them).

A channel layer (:mod:`cupola.channels.layers`) carries messages between consumers, across
processes with Redis. Consumers (:mod:`cupola.channels.consumers`) are WebSocket handlers as
classes, with group helpers and event handlers. :func:`broadcast` sends to a group from any
code; :class:`EventStream` (server-sent events, from :mod:`cupola.http.sse`) is the one-way
alternative to a WebSocket.
"""

from __future__ import annotations

from cupola.channels.broadcast import async_broadcast, broadcast
from cupola.channels.consumers import JsonWebSocketConsumer, UnknownEvent, WebSocketConsumer
from cupola.channels.layers import ChannelLayer, InMemoryChannelLayer, get_channel_layer
from cupola.http.sse import EventStream, ServerSentEvent

__all__ = [
    "ChannelLayer",
    "EventStream",
    "InMemoryChannelLayer",
    "JsonWebSocketConsumer",
    "ServerSentEvent",
    "UnknownEvent",
    "WebSocketConsumer",
    "async_broadcast",
    "broadcast",
    "get_channel_layer",
]
