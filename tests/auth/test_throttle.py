"""Login throttling on memory and Redis (cupola/auth/throttle.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from cupola import Cupola
from cupola.auth import LoginThrottle, authenticate
from cupola.cache import MemoryCache, cache, cached, get_cache, get_security_store
from cupola.exceptions import ImproperlyConfigured, TooManyRequests
from cupola.testing import TestClient


class FakeClock:
    def __init__(self) -> None:
        self.now = 60 * 16_667 + 20.0  # 20 s into a 60 s window

    def __call__(self) -> float:
        return self.now


def test_too_many_failures_answer_429_until_the_window_ends(
    app: Cupola, client: TestClient, log_in: Callable[..., Any]
) -> None:
    for _ in range(5):
        assert log_in("ada", "wrong").status_code == 400
    refused = log_in("ada")  # even the right password waits
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 300
    assert "correct horse" not in refused.text
    assert log_in("ADA").status_code == 429  # user names compare without case
    assert log_in("root").status_code == 200  # other accounts are not locked


def test_a_success_forgets_the_failures(log_in: Callable[..., Any]) -> None:
    for _ in range(4):
        log_in("ada", "wrong")
    assert log_in("ada").status_code == 200
    for _ in range(4):
        assert log_in("ada", "wrong").status_code == 400
    assert log_in("ada").status_code == 200


def test_unknown_users_are_throttled_too(log_in: Callable[..., Any]) -> None:
    for _ in range(5):
        assert log_in("nobody", "x").status_code == 400
    assert log_in("nobody", "x").status_code == 429


def test_a_limit_of_zero_turns_it_off(app: Cupola, log_in: Callable[..., Any]) -> None:
    app.config["LOGIN_THROTTLE_LIMIT"] = 0
    for _ in range(8):
        assert log_in("ada", "wrong").status_code == 400
    assert log_in("ada").status_code == 200


def test_fixed_windows_and_retry_after() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(MemoryCache(), limit=2, window=60, clock=clock)
    throttle.check("ada")
    assert [throttle.failure("ada"), throttle.failure("ada")] == [1, 2]
    with pytest.raises(TooManyRequests) as refused:
        throttle.check("ada")
    assert refused.value.headers == [("Retry-After", "40")]
    clock.now += 39.5
    with pytest.raises(TooManyRequests) as refused:
        throttle.check("ada")
    assert refused.value.headers == [("Retry-After", "1")]
    clock.now += 0.5  # the next window
    throttle.check("ada")
    assert throttle.failure("ada") == 1
    throttle.reset("ada")
    assert throttle.failure("ada") == 1


def test_counters_hold_no_user_names() -> None:
    cache = MemoryCache()
    LoginThrottle(cache, limit=3, window=60).failure("ada@example.com")
    assert all("ada" not in key for key in cache._items)


@pytest.mark.parametrize(
    ("limit", "window", "message"),
    [(-1, 60, "LIMIT"), ("5", 60, "LIMIT"), (True, 60, "LIMIT"), (5, 0, "WINDOW")],
)
def test_bad_settings_are_refused(limit: Any, window: Any, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=f"LOGIN_THROTTLE_{message}"):
        LoginThrottle(MemoryCache(), limit=limit, window=window)


# Windows are aligned to the clock: a test in a window this long never sees it end.
LONG_WINDOW = 10**9


def _guess_concurrently(app: Cupola, guesses: int, username: str = "ada") -> list[str]:
    """``guesses`` wrong passwords at once; return what each got ("400", "429")."""
    app.config["LOGIN_THROTTLE_WINDOW"] = LONG_WINDOW
    evaluated: list[str] = []
    barrier = threading.Barrier(guesses)

    def slow_lookup(name: str) -> Any:
        evaluated.append(name)
        time.sleep(0.2)  # as long as a real password hash takes, so the guesses overlap
        return None

    def guess() -> str:
        with app.test_request_context("/login", method="POST"):
            barrier.wait()
            try:
                authenticate(username, "wrong", slow_lookup)
            except TooManyRequests:
                return "429"
            return "400"

    with ThreadPoolExecutor(guesses) as pool:
        outcomes = list(pool.map(lambda _: guess(), range(guesses)))
    assert len(evaluated) == outcomes.count("400")
    return outcomes


def test_concurrent_guesses_evaluate_at_most_the_limit(app: Cupola) -> None:
    outcomes = _guess_concurrently(app, 12)
    assert outcomes.count("400") == 5  # LOGIN_THROTTLE_LIMIT
    assert outcomes.count("429") == 7


def test_forty_concurrent_guesses_evaluate_at_most_the_limit(app: Cupola) -> None:
    app.config["LOGIN_THROTTLE_ADDRESS_LIMIT"] = 100
    outcomes = _guess_concurrently(app, 40)
    assert outcomes.count("400") == 5


def test_cached_pages_do_not_evict_the_failure_counters(
    app: Cupola, client: TestClient, log_in: Callable[..., Any]
) -> None:
    app.config.update(CACHE_MAX_ENTRIES=20, LOGIN_THROTTLE_WINDOW=LONG_WINDOW)

    @app.get("/page/<int:number>")
    @cached(ttl=60)
    def page(number: int) -> str:
        return f"page {number}"

    for _ in range(5):
        assert log_in("ada", "wrong").status_code == 400
    for number in range(60):  # three times what the cache holds
        assert client.get(f"/page/{number}").status_code == 200
    assert log_in("ada").status_code == 429
    with app.app_context():
        cache.clear()  # clearing the cache keeps security counters too
    assert log_in("ada").status_code == 429


def test_many_user_names_from_one_address_are_limited(
    app: Cupola, client: TestClient, log_in: Callable[..., Any]
) -> None:
    app.config.update(LOGIN_THROTTLE_ADDRESS_LIMIT=8, LOGIN_THROTTLE_WINDOW=LONG_WINDOW)
    for number in range(8):
        assert log_in(f"user{number}", "wrong").status_code == 400
    refused = log_in("someone-else", "wrong")
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert log_in("ada").status_code == 429  # a right password from that address waits too


def test_successes_do_not_count_against_the_address(
    app: Cupola, client: TestClient, log_in: Callable[..., Any]
) -> None:
    app.config.update(LOGIN_THROTTLE_ADDRESS_LIMIT=3, LOGIN_THROTTLE_WINDOW=LONG_WINDOW)
    for _ in range(6):  # an office behind one address: people log in all day
        assert log_in("ada").status_code == 200
        assert log_in("root").status_code == 200
    assert log_in("ada", "wrong").status_code == 400


def test_reserve_counts_before_the_check() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(MemoryCache(), limit=2, window=60, clock=clock, address_limit=3)
    assert [throttle.reserve("ada"), throttle.reserve("ada")] == [1, 2]
    with pytest.raises(TooManyRequests):
        throttle.reserve("ada")
    assert throttle.reserve("bob") == 1
    with pytest.raises(TooManyRequests):  # the address used its 3 attempts
        throttle.reserve("eve")
    with pytest.raises(TooManyRequests):
        throttle.check("carol")
    clock.now += 40  # the next window
    assert throttle.reserve("ada") == 1
    throttle.reset("ada")  # a success gives the address its attempt back
    assert [throttle.reserve("bob"), throttle.reserve("eve"), throttle.reserve("eve")] == [1, 1, 2]
    with pytest.raises(TooManyRequests):
        throttle.reserve("carol")


def test_security_store_is_apart_from_the_cache(app: Cupola) -> None:
    store = get_security_store(app)
    assert store is not get_cache(app)
    assert store is get_security_store(app)
    mine = MemoryCache()
    app.config["SECURITY_STORE_URL"] = mine
    assert get_security_store(app) is mine
    app.config["SECURITY_STORE_URL"] = 42
    with pytest.raises(ImproperlyConfigured, match="SECURITY_STORE_URL"):
        get_security_store(app)
    app.config["SECURITY_STORE_URL"] = "memory://"
    assert isinstance(get_security_store(app), MemoryCache)


def test_a_throttle_that_is_off_counts_nothing() -> None:
    cache = MemoryCache()
    throttle = LoginThrottle(cache, limit=0, window=60, address_limit=3)
    throttle.check("ada")
    assert throttle.failure("ada") == 0
    assert len(cache) == 0


def test_failure_counts_the_address_too() -> None:
    throttle = LoginThrottle(MemoryCache(), limit=5, window=60, address_limit=2)
    assert [throttle.failure("ada"), throttle.failure("bob")] == [1, 1]
    with pytest.raises(TooManyRequests):
        throttle.check("carol")  # the address used its two
