"""The outage policy (cupola/outages.py) and what each part does under it, without Redis.

A store or cache that raises :class:`~cupola.outages.Unavailable` stands in for a Redis that
is down; tests/e2e/test_outages.py runs the same against a real redis-server that is
stopped, frozen and restarted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from cupola import Cupola, session
from cupola.auth import LoginThrottle
from cupola.cache import Cache, MemoryCache
from cupola.cache.failopen import FailOpenCache
from cupola.exceptions import ImproperlyConfigured, ServiceUnavailable
from cupola.outages import Unavailable, fails_open, policy
from cupola.sessions import MemoryStore


class Down(Cache):
    """A cache whose server is down: every call raises."""

    def _down(self, *args: Any, **kwargs: Any) -> Any:
        raise Unavailable("cache")

    get = set = add = delete = incr = has = clear = _down

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        return self._down()  # type: ignore[no-any-return]  # it raises

    def set_many(self, mapping: Mapping[str, Any], ttl: float | None = None) -> None:
        self._down()

    def delete_many(self, keys: Iterable[str]) -> int:
        return self._down()  # type: ignore[no-any-return]  # it raises


class DownStore(MemoryStore):
    """A session store that can be taken down and brought back."""

    down = False

    def get(self, sid: str) -> bytes | None:
        if self.down:
            raise Unavailable("session store")
        return super().get(sid)

    def set(self, sid: str, data: bytes, ttl: int) -> None:
        if self.down:
            raise Unavailable("session store")
        super().set(sid, data, ttl)


def test_policy_defaults_to_closed_and_checks_its_values() -> None:
    assert policy({}, "sessions") == "closed"
    assert policy({"OUTAGE_POLICY": {"cache": "open"}}, "cache") == "open"
    assert fails_open({"OUTAGE_POLICY": {"cache": "open"}}, "cache")
    assert not fails_open({"OUTAGE_POLICY": {"cache": "open"}}, "sessions")
    with pytest.raises(ImproperlyConfigured, match="unknown parts"):
        policy({"OUTAGE_POLICY": {"session": "open"}}, "sessions")
    with pytest.raises(ImproperlyConfigured, match="'open' or 'closed'"):
        policy({"OUTAGE_POLICY": {"cache": "ajar"}}, "cache")


def test_unavailable_is_a_503_with_retry_after() -> None:
    error = Unavailable("session store")
    assert isinstance(error, ServiceUnavailable)
    assert error.code == 503
    assert error.headers == [("Retry-After", "5")]
    assert "session store is unavailable" in error.description


def test_fail_open_cache_misses_and_skips_writes(caplog: pytest.LogCaptureFixture) -> None:
    cache = FailOpenCache(Down())
    assert cache.get("k", "default") == "default"
    cache.set("k", 1)
    assert cache.add("k", 1) is False
    assert cache.delete("k") is False
    assert cache.has("k") is False
    assert cache.get_many(["k"]) == {}
    cache.set_many({"k": 1})
    assert cache.delete_many(["k"]) == 0
    with pytest.raises(Unavailable):
        cache.incr("k")  # a count cannot guess
    with pytest.raises(Unavailable):
        cache.clear()
    assert "Cache unavailable: get skipped" in caplog.text


def test_fail_open_cache_passes_through_when_up() -> None:
    cache = FailOpenCache(MemoryCache())
    cache.set("k", 1)
    assert (cache.get("k"), cache.incr("k"), cache.has("k"), cache.add("k", 0)) == (
        1,
        2,
        True,
        False,
    )
    cache.set_many({"a": 1})
    assert cache.get_many(["a"]) == {"a": 1}
    assert cache.delete_many(["a"]) == 1
    assert cache.delete("k") is True
    cache.clear()
    cache.close()


def test_cache_url_with_open_policy_is_wrapped(app: Cupola) -> None:
    from cupola.cache import get_cache

    app.config["OUTAGE_POLICY"] = {"cache": "open"}
    assert isinstance(get_cache(app), FailOpenCache)


@pytest.mark.parametrize("fail_open", [False, True])
def test_throttle_under_an_outage(app: Cupola, fail_open: bool) -> None:
    throttle = LoginThrottle(Down(), limit=5, window=60, fail_open=fail_open, address_limit=3)
    with app.test_request_context("/"):
        if fail_open:
            assert throttle.reserve("ada") == 0  # let through, uncounted
        else:
            with pytest.raises(Unavailable):
                throttle.reserve("ada")
        throttle.reset("ada")  # after a success: never a 503


def session_app(store: DownStore, sessions_policy: str) -> Cupola:
    app = Cupola(
        __name__,
        config={
            "SECRET_KEY": "k",
            "SESSION_BACKEND": store,
            "CSRF_ENABLED": False,
            "OUTAGE_POLICY": {"sessions": sessions_policy},
        },
    )

    @app.post("/in")
    def log_in() -> str:
        session["user"] = "ada"
        return "in"

    @app.get("/me")
    def me() -> dict[str, Any]:
        return {"user": session.get("user")}

    return app


def test_sessions_closed_answer_503_then_recover(protocol: str) -> None:
    store = DownStore()
    with session_app(store, "closed").test_client(protocol) as client:  # type: ignore[arg-type]
        check_closed(client, store)


def check_closed(client: Any, store: DownStore) -> None:
    client.post("/in")
    store.down = True
    refused = client.get("/me")
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "5"
    store.down = False
    assert client.get("/me").json() == {"user": "ada"}


def test_sessions_open_serve_an_empty_session_and_keep_the_cookie(protocol: str) -> None:
    store = DownStore()
    with session_app(store, "open").test_client(protocol) as client:  # type: ignore[arg-type]
        check_open(client, store)


def check_open(client: Any, store: DownStore) -> None:
    client.post("/in")
    cookie = client.cookies["session"]
    store.down = True
    served = client.get("/me")
    assert served.json() == {"user": None}
    assert "set-cookie" not in served.headers
    written = client.post("/in")  # a write during the outage is not saved
    assert written.status_code == 200
    assert "set-cookie" not in written.headers
    store.down = False
    assert client.cookies["session"] == cookie
    assert client.get("/me").json() == {"user": "ada"}


class SaveFails(DownStore):
    """A store that loads but cannot save: Redis went away during the request."""

    def set(self, sid: str, data: bytes, ttl: int) -> None:
        raise Unavailable("session store")


@pytest.mark.parametrize(("sessions_policy", "status"), [("closed", 503), ("open", 200)])
def test_a_save_that_fails(protocol: str, sessions_policy: str, status: int) -> None:
    app = session_app(SaveFails(), sessions_policy)
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.post("/in")
    assert response.status_code == status
    assert "set-cookie" not in response.headers
