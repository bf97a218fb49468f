"""Fixtures for the WebSocket tests: an app and a test client with a short receive timeout."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest
import redis

from cupola import Cupola
from cupola.channels import get_channel_layer
from cupola.testing import TestClient


@pytest.fixture
def app() -> Cupola:
    """A fresh application in testing mode."""
    return Cupola(__name__, config={"TESTING": True, "SECRET_KEY": "test-secret"})


@pytest.fixture(params=["wsgi", "asgi"])
def client(app: Cupola, request: pytest.FixtureRequest) -> Iterator[TestClient]:
    """A test client of either protocol: WebSockets always run on ``app.asgi``."""
    with app.test_client(request.param) as test_client:
        yield test_client


@pytest.fixture(params=["memory", "redis"])
def channel_layer(app: Cupola, client: TestClient, request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test on the in-memory layer, then on Redis (its own key prefix).

    Without a Redis at ``CUPOLA_TEST_REDIS_URL`` the Redis case skips loudly, or fails
    when ``CI=true``. The layer is closed on the loop the WebSockets ran on (a WSGI
    client runs no lifespan to close it).
    """
    if request.param == "memory":
        yield "memory://"
        return
    redis_url = request.getfixturevalue("redis_url")
    prefix = f"cupola-test-ws:{uuid.uuid4().hex}:"
    app.config.update(CHANNEL_LAYER=redis_url, CHANNEL_PREFIX=prefix)
    try:
        yield redis_url
        closing = get_channel_layer(app).close()
        asyncio.run_coroutine_threadsafe(closing, client._event_loop()).result(5)
    finally:
        with redis.Redis.from_url(redis_url) as server:
            keys = list(server.scan_iter(match=prefix + "*"))
            if keys:
                server.delete(*keys)
