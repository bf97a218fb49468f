"""Stores for server-side sessions: where :class:`~cupola.sessions.server.ServerBackend` data lives.

A :class:`SessionStore` maps session ids to bytes with a time to live. :class:`MemoryStore`
serves one process (development, tests, a single worker). :class:`RedisStore` is shared by
every process and machine that reaches the same Redis, so a visitor keeps one session
whichever worker answers (DESIGN §6). :func:`store_from_url` reads ``SESSION_BACKEND``.
"""

from __future__ import annotations

import contextlib
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, cast

from cupola.exceptions import ImproperlyConfigured
from cupola.outages import Unavailable

if TYPE_CHECKING:
    from redis import Redis

    from cupola.types import Application

#: How often, in seconds, :class:`MemoryStore` drops expired sessions nobody asked for.
SWEEP_INTERVAL = 60.0


class SessionStore(ABC):
    """Session data by id, each entry with a time to live; implementations are thread-safe."""

    @abstractmethod
    def get(self, sid: str) -> bytes | None:
        """Return the data stored under ``sid``, or ``None`` when missing or expired."""

    @abstractmethod
    def set(self, sid: str, data: bytes, ttl: int) -> None:
        """Store ``data`` under ``sid`` for ``ttl`` seconds."""

    @abstractmethod
    def delete(self, sid: str) -> None:
        """Remove ``sid`` (nothing happens when it is missing)."""

    @abstractmethod
    def touch(self, sid: str, ttl: int) -> None:
        """Let ``sid`` live ``ttl`` seconds from now, without rewriting its data."""


class MemoryStore(SessionStore):
    """Sessions in a dict of this process; lost on restart and not shared between workers.

    Args:
        clock: Seconds from a monotonic clock (tests pass a fake one).
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._items: dict[str, tuple[bytes, float]] = {}
        self._lock = threading.Lock()
        self._next_sweep = clock() + SWEEP_INTERVAL

    def __len__(self) -> int:
        return len(self._items)

    def get(self, sid: str) -> bytes | None:
        """Return the data stored under ``sid``, or ``None`` when missing or expired."""
        with self._lock:
            item = self._items.get(sid)
            if item is None:
                return None
            if item[1] <= self._clock():
                del self._items[sid]
                return None
            return item[0]

    def set(self, sid: str, data: bytes, ttl: int) -> None:
        """Store ``data`` under ``sid`` for ``ttl`` seconds."""
        with self._lock:
            now = self._clock()
            self._items[sid] = (data, now + ttl)
            if now >= self._next_sweep:
                # Abandoned sessions are never asked for again; without a sweep they pile up.
                self._items = {key: item for key, item in self._items.items() if item[1] > now}
                self._next_sweep = now + SWEEP_INTERVAL

    def delete(self, sid: str) -> None:
        """Remove ``sid`` (nothing happens when it is missing)."""
        with self._lock:
            self._items.pop(sid, None)

    def touch(self, sid: str, ttl: int) -> None:
        """Let ``sid`` live ``ttl`` seconds from now, without rewriting its data."""
        with self._lock:
            item = self._items.get(sid)
            now = self._clock()
            if item is not None and item[1] > now:
                self._items[sid] = (item[0], now + ttl)


# Seconds to connect and to wait for an answer: a Redis that stopped answering costs a
# request a 503 (or, failing open, an empty session) in bounded time, never a hang.
_CONNECT_TIMEOUT = 2
_TIMEOUT = 5


class SessionStoreUnavailable(Unavailable):
    """503: the session store cannot be reached."""

    def __init__(self) -> None:
        super().__init__("session store")


@contextlib.contextmanager
def _reachable() -> Iterator[None]:
    """Turn a lost or silent Redis into :class:`SessionStoreUnavailable`."""
    import redis

    try:
        yield
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        raise SessionStoreUnavailable() from exc


class RedisStore(SessionStore):
    """Sessions in Redis, shared by every process that uses the same server and database.

    Each session is one string key, ``prefix + sid``, expiring with Redis' own TTL.

    Args:
        client: A synchronous ``redis.Redis`` client (it holds a connection pool).
        prefix: Prepended to session ids to form keys.

    Example:
        >>> store = RedisStore.from_url("redis://localhost:6379/0")  # doctest: +SKIP
    """

    def __init__(self, client: Redis, prefix: str = "cupola:session:") -> None:
        self.client = client
        self.prefix = prefix

    @classmethod
    def from_url(cls, url: str, prefix: str = "cupola:session:") -> RedisStore:
        """Connect to the Redis at ``url`` (``redis://host:port/db``, ``rediss://``…).

        Raises:
            ImproperlyConfigured: When redis-py is not installed.
        """
        try:
            import redis
        except ImportError:  # pragma: no cover  # redis-py is installed wherever tests run
            raise ImproperlyConfigured(
                "Redis sessions need redis-py: pip install 'cupola[redis]'."
            ) from None
        client = redis.Redis.from_url(
            url, socket_connect_timeout=_CONNECT_TIMEOUT, socket_timeout=_TIMEOUT
        )
        return cls(client, prefix)

    def get(self, sid: str) -> bytes | None:
        """Return the data stored under ``sid``, or ``None`` when missing or expired."""
        with _reachable():
            return cast("bytes | None", self.client.get(self.prefix + sid))

    def set(self, sid: str, data: bytes, ttl: int) -> None:
        """Store ``data`` under ``sid`` for ``ttl`` seconds."""
        with _reachable():
            self.client.set(self.prefix + sid, data, ex=ttl)

    def delete(self, sid: str) -> None:
        """Remove ``sid`` (nothing happens when it is missing)."""
        with _reachable():
            self.client.delete(self.prefix + sid)

    def touch(self, sid: str, ttl: int) -> None:
        """Let ``sid`` live ``ttl`` seconds from now, without rewriting its data."""
        with _reachable():
            self.client.expire(self.prefix + sid, ttl)


def store_from_url(url: str, app: Application | None = None) -> SessionStore:
    """Create the store a ``SESSION_BACKEND`` URL names.

    Args:
        url: ``"memory://"``, a Redis URL (``redis://host:port/db``, ``rediss://…``,
            ``unix://…``), or ``"database"`` for the app's :class:`~cupola.db.Database`.
        app: The app whose database ``"database"`` means.

    Raises:
        ImproperlyConfigured: For any other URL.

    Example:
        >>> store_from_url("memory://")  # doctest: +ELLIPSIS
        <cupola.sessions.stores.MemoryStore object at ...>
    """
    scheme = url.partition("://")[0].lower()
    if scheme == "memory":
        return MemoryStore()
    if scheme in ("redis", "rediss", "unix"):
        if app is None:
            return RedisStore.from_url(url)
        return RedisStore.from_url(url, app.config["SESSION_KEY_PREFIX"])
    if url == "database":
        from cupola.db.sessions import DatabaseStore

        return DatabaseStore.for_app(app)
    raise ImproperlyConfigured(
        f"Unknown session store {url!r}: set SESSION_BACKEND to 'cookie', 'memory://', "
        "'redis://host:6379/0' or 'database'."
    )
