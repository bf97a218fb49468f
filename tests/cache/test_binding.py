"""Which cache an app uses: ``CACHE_URL`` and the ``cache`` proxy (cupola/cache/binding.py)."""

from __future__ import annotations

from typing import Any

import pytest

from cupola import Cupola
from cupola.cache import MemoryCache, RedisCache, cache, cache_from_url, get_cache
from cupola.exceptions import ImproperlyConfigured
from cupola.testing import TestClient


def test_the_proxy_uses_the_current_apps_cache(app: Cupola, client: TestClient) -> None:
    @app.post("/hit")
    def hit() -> dict[str, Any]:
        return {"hits": cache.incr("hits", ttl=60)}

    assert [client.post("/hit").json()["hits"] for _ in range(3)] == [1, 2, 3]
    with app.app_context():
        assert cache.get("hits") == 3
        assert get_cache(app) is get_cache(app)


def test_the_configured_backend_and_settings(app: Cupola) -> None:
    backend = get_cache(app)
    expected = MemoryCache if app.config["CACHE_URL"] == "memory://" else RedisCache
    assert isinstance(backend, expected)
    assert backend.prefix == app.config["CACHE_KEY_PREFIX"]
    assert backend.default_ttl == 300


def test_a_config_change_gives_a_new_backend_and_keeps_the_old_data() -> None:
    app = Cupola(__name__)
    first = get_cache(app)
    first.set("k", 1)
    app.config["CACHE_DEFAULT_TTL"] = 60
    second = get_cache(app)
    assert second is not first and second.default_ttl == 60
    app.config["CACHE_DEFAULT_TTL"] = 300
    assert get_cache(app) is first and first.get("k") == 1


def test_apps_have_their_own_memory_caches() -> None:
    one, two = Cupola(__name__), Cupola(__name__)
    get_cache(one).set("k", "one")
    assert get_cache(two).get("k") is None


def test_a_cache_instance_may_be_configured() -> None:
    backend = MemoryCache()
    app = Cupola(__name__, config={"CACHE_URL": backend})
    assert get_cache(app) is backend


@pytest.mark.parametrize("url", ["memcached://x", "", 42])
def test_unknown_caches_are_refused(url: Any) -> None:
    app = Cupola(__name__, config={"CACHE_URL": url})
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        get_cache(app)


def test_cache_from_url() -> None:
    backend = cache_from_url("memory://", prefix="p:", default_ttl=None, max_entries=5)
    assert isinstance(backend, MemoryCache)
    assert (backend.prefix, backend.default_ttl, backend.max_entries) == ("p:", None, 5)


def test_outside_a_context_the_proxy_says_how_to_fix_it() -> None:
    with pytest.raises(RuntimeError, match="app_context"):
        cache.get("k")
