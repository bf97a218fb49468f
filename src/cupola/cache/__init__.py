"""Caching: ``cache.get/set/add/incr…`` on memory or Redis, and ``@cached`` for views.

``CACHE_URL = "memory://"`` (the default, one process) or ``"redis://host:6379/0"`` (shared
by every process). :data:`cache` is the current app's cache inside a request or app
context. Every call is synchronous; Redis calls are sub-millisecond round trips.
"""

from __future__ import annotations

from cupola.cache.base import Cache
from cupola.cache.binding import cache, cache_from_url, get_cache, get_security_store
from cupola.cache.decorators import cached
from cupola.cache.memory import MemoryCache
from cupola.cache.redis import CacheUnavailable, RedisCache

__all__ = [
    "Cache",
    "CacheUnavailable",
    "MemoryCache",
    "RedisCache",
    "cache",
    "cache_from_url",
    "cached",
    "get_cache",
    "get_security_store",
]
