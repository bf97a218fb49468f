"""Real time: channel layers, groups and broadcasts (WebSocket consumers build on them).

A channel layer (:mod:`cupola.channels.layers`) carries messages between consumers, across
processes with Redis. Consumers (:mod:`cupola.channels.consumers`) are WebSocket handlers as
classes, with group helpers and event handlers.
"""

from __future__ import annotations

from cupola.channels.consumers import JsonWebSocketConsumer, UnknownEvent, WebSocketConsumer
from cupola.channels.layers import ChannelLayer, InMemoryChannelLayer, get_channel_layer

__all__ = [
    "ChannelLayer",
    "InMemoryChannelLayer",
    "JsonWebSocketConsumer",
    "UnknownEvent",
    "WebSocketConsumer",
    "get_channel_layer",
]
