"""Login throttling on memory and Redis (cupola/auth/throttle.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cupola import Cupola
from cupola.auth import LoginThrottle
from cupola.cache import MemoryCache
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
