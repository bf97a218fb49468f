"""The in-process cache: a bounded LRU dict with times to live, the default (``memory://``).

It serves one process: development, tests and single-worker deployments. Each worker of a
multi-process server has its own, so counters kept here (throttles) count per worker; use
:class:`~cupola.cache.RedisCache` to share them (DESIGN §6).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from cupola.cache.base import Cache, dumps, loads

#: How many entries a :class:`MemoryCache` keeps before it evicts the least recently used.
DEFAULT_MAX_ENTRIES = 10_000


class MemoryCache(Cache):
    """A thread-safe LRU cache in this process's memory.

    Args:
        prefix: Prepended to every key.
        default_ttl: Seconds an entry lives when no ``ttl`` is given; ``None``: forever.
        max_entries: The most entries kept; the least recently used go first.
        clock: Seconds from a monotonic clock (tests pass a fake one).

    Example:
        >>> cache = MemoryCache()
        >>> cache.incr("hits"), cache.incr("hits")
        (1, 2)
    """

    def __init__(
        self,
        prefix: str = "",
        default_ttl: float | None = 300,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(prefix, default_ttl)
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, not {max_entries!r}.")
        self.max_entries = max_entries
        self._clock = clock
        # key -> (serialized value, expiry time or None); the oldest-used entry first.
        self._items: OrderedDict[str, tuple[str, float | None]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def _live(self, key: str) -> str | None:
        """The serialized value under a full key, marked recently used; the lock is held."""
        item = self._items.get(key)
        if item is None:
            return None
        if item[1] is not None and item[1] <= self._clock():
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return item[0]

    def _store(self, key: str, data: str, ttl: float | None) -> None:
        """Store under a full key, evicting the least recently used; the lock is held."""
        self._items[key] = (data, None if ttl is None else self._clock() + ttl)
        self._items.move_to_end(key)
        while len(self._items) > self.max_entries:
            self._items.popitem(last=False)

    def get(self, key: str, default: Any = None) -> Any:
        """Return the value stored under ``key``, or ``default`` when missing or expired."""
        with self._lock:
            data = self._live(self.prefix + key)
        return default if data is None else loads(data)

    def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        """Store ``value`` under ``key`` for ``ttl`` seconds, replacing any value."""
        data, ttl = dumps(value), self._ttl(ttl)
        with self._lock:
            self._store(self.prefix + key, data, ttl)

    def add(self, key: str, value: Any, ttl: float | None = None) -> bool:
        """Store ``value`` only when ``key`` is missing; return whether it was stored."""
        data, ttl = dumps(value), self._ttl(ttl)
        with self._lock:
            if self._live(self.prefix + key) is not None:
                return False
            self._store(self.prefix + key, data, ttl)
            return True

    def delete(self, key: str) -> bool:
        """Remove ``key``; return whether it was there (and not expired)."""
        with self._lock:
            found = self._live(self.prefix + key) is not None
            self._items.pop(self.prefix + key, None)
            return found

    def incr(self, key: str, delta: int = 1, ttl: float | None = None) -> int:
        """Add ``delta`` to the integer under ``key`` (0 when missing) and return it."""
        full = self.prefix + key
        with self._lock:
            data = self._live(full)
            if data is None:
                value = delta
                self._store(full, dumps(value), self._ttl(ttl))
                return value
            current = loads(data)
            if type(current) is not int:
                raise ValueError(f"Cannot increment {key!r}: its value is not an integer.")
            value = current + delta
            # NOTE: the entry keeps its expiry: a throttle's window does not slide.
            self._items[full] = (dumps(value), self._items[full][1])
            return value

    def has(self, key: str) -> bool:
        """Whether ``key`` holds a value that has not expired."""
        with self._lock:
            return self._live(self.prefix + key) is not None

    def clear(self) -> None:
        """Remove every key under this cache's prefix."""
        with self._lock:
            for key in [key for key in self._items if key.startswith(self.prefix)]:
                del self._items[key]
