"""The cache interface every backend implements: a key-value store with times to live.

Values are what :data:`~cupola.sessions.tagged_json` can hold (JSON types plus ``datetime``,
``date``, ``UUID``, ``bytes``, ``tuple`` and ``Markup``), serialized on every backend, so a
value behaves the same in memory and in Redis and a cached object is always a copy. Counters
(:meth:`Cache.incr`) are atomic: the REST throttles and the login throttle count with them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from typing import Any

from cupola.sessions.serializer import tagged_json

#: Stands for "no value" where ``None`` is a value a cache may hold.
MISSING: Any = object()


class Cache(ABC):
    """A cache backend: every method is synchronous and thread-safe.

    ``ttl`` arguments are seconds (``int`` or ``float``); ``None`` means the backend's
    ``default_ttl``, which may itself be ``None`` for "never expires".

    Args:
        prefix: Prepended to every key, so that apps and tests sharing a server stay apart.
        default_ttl: Seconds an entry lives when no ``ttl`` is given; ``None``: forever.
    """

    def __init__(self, prefix: str = "", default_ttl: float | None = 300) -> None:
        self.prefix = prefix
        self.default_ttl = _checked_ttl(default_ttl)

    def _ttl(self, ttl: float | None) -> float | None:
        return self.default_ttl if ttl is None else _checked_ttl(ttl)

    @abstractmethod
    def get(self, key: str, default: Any = None) -> Any:
        """Return the value stored under ``key``, or ``default`` when missing or expired."""

    @abstractmethod
    def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        """Store ``value`` under ``key`` for ``ttl`` seconds, replacing any value.

        Raises:
            TypeError: For a value the serializer cannot hold.
        """

    @abstractmethod
    def add(self, key: str, value: Any, ttl: float | None = None) -> bool:
        """Store ``value`` only when ``key`` is missing; atomic.

        Returns:
            Whether the value was stored.
        """

    @abstractmethod
    def delete(self, key: str) -> bool:
        """Remove ``key``.

        Returns:
            Whether it was there.
        """

    @abstractmethod
    def incr(self, key: str, delta: int = 1, ttl: float | None = None) -> int:
        """Add ``delta`` to the integer under ``key`` and return the result; atomic.

        A missing key starts at 0 and gets ``ttl``; an existing key keeps its expiry, so
        a counter made with a TTL counts over a fixed window.

        Raises:
            ValueError: When the stored value is not an integer.
        """

    @abstractmethod
    def has(self, key: str) -> bool:
        """Whether ``key`` holds a value that has not expired."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every key under this cache's prefix (and nothing else)."""

    def decr(self, key: str, delta: int = 1, ttl: float | None = None) -> int:
        """Subtract ``delta``, as :meth:`incr` adds it; atomic."""
        return self.incr(key, -delta, ttl)

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """Return the values of those ``keys`` that are present, by key."""
        found = {}
        for key in keys:
            value = self.get(key, MISSING)
            if value is not MISSING:
                found[key] = value
        return found

    def set_many(self, mapping: Mapping[str, Any], ttl: float | None = None) -> None:
        """Store every item of ``mapping`` for ``ttl`` seconds."""
        for key, value in mapping.items():
            self.set(key, value, ttl)

    def delete_many(self, keys: Iterable[str]) -> int:
        """Remove ``keys``; return how many were there."""
        return sum(self.delete(key) for key in keys)

    def close(self) -> None:  # noqa: B027  # optional hook: most backends hold nothing
        """Release connections; the cache may not be used afterwards."""


def dumps(value: Any) -> str:
    """Serialize a cache value (tagged JSON: never pickle)."""
    return tagged_json.dumps(value)


def loads(data: str | bytes) -> Any:
    """Deserialize what :func:`dumps` produced."""
    return tagged_json.loads(data)


def _checked_ttl(ttl: float | None) -> float | None:
    if ttl is not None and (isinstance(ttl, bool) or not ttl > 0):
        raise ValueError(f"A cache ttl must be a positive number of seconds or None, not {ttl!r}.")
    return ttl
