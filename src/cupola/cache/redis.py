"""The Redis cache: one cache shared by every process and machine that reaches the server.

Counters are exact across workers: :meth:`RedisCache.incr` runs ``INCRBY`` and, for a new
key, ``PEXPIRE`` in one Lua script, which Redis runs atomically, so no increment is lost and
no counter is left without its expiry. Values are tagged JSON, never pickle: a reader of the
Redis server cannot make the app run code. A Redis that cannot be reached raises
:class:`CacheUnavailable`, a 503 with ``Retry-After``, after at most the client's timeouts.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, cast

from cupola.cache.base import Cache, dumps, loads
from cupola.exceptions import ImproperlyConfigured
from cupola.outages import Unavailable

if TYPE_CHECKING:
    from redis import Redis

# KEYS[1]: the key; ARGV[1]: the delta; ARGV[2]: the TTL in milliseconds, or "" for none.
_INCR = """
local created = redis.call('EXISTS', KEYS[1]) == 0
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if created and ARGV[2] ~= '' then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return value
"""
_GLOB_SPECIALS = re.compile(r"([*?\[\]\\])")
_CLEAR_BATCH = 500
# Seconds to connect and to wait for an answer, unless the URL says otherwise: a Redis that
# stopped answering must cost a request a 503, not a hang.
_CONNECT_TIMEOUT = 2
_TIMEOUT = 5

logger = logging.getLogger("cupola.cache")


class CacheUnavailable(Unavailable):
    """503: the cache server cannot be reached; the request may be retried shortly."""

    def __init__(self) -> None:
        super().__init__("cache")


@contextlib.contextmanager
def _reachable() -> Iterator[None]:
    """Turn a lost or silent Redis into :class:`CacheUnavailable` (and a log entry)."""
    import redis

    try:
        yield
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        logger.error("Cache unavailable", exc_info=exc)
        raise CacheUnavailable() from exc


class RedisCache(Cache):
    """A cache in Redis, safe to share between threads, processes and machines.

    Args:
        client: A synchronous ``redis.Redis`` client; it holds the connection pool.
        prefix: Prepended to every key; :meth:`clear` deletes only keys under it.
        default_ttl: Seconds an entry lives when no ``ttl`` is given; ``None``: forever.

    Example:
        >>> cache = RedisCache.from_url("redis://localhost:6379/0")  # doctest: +SKIP
    """

    def __init__(self, client: Redis, prefix: str = "", default_ttl: float | None = 300) -> None:
        super().__init__(prefix, default_ttl)
        self.client = client
        self._incr = client.register_script(_INCR)

    @classmethod
    def from_url(cls, url: str, prefix: str = "", default_ttl: float | None = 300) -> RedisCache:
        """Connect to the Redis at ``url`` (``redis://host:port/db``, ``rediss://``…).

        Raises:
            ImproperlyConfigured: When redis-py is not installed.
        """
        try:
            import redis
        except ImportError:  # pragma: no cover  # redis-py is installed wherever tests run
            raise ImproperlyConfigured(
                "A Redis cache needs redis-py: pip install 'cupola[redis]'."
            ) from None
        client = redis.Redis.from_url(
            url, socket_connect_timeout=_CONNECT_TIMEOUT, socket_timeout=_TIMEOUT
        )
        return cls(client, prefix, default_ttl)

    def _px(self, ttl: float | None) -> int | None:
        ttl = self._ttl(ttl)
        return None if ttl is None else max(1, round(ttl * 1000))

    def get(self, key: str, default: Any = None) -> Any:
        """Return the value stored under ``key``, or ``default`` when missing or expired."""
        with _reachable():
            data = cast("bytes | None", self.client.get(self.prefix + key))
        return default if data is None else loads(data)

    def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        """Store ``value`` under ``key`` for ``ttl`` seconds, replacing any value."""
        data, px = dumps(value), self._px(ttl)
        with _reachable():
            self.client.set(self.prefix + key, data, px=px)

    def add(self, key: str, value: Any, ttl: float | None = None) -> bool:
        """Store ``value`` only when ``key`` is missing (``SET NX``); return whether it was."""
        data, px = dumps(value), self._px(ttl)
        with _reachable():
            return bool(self.client.set(self.prefix + key, data, px=px, nx=True))

    def delete(self, key: str) -> bool:
        """Remove ``key``; return whether it was there."""
        with _reachable():
            return bool(self.client.delete(self.prefix + key))

    def incr(self, key: str, delta: int = 1, ttl: float | None = None) -> int:
        """Add ``delta`` to the integer under ``key`` (0 when missing) and return it; atomic.

        Raises:
            ValueError: When the stored value is not an integer.
        """
        import redis

        px = self._px(ttl)
        try:
            with _reachable():
                value = self._incr(keys=[self.prefix + key], args=[delta, "" if px is None else px])
        except redis.ResponseError as exc:
            raise ValueError(f"Cannot increment {key!r}: its value is not an integer.") from exc
        return int(value)

    def has(self, key: str) -> bool:
        """Whether ``key`` holds a value."""
        with _reachable():
            return bool(self.client.exists(self.prefix + key))

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """Return the values of those ``keys`` that are present (one ``MGET``)."""
        keys = list(keys)
        if not keys:
            return {}
        with _reachable():
            values = cast("list[bytes | None]", self.client.mget([self.prefix + k for k in keys]))
        return {
            key: loads(data) for key, data in zip(keys, values, strict=True) if data is not None
        }

    def set_many(self, mapping: Mapping[str, Any], ttl: float | None = None) -> None:
        """Store every item of ``mapping`` for ``ttl`` seconds, in one transaction."""
        px = self._px(ttl)
        with _reachable(), self.client.pipeline(transaction=True) as pipe:
            for key, value in mapping.items():
                pipe.set(self.prefix + key, dumps(value), px=px)
            pipe.execute()

    def delete_many(self, keys: Iterable[str]) -> int:
        """Remove ``keys`` (one ``DEL``); return how many were there."""
        full = [self.prefix + key for key in keys]
        if not full:
            return 0
        with _reachable():
            return int(self.client.delete(*full))

    def clear(self) -> None:
        """Remove every key under this cache's prefix, never the rest of the database.

        Raises:
            ImproperlyConfigured: When the prefix is empty, where clearing would wipe keys
                that other parts of the app (sessions, channel layers) keep in the database.
        """
        if not self.prefix:
            raise ImproperlyConfigured(
                "RedisCache.clear() needs a key prefix (CACHE_KEY_PREFIX), so that it deletes "
                "only the cache's keys."
            )
        pattern = _GLOB_SPECIALS.sub(r"\\\1", self.prefix) + "*"
        batch: list[bytes] = []
        with _reachable():
            for key in self.client.scan_iter(match=pattern, count=_CLEAR_BATCH):
                batch.append(key)
                if len(batch) >= _CLEAR_BATCH:
                    self.client.delete(*batch)
                    batch.clear()
            if batch:
                self.client.delete(*batch)

    def close(self) -> None:
        """Close the client's connection pool."""
        self.client.close()
