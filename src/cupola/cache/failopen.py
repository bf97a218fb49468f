"""A cache that carries on while its server is down: ``OUTAGE_POLICY["cache"] = "open"``.

:class:`FailOpenCache` wraps the configured backend. While the backend raises
:class:`~cupola.outages.Unavailable` (Redis down), reads miss and writes are skipped, each
logged, so views run uncached instead of answering 503. Counters (``incr``) and ``clear``
still raise: a count that silently restarts at zero, or a clear that did nothing, would be
wrong rather than slow.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from cupola.cache.base import Cache
from cupola.outages import Unavailable

logger = logging.getLogger("cupola.cache")


class FailOpenCache(Cache):
    """``inner``, with misses and skipped writes instead of 503s while it is unreachable.

    Args:
        inner: The backend to wrap (usually a :class:`~cupola.cache.RedisCache`).
    """

    def __init__(self, inner: Cache) -> None:
        super().__init__(inner.prefix, inner.default_ttl)
        self.inner = inner

    @staticmethod
    def _skipped(operation: str) -> None:
        logger.warning("Cache unavailable: %s skipped (OUTAGE_POLICY: open).", operation)

    def get(self, key: str, default: Any = None) -> Any:
        """The inner cache's value, or ``default`` while it is unreachable."""
        try:
            return self.inner.get(key, default)
        except Unavailable:
            self._skipped("get")
            return default

    def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        """Store in the inner cache; nothing while it is unreachable."""
        try:
            self.inner.set(key, value, ttl)
        except Unavailable:
            self._skipped("set")

    def add(self, key: str, value: Any, ttl: float | None = None) -> bool:
        """Add to the inner cache; ``False`` (not stored) while it is unreachable."""
        try:
            return self.inner.add(key, value, ttl)
        except Unavailable:
            self._skipped("add")
            return False

    def delete(self, key: str) -> bool:
        """Delete from the inner cache; ``False`` while it is unreachable."""
        try:
            return self.inner.delete(key)
        except Unavailable:
            self._skipped("delete")
            return False

    def incr(self, key: str, delta: int = 1, ttl: float | None = None) -> int:
        """The inner cache's ``incr``; raises while it is unreachable (a count cannot guess)."""
        return self.inner.incr(key, delta, ttl)

    def has(self, key: str) -> bool:
        """Whether the inner cache holds ``key``; ``False`` while it is unreachable."""
        try:
            return self.inner.has(key)
        except Unavailable:
            self._skipped("has")
            return False

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """The inner cache's values; none while it is unreachable."""
        try:
            return self.inner.get_many(keys)
        except Unavailable:
            self._skipped("get_many")
            return {}

    def set_many(self, mapping: Mapping[str, Any], ttl: float | None = None) -> None:
        """Store in the inner cache; nothing while it is unreachable."""
        try:
            self.inner.set_many(mapping, ttl)
        except Unavailable:
            self._skipped("set_many")

    def delete_many(self, keys: Iterable[str]) -> int:
        """Delete from the inner cache; ``0`` while it is unreachable."""
        try:
            return self.inner.delete_many(keys)
        except Unavailable:
            self._skipped("delete_many")
            return 0

    def clear(self) -> None:
        """The inner cache's ``clear``; raises while it is unreachable."""
        self.inner.clear()

    def close(self) -> None:
        """Close the inner cache."""
        self.inner.close()
