"""Cache fixtures: every backend test runs on the memory cache and on Redis.

``cache_backend`` is a :class:`MemoryCache` or a :class:`RedisCache` on the Redis at
``CUPOLA_TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/0``) under a key prefix of its
own, emptied afterwards. An unreachable Redis skips the Redis cases with the reason in the
summary, or fails them when ``CI=true``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from cupola import Cupola
from cupola.cache import Cache, MemoryCache, RedisCache
from cupola.cache.binding import EXTENSION
from cupola.testing import TestClient

REDIS_URL = os.environ.get("CUPOLA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_prefix() -> str:
    """A key prefix no other test uses."""
    return f"cupola-test:{uuid.uuid4().hex}:"


@pytest.fixture
def redis_cache(redis_url: str, redis_prefix: str) -> Iterator[RedisCache]:
    """A cache on the test Redis under the test's own prefix; emptied afterwards."""
    backend = RedisCache.from_url(redis_url, prefix=redis_prefix)
    yield backend
    backend.clear()
    backend.close()


@pytest.fixture(params=["memory", "redis"])
def cache_backend(request: pytest.FixtureRequest) -> Cache:
    """The backend under test."""
    if request.param == "memory":
        return MemoryCache(prefix="test:")
    backend: Cache = request.getfixturevalue("redis_cache")
    return backend


@pytest.fixture(params=["memory", "redis"])
def cache_config(request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    """App config selecting the backend under test (Redis under the test's own prefix)."""
    if request.param == "memory":
        yield {"CACHE_URL": "memory://"}
        return
    url = request.getfixturevalue("redis_url")
    prefix = request.getfixturevalue("redis_prefix")
    yield {"CACHE_URL": url, "CACHE_KEY_PREFIX": prefix}
    leftover = RedisCache.from_url(url, prefix=prefix)
    leftover.clear()
    leftover.close()


@pytest.fixture
def app(cache_config: dict[str, Any]) -> Iterator[Cupola]:
    """An app whose cache is the backend under test; its connections closed afterwards."""
    app = Cupola(__name__, config={"TESTING": True, "SECRET_KEY": "test", **cache_config})
    yield app
    for backend in app.extensions.get(EXTENSION, {}).values():
        backend.close()


@pytest.fixture
def client(app: Cupola, protocol: str) -> Iterator[TestClient]:
    """A test client for ``app`` over ``protocol``."""
    with app.test_client(protocol) as test_client:  # type: ignore[arg-type]
        yield test_client
