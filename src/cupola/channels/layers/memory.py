"""The in-memory channel layer: channels and groups inside one process.

For development, tests and single-process deployments. Every message is serialised on send
and deserialised for each receiver, exactly as with Redis, so code that works here works
across processes, and no receiver sees another's changes to a message.
"""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any

from cupola.channels.layers.base import (
    ChannelLayer,
    check_channel,
    check_group,
    check_prefix,
    decode_message,
    encode_message,
)
from cupola.channels.layers.queues import ChannelQueue


class InMemoryChannelLayer(ChannelLayer):
    """Channels and groups in this process's memory; safe to use from several threads.

    Args:
        capacity: Messages one channel holds; when full the oldest is dropped.
        expiry: Seconds a message waits on a channel before it is dropped unread.
        group_expiry: Seconds a group membership lasts unless refreshed by ``group_add``.

    Example:
        >>> import asyncio
        >>> layer = InMemoryChannelLayer()
        >>> async def demo():
        ...     channel = await layer.new_channel()
        ...     await layer.group_add("news", channel)
        ...     await layer.group_send("news", {"type": "news.item", "text": "hi"})
        ...     return await layer.receive(channel)
        >>> asyncio.run(demo())
        {'type': 'news.item', 'text': 'hi'}
    """

    def __init__(self, capacity: int = 100, expiry: float = 60, group_expiry: float = 86400):
        self.capacity = capacity
        self.expiry = expiry
        self.group_expiry = group_expiry
        self._channels: dict[str, ChannelQueue[bytes]] = {}
        self._groups: dict[str, dict[str, float]] = {}
        self._lock = threading.Lock()
        self._next_sweep = time.monotonic() + expiry

    def _queue(self, channel: str) -> ChannelQueue[bytes]:
        with self._lock:
            queue = self._channels.get(channel)
            if queue is None:
                queue = self._channels[channel] = ChannelQueue(channel, self.capacity)
            return queue

    def _sweep(self) -> None:
        """Forget idle channels and expired memberships, at most once per ``expiry``."""
        if time.monotonic() < self._next_sweep:
            return
        self._next_sweep = time.monotonic() + self.expiry
        cutoff = time.time() - self.group_expiry
        with self._lock:
            for queue in self._channels.values():
                queue.sweep()
            self._channels = {k: q for k, q in self._channels.items() if not q.idle}
            for group, members in list(self._groups.items()):
                alive = {ch: added for ch, added in members.items() if added > cutoff}
                if alive:
                    self._groups[group] = alive
                else:
                    del self._groups[group]

    async def new_channel(self, prefix: str = "specific") -> str:
        """Return a new, unique channel name."""
        name = f"{check_prefix(prefix)}.memory!{secrets.token_hex(8)}"
        self._queue(name)
        return name

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        """Queue ``message`` on ``channel``."""
        check_channel(channel)
        payload = encode_message(message)
        self._sweep()
        self._queue(channel).put(payload, time.time() + self.expiry)

    async def receive(self, channel: str) -> dict[str, Any]:
        """Wait for the next message on ``channel``."""
        check_channel(channel)
        return decode_message(await self._queue(channel).get())

    async def group_add(self, group: str, channel: str) -> None:
        """Add ``channel`` to ``group`` for ``group_expiry`` seconds."""
        check_group(group)
        check_channel(channel)
        with self._lock:
            self._groups.setdefault(group, {})[channel] = time.time()

    async def group_discard(self, group: str, channel: str) -> None:
        """Remove ``channel`` from ``group``."""
        check_group(group)
        check_channel(channel)
        with self._lock:
            members = self._groups.get(group)
            if members is not None:
                members.pop(channel, None)
                if not members:
                    del self._groups[group]

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        """Queue ``message`` on every current member of ``group``."""
        check_group(group)
        payload = encode_message(message)
        self._sweep()
        now = time.time()
        cutoff, expires = now - self.group_expiry, now + self.expiry
        with self._lock:
            members = [ch for ch, added in self._groups.get(group, {}).items() if added > cutoff]
        for channel in members:
            self._queue(channel).put(payload, expires)

    async def flush(self) -> None:
        """Drop every queued message and every group."""
        with self._lock:
            for queue in self._channels.values():
                queue.clear()
            self._groups.clear()

    async def close(self) -> None:
        """Nothing to release: the layer holds no connections."""
