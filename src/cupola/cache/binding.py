"""How an app finds its cache: ``CACHE_URL`` is read once and the backend kept per app.

:data:`cache` is a context proxy: ``cache.get(…)`` inside a request (or app context) uses
the current app's backend, made on first use from ``CACHE_URL``, ``CACHE_KEY_PREFIX``,
``CACHE_DEFAULT_TTL`` and ``CACHE_MAX_ENTRIES``. A Redis backend holds one connection pool
per app per process; redis-py opens fresh connections in a forked worker.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, cast

from cupola.cache.base import Cache
from cupola.cache.failopen import FailOpenCache
from cupola.cache.memory import DEFAULT_MAX_ENTRIES, MemoryCache
from cupola.cache.redis import RedisCache
from cupola.context import ContextProxy, get_app_context
from cupola.exceptions import ImproperlyConfigured
from cupola.outages import fails_open

if TYPE_CHECKING:
    from cupola.types import Application

#: Where an app keeps its cache backends, by the settings they were made from.
EXTENSION = "cupola.cache"
#: Where an app keeps its store of security counters, by the cache it was derived from.
SECURITY_EXTENSION = "cupola.cache.security"
#: How many counters an in-process security store keeps.
SECURITY_MAX_ENTRIES = 100_000
_lock = threading.Lock()


def cache_from_url(
    url: str,
    prefix: str = "",
    default_ttl: float | None = 300,
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> Cache:
    """Create the cache a ``CACHE_URL`` names.

    Args:
        url: ``"memory://"`` or a Redis URL (``redis://host:port/db``, ``rediss://…``,
            ``unix://…``).
        prefix: Prepended to every key.
        default_ttl: Seconds an entry lives when no ``ttl`` is given; ``None``: forever.
        max_entries: The size bound of a memory cache.

    Raises:
        ImproperlyConfigured: For any other URL.

    Example:
        >>> cache_from_url("memory://")  # doctest: +ELLIPSIS
        <cupola.cache.memory.MemoryCache object at ...>
    """
    scheme = url.partition("://")[0].lower()
    if scheme == "memory":
        return MemoryCache(prefix, default_ttl, max_entries)
    if scheme in ("redis", "rediss", "unix"):
        return RedisCache.from_url(url, prefix, default_ttl)
    raise ImproperlyConfigured(
        f"Unknown cache {url!r}: set CACHE_URL to 'memory://' or 'redis://host:6379/0'."
    )


def get_cache(app: Application) -> Cache:
    """Return ``app``'s cache, creating it from the configuration on first use.

    ``CACHE_URL`` may also be a :class:`~cupola.cache.Cache` instance, used as it is.

    Raises:
        ImproperlyConfigured: For an unknown ``CACHE_URL``.
    """
    config = app.config
    choice = config["CACHE_URL"]
    if isinstance(choice, Cache):
        return choice
    if not isinstance(choice, str):
        raise ImproperlyConfigured(
            f"CACHE_URL must be 'memory://', a Redis URL or a Cache, not {choice!r}."
        )
    settings = (
        choice,
        config["CACHE_KEY_PREFIX"],
        config["CACHE_DEFAULT_TTL"],
        config["CACHE_MAX_ENTRIES"],
        fails_open(config, "cache"),
    )
    # NOTE: keyed by the settings, so a config change gets a new backend while an
    # unchanged one (a memory cache's data) survives the app rebuilding its pipeline.
    caches: dict[tuple[Any, ...], Cache] = app.extensions.setdefault(EXTENSION, {})
    backend = caches.get(settings)
    if backend is None:
        with _lock:  # two first requests at once must not make two pools
            backend = caches.get(settings)
            if backend is None:
                backend = cache_from_url(*settings[:4])
                if settings[4]:  # OUTAGE_POLICY["cache"] = "open": misses instead of 503s
                    backend = FailOpenCache(backend)
                caches[settings] = backend
    return backend


def get_security_store(app: Application) -> Cache:
    """Where security counters (login throttles) live: beside the cache, out of its reach.

    Counters must not be evicted by cached pages, nor wiped by ``cache.clear()``. With a
    memory cache they get their own :class:`MemoryCache` (``SECURITY_MAX_ENTRIES`` counters,
    which only security code fills); with Redis, the same server under the
    ``SECURITY_KEY_PREFIX`` (``cupola:security:``), which no cache prefix covers.
    ``SECURITY_STORE_URL`` (a URL or a :class:`Cache`) names another store, e.g. a Redis with
    ``maxmemory-policy noeviction``.

    Raises:
        ImproperlyConfigured: For an unknown URL.
    """
    config = app.config
    explicit = config["SECURITY_STORE_URL"]
    if isinstance(explicit, Cache):
        return explicit
    prefix = config["SECURITY_KEY_PREFIX"]
    # Beside the cache, a Redis store shares its connection pool.
    base: Any = explicit or get_cache(app)
    stores: dict[Any, Cache] = app.extensions.setdefault(SECURITY_EXTENSION, {})
    key = (base if isinstance(base, str) else id(base), prefix)
    store = stores.get(key)
    if store is None:
        with _lock:
            store = stores.get(key)
            if store is None:
                store = stores[key] = _security_store_for(base, prefix)
    return store


def _security_store_for(base: Cache | str, prefix: str) -> Cache:
    """A counter store beside ``base``, a cache or a store URL."""
    if isinstance(base, FailOpenCache):  # the counters follow their own policy
        base = base.inner
    if isinstance(base, RedisCache):
        return RedisCache(base.client, prefix, default_ttl=None)
    if isinstance(base, Cache):
        return MemoryCache(prefix, None, SECURITY_MAX_ENTRIES)
    if not isinstance(base, str):
        raise ImproperlyConfigured(
            f"SECURITY_STORE_URL must be 'memory://', a Redis URL or a Cache, not {base!r}."
        )
    return cache_from_url(base, prefix, None, SECURITY_MAX_ENTRIES)


def _current_cache() -> Cache:
    return get_cache(get_app_context().app)


#: The current app's cache: ``from cupola.cache import cache; cache.set("k", 1, ttl=60)``.
cache: Cache = cast(Cache, ContextProxy(_current_cache))
