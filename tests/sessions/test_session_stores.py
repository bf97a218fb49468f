"""Session stores: the same contract in memory and on Redis, plus store URLs."""

from __future__ import annotations

from typing import Any

import pytest

from cupola.exceptions import ImproperlyConfigured
from cupola.sessions import MemoryStore, RedisStore, SessionStore, store_from_url
from cupola.sessions.stores import SWEEP_INTERVAL


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> Any:
    if request.param == "memory":
        return MemoryStore()
    return request.getfixturevalue("redis_store")


def test_set_get_delete(store: SessionStore) -> None:
    assert store.get("sid") is None
    store.set("sid", b"data", 60)
    assert store.get("sid") == b"data"
    store.set("sid", b"other", 60)
    assert store.get("sid") == b"other"
    store.delete("sid")
    assert store.get("sid") is None
    store.delete("sid")  # missing: nothing happens


def test_touch_keeps_the_data(store: SessionStore) -> None:
    store.set("sid", b"data", 60)
    store.touch("sid", 120)
    assert store.get("sid") == b"data"
    store.touch("missing", 120)
    assert store.get("missing") is None


def test_redis_ttl(redis_store: RedisStore) -> None:
    redis_store.set("sid", b"data", 100)
    key = redis_store.prefix + "sid"
    assert 95 <= redis_store.client.ttl(key) <= 100
    redis_store.touch("sid", 1000)
    assert 995 <= redis_store.client.ttl(key) <= 1000


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_memory_entries_expire() -> None:
    clock = Clock()
    store = MemoryStore(clock=clock)
    store.set("sid", b"data", 10)
    clock.now += 9.5
    assert store.get("sid") == b"data"
    clock.now += 0.5
    assert store.get("sid") is None
    assert len(store) == 0


def test_memory_touch_extends_life_but_not_after_expiry() -> None:
    clock = Clock()
    store = MemoryStore(clock=clock)
    store.set("sid", b"data", 10)
    clock.now += 8
    store.touch("sid", 10)
    clock.now += 8
    assert store.get("sid") == b"data"
    clock.now += 10
    store.touch("sid", 10)
    assert store.get("sid") is None


def test_memory_sweeps_abandoned_entries() -> None:
    clock = Clock()
    store = MemoryStore(clock=clock)
    for n in range(5):
        store.set(f"old{n}", b"x", 10)
    store.set("long", b"x", 10_000)
    assert len(store) == 6
    clock.now += SWEEP_INTERVAL
    store.set("new", b"x", 10)
    assert len(store) == 2
    assert store.get("long") == b"x"


def test_store_from_url_memory() -> None:
    assert isinstance(store_from_url("memory://"), MemoryStore)
    assert store_from_url("memory://") is not store_from_url("memory://")


def test_store_from_url_redis(redis_url: str) -> None:
    store = store_from_url(redis_url)
    assert isinstance(store, RedisStore)
    assert store.prefix == "cupola:session:"
    assert store.client.ping()
    store.client.close()


@pytest.mark.parametrize("url", ["cookie", "mongodb://x", "sqlite:///db", ""])
def test_store_from_url_refuses_unknown_urls(url: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="SESSION_BACKEND"):
        store_from_url(url)
