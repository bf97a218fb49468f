"""Session fixtures: every backend test runs on the cookie, memory and Redis backends.

``session_backend`` is the ``SESSION_BACKEND`` value of the test's app: ``"cookie"``, a
``MemoryStore`` or a ``RedisStore`` on the Redis at ``CUPOLA_TEST_REDIS_URL`` (default
``redis://127.0.0.1:6379/0``) under a key prefix of its own. An unreachable Redis skips the
Redis cases with the reason in the summary, or fails them when ``CI=true``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis

from cupola import Cupola
from cupola.sessions import MemoryStore, RedisStore
from cupola.testing import TestClient

REDIS_URL = os.environ.get("CUPOLA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SECRET_KEY = "test-secret-key"


@pytest.fixture
def redis_store(redis_url: str) -> Iterator[RedisStore]:
    """A store on the test Redis, under a prefix no other test uses; emptied afterwards."""
    store = RedisStore.from_url(redis_url, prefix=f"cupola-test:{uuid.uuid4().hex}:")
    yield store
    keys = list(store.client.scan_iter(match=store.prefix + "*"))
    if keys:
        store.client.delete(*keys)
    store.client.close()


@pytest.fixture
def redis_session_prefix(redis_url: str) -> Iterator[str]:
    """A ``SESSION_KEY_PREFIX`` no other test uses; its keys are deleted afterwards."""
    prefix = f"cupola-test:{uuid.uuid4().hex}:session:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=prefix + "*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(params=["cookie", "memory", "redis"])
def session_backend(request: pytest.FixtureRequest) -> Any:
    """The ``SESSION_BACKEND`` of the test's app: ``"cookie"`` or a store."""
    if request.param == "cookie":
        return "cookie"
    if request.param == "memory":
        return MemoryStore()
    return request.getfixturevalue("redis_store")


@pytest.fixture
def make_app(session_backend: Any) -> Callable[..., Cupola]:
    """``make_app(**config)``: an app with sessions on the test's backend, more config.

    Sessions are in the default middleware stack. CSRF checks are off here: these tests
    post with the session cookie and no token, which tests/test_csrf.py covers.
    """

    def make(**config: Any) -> Cupola:
        return Cupola(
            __name__,
            config={
                "SECRET_KEY": SECRET_KEY,
                "SESSION_BACKEND": session_backend,
                "TESTING": True,
                "CSRF_ENABLED": False,
                **config,
            },
        )

    return make


@pytest.fixture
def app(make_app: Callable[..., Cupola]) -> Cupola:
    """An app with the session middleware on the test's backend."""
    return make_app()


@pytest.fixture
def client_for(protocol: str) -> Iterator[Callable[..., TestClient]]:
    """``client_for(app, **kwargs)``: a test client over the test's protocol, closed after."""
    clients: list[TestClient] = []

    def open_client(app: Cupola, **kwargs: Any) -> TestClient:
        client = app.test_client(protocol, **kwargs)  # type: ignore[arg-type]
        clients.append(client.__enter__())
        return client

    yield open_client
    for client in clients:
        client.__exit__()
