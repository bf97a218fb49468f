"""Channel layer fixtures: every layer test runs on the in-memory and the Redis layer.

``run_layer(main, **options)`` creates a layer of the test's backend with ``options``, runs
``await main(layer)`` on a fresh event loop and then flushes and closes the layer. The Redis
layer uses the Redis at ``CUPOLA_TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/0``) under
a key prefix of its own; without a Redis the Redis cases skip loudly, or fail when
``CI=true``.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import redis

from cupola.channels.layers import ChannelLayer, InMemoryChannelLayer

REDIS_URL = os.environ.get("CUPOLA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

RunLayer = Callable[..., Any]


@pytest.fixture
def redis_prefix(redis_url: str) -> Any:
    """A key prefix no other test uses; its keys are deleted afterwards."""
    prefix = f"cupola-test:{uuid.uuid4().hex}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=prefix + "*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(params=["memory", "redis"])
def backend(request: pytest.FixtureRequest) -> str:
    """The layer backend of the test."""
    return str(request.param)


@pytest.fixture
def make_layer(request: pytest.FixtureRequest, backend: str) -> Callable[..., ChannelLayer]:
    """``make_layer(**options)``: a new layer of the test's backend."""
    if backend == "memory":
        return InMemoryChannelLayer
    from cupola.channels.layers.redis import RedisChannelLayer

    url = request.getfixturevalue("redis_url")
    prefix = request.getfixturevalue("redis_prefix")
    return lambda **options: RedisChannelLayer(url, prefix=prefix, **options)


@pytest.fixture
def run_layer(make_layer: Callable[..., ChannelLayer]) -> RunLayer:
    """``run_layer(main, **options)``: ``await main(layer)`` on a new loop, then clean up."""

    def run(main: Callable[[ChannelLayer], Awaitable[Any]], **options: Any) -> Any:
        async def wrapper() -> Any:
            layer = make_layer(**options)
            try:
                return await main(layer)
            finally:
                await layer.flush()
                await layer.close()

        return asyncio.run(wrapper())

    return run
