"""The in-process cache's own behaviour: its size bound and its clock (cupola/cache/memory.py)."""

from __future__ import annotations

import pytest

from cupola.cache import MemoryCache


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_least_recently_used_entries_are_evicted() -> None:
    cache = MemoryCache(max_entries=3)
    for key in "abc":
        cache.set(key, key)
    assert cache.get("a") == "a"  # now the most recently used
    cache.set("d", "d")
    assert len(cache) == 3
    assert cache.get_many(["a", "b", "c", "d"]) == {"a": "a", "c": "c", "d": "d"}


def test_memory_stays_bounded_under_many_keys() -> None:
    cache = MemoryCache(max_entries=100)
    for number in range(10_000):
        cache.incr(f"k{number}")
    assert len(cache) == 100


def test_expiry_follows_the_clock() -> None:
    clock = FakeClock()
    cache = MemoryCache(default_ttl=10, clock=clock)
    cache.set("k", 1)
    cache.set("forever", 1, ttl=None)
    clock.now += 9.9
    assert cache.has("k")
    clock.now += 0.2
    assert not cache.has("k")
    assert cache.add("k", 2)


def test_default_ttl_none_keeps_entries() -> None:
    clock = FakeClock()
    cache = MemoryCache(default_ttl=None, clock=clock)
    cache.set("k", 1)
    clock.now += 10**9
    assert cache.get("k") == 1


def test_prefixes_keep_caches_apart_in_clear() -> None:
    cache = MemoryCache(prefix="a:")
    cache.set("k", 1)
    cache._items["b:k"] = ("2", None)  # another user's entry in the same dict
    cache.clear()
    assert not cache.has("k")
    assert "b:k" in cache._items


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="max_entries"):
        MemoryCache(max_entries=0)
    with pytest.raises(ValueError, match="positive number"):
        MemoryCache(default_ttl=0)
