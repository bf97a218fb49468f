"""Real time: channel layers, groups and broadcasts (WebSocket consumers build on them).

A channel layer (:mod:`cupola.channels.layers`) carries messages between consumers, across
processes with Redis.
"""

from __future__ import annotations

from cupola.channels.layers import ChannelLayer, InMemoryChannelLayer, get_channel_layer

__all__ = [
    "ChannelLayer",
    "InMemoryChannelLayer",
    "get_channel_layer",
]
