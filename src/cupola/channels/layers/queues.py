"""Bounded per-channel queues shared by the layer backends.

Each channel holds at most ``capacity`` messages; when a message arrives at a full channel
the oldest one is dropped (a slow reader loses old messages rather than stalling the
senders or growing memory) and a warning is logged. Messages also expire: one still queued
``expiry`` seconds after it was sent is skipped. Queues may be filled from any thread.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from typing import Generic, TypeVar

logger = logging.getLogger("cupola.channels")

T = TypeVar("T")


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


class ChannelQueue(Generic[T]):
    """The messages waiting on one channel, oldest first, each with its expiry time.

    Args:
        name: The channel name, for log messages.
        capacity: How many messages it holds before dropping the oldest.
    """

    __slots__ = ("_items", "_lock", "_waiter", "dropped", "name")

    def __init__(self, name: str, capacity: int) -> None:
        self.name = name
        self._items: deque[tuple[float, T]] = deque(maxlen=capacity)
        self._lock = threading.Lock()
        self._waiter: asyncio.Future[None] | None = None
        #: How many messages were dropped because the channel was full.
        self.dropped = 0

    @property
    def idle(self) -> bool:
        """Whether nothing is queued and nobody waits: the queue may be forgotten."""
        return not self._items and self._waiter is None

    def put(self, item: T, expires: float) -> None:
        """Queue ``item`` until the wall-clock time ``expires``; wake the reader."""
        with self._lock:
            items = self._items
            if len(items) == items.maxlen:
                self.dropped += 1
                if self.dropped == 1 or self.dropped % 1000 == 0:
                    logger.warning(
                        "Channel %s is full (%d messages): dropped the oldest (%d so far).",
                        self.name,
                        items.maxlen,
                        self.dropped,
                    )
            items.append((expires, item))
            waiter, self._waiter = self._waiter, None
        if waiter is not None:
            loop = waiter.get_loop()
            # PERF: a reader on this thread's loop is woken directly; only a put from
            # another thread pays for call_soon_threadsafe's wake-up of the loop.
            if asyncio._get_running_loop() is loop:
                _wake(waiter)
            else:
                loop.call_soon_threadsafe(_wake, waiter)

    async def get(self) -> T:
        """Wait for the next unexpired item and return it.

        Raises:
            RuntimeError: When another task already waits on this channel.
        """
        while True:
            with self._lock:
                now = time.time()
                items = self._items
                while items:
                    expires, item = items.popleft()
                    if expires > now:
                        return item
                if self._waiter is not None:
                    raise RuntimeError(f"Another task is already receiving on {self.name}.")
                waiter = self._waiter = asyncio.get_running_loop().create_future()
            try:
                await waiter
            finally:
                with self._lock:
                    if self._waiter is waiter:
                        self._waiter = None

    def clear(self) -> None:
        """Drop every queued item."""
        with self._lock:
            self._items.clear()

    def sweep(self) -> None:
        """Drop expired items."""
        with self._lock:
            now = time.time()
            items = self._items
            while items and items[0][0] <= now:
                items.popleft()
