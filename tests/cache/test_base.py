"""The cache interface, identical on memory and Redis (cupola/cache/base.py)."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import date, datetime
from typing import Any

import pytest

from cupola.cache import Cache

VALUES: list[Any] = [
    0,
    -7,
    2**70,
    1.5,
    True,
    None,
    "text é",
    "",
    [1, "a", None],
    {"nested": {"list": [1, 2]}, "~x": 1},
    (1, "two"),
    b"\x00bytes",
    uuid.UUID(int=5),
    date(2024, 5, 1),
    datetime(2024, 5, 1, 12, 30, 1, 123),
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_values_round_trip(cache_backend: Cache, value: Any) -> None:
    cache_backend.set("k", value)
    assert cache_backend.get("k", "missing") == value
    assert type(cache_backend.get("k")) is type(value)


def test_get_missing_returns_the_default(cache_backend: Cache) -> None:
    assert cache_backend.get("nope") is None
    assert cache_backend.get("nope", 42) == 42
    assert not cache_backend.has("nope")


def test_a_stored_value_is_a_copy(cache_backend: Cache) -> None:
    items = [1]
    cache_backend.set("items", items)
    items.append(2)
    assert cache_backend.get("items") == [1]


def test_unsupported_values_are_refused(cache_backend: Cache) -> None:
    with pytest.raises(TypeError, match="cannot hold a object"):
        cache_backend.set("k", object())
    assert not cache_backend.has("k")


def test_add_stores_only_when_missing(cache_backend: Cache) -> None:
    assert cache_backend.add("k", "first") is True
    assert cache_backend.add("k", "second") is False
    assert cache_backend.get("k") == "first"


def test_delete(cache_backend: Cache) -> None:
    cache_backend.set("k", 1)
    assert cache_backend.delete("k") is True
    assert cache_backend.delete("k") is False
    assert cache_backend.get("k") is None


def test_incr_and_decr(cache_backend: Cache) -> None:
    assert cache_backend.incr("n") == 1
    assert cache_backend.incr("n", 5) == 6
    assert cache_backend.decr("n", 2) == 4
    assert cache_backend.decr("fresh") == -1
    assert cache_backend.get("n") == 4
    cache_backend.set("m", 10)
    assert cache_backend.incr("m") == 11


@pytest.mark.parametrize("value", ["text", 1.5, [1], True])
def test_incr_refuses_non_integers(cache_backend: Cache, value: Any) -> None:
    cache_backend.set("k", value)
    with pytest.raises(ValueError, match="not an integer"):
        cache_backend.incr("k")
    assert cache_backend.get("k") == value


def test_many(cache_backend: Cache) -> None:
    cache_backend.set_many({"a": 1, "b": [2], "c": None})
    assert cache_backend.get_many(["a", "b", "c", "zz"]) == {"a": 1, "b": [2], "c": None}
    assert cache_backend.get_many([]) == {}
    assert cache_backend.delete_many(["a", "b", "zz"]) == 2
    assert cache_backend.delete_many([]) == 0
    assert cache_backend.get_many(["a", "b", "c"]) == {"c": None}


def test_ttl_expires_entries(cache_backend: Cache) -> None:
    cache_backend.set("short", 1, ttl=0.05)
    cache_backend.add("added", 1, ttl=0.05)
    cache_backend.incr("counter", ttl=0.05)
    cache_backend.set("long", 1, ttl=60)
    deadline = time.monotonic() + 5
    while cache_backend.has("short") or cache_backend.has("added") or cache_backend.has("counter"):
        assert time.monotonic() < deadline, "entries with a 50 ms TTL never expired"
        time.sleep(0.02)
    assert cache_backend.get("short") is None
    assert cache_backend.incr("counter") == 1  # a new window
    assert cache_backend.get("long") == 1


def test_incr_keeps_the_expiry_of_an_existing_counter(cache_backend: Cache) -> None:
    cache_backend.incr("window", ttl=0.2)
    cache_backend.incr("window", ttl=600)  # does not extend the window
    deadline = time.monotonic() + 5
    while cache_backend.has("window"):
        assert time.monotonic() < deadline, "the counter's first TTL was replaced"
        time.sleep(0.02)


@pytest.mark.parametrize("ttl", [0, -1, True, float("nan")])
def test_bad_ttls_are_refused(cache_backend: Cache, ttl: Any) -> None:
    with pytest.raises(ValueError, match="positive number of seconds"):
        cache_backend.set("k", 1, ttl=ttl)


def test_clear_removes_only_this_caches_keys(cache_backend: Cache) -> None:
    cache_backend.set_many({"a": 1, "b": 2})
    cache_backend.clear()
    assert cache_backend.get_many(["a", "b"]) == {}


def test_concurrent_incr_loses_nothing(cache_backend: Cache) -> None:
    def work() -> None:
        for _ in range(200):
            cache_backend.incr("hits")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache_backend.get("hits") == 800
