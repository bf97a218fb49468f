"""The Redis cache: counters shared by processes, prefixes (cupola/cache/redis.py)."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap

import pytest

from cupola import Cupola
from cupola.cache import CacheUnavailable, RedisCache, cache
from cupola.exceptions import ImproperlyConfigured

INCREMENTS = 2000

WORKER = textwrap.dedent(
    """
    import sys
    from cupola.cache import RedisCache

    url, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    cache = RedisCache.from_url(url, prefix=prefix)
    print("ready", flush=True)
    sys.stdin.readline()  # start together
    for _ in range(count):
        cache.incr("shared", ttl=60)
    cache.close()
    """
)


def test_two_processes_share_one_counter_exactly(redis_cache: RedisCache, redis_url: str) -> None:
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, redis_url, redis_cache.prefix, str(INCREMENTS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None and worker.stdout.readline() == "ready\n"
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
            worker.stdin.close()
        for worker in workers:
            assert worker.wait(timeout=60) == 0
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
            if worker.stdout is not None:
                worker.stdout.close()
    assert redis_cache.get("shared") == 2 * INCREMENTS
    assert 0 < redis_cache.client.pttl(redis_cache.prefix + "shared") <= 60_000


def test_a_counter_gets_its_ttl_in_the_same_step(redis_cache: RedisCache) -> None:
    redis_cache.incr("n", ttl=30)
    assert 0 < redis_cache.client.pttl(redis_cache.prefix + "n") <= 30_000
    redis_cache.incr("forever", ttl=None)
    assert redis_cache.client.pttl(redis_cache.prefix + "forever") <= 300_000  # default TTL


def test_keys_live_under_the_prefix(redis_cache: RedisCache) -> None:
    redis_cache.set("k", {"a": 1})
    assert redis_cache.client.get(redis_cache.prefix + "k") == b'{"a":1}'


def test_clear_leaves_other_prefixes_alone(redis_url: str, redis_prefix: str) -> None:
    # Glob characters in a prefix match only themselves.
    mine = RedisCache.from_url(redis_url, prefix=redis_prefix + "[a]*?:")
    other = RedisCache.from_url(redis_url, prefix=redis_prefix + "a:")
    try:
        for number in range(1200):  # more than one batch of deletions
            mine.set(f"k{number}", number)
        other.set("k", "kept")
        mine.clear()
        assert mine.get_many([f"k{number}" for number in range(1200)]) == {}
        assert other.get("k") == "kept"
    finally:
        other.clear()
        mine.close()
        other.close()


def test_clear_needs_a_prefix(redis_url: str) -> None:
    cache = RedisCache.from_url(redis_url, prefix="")
    try:
        with pytest.raises(ImproperlyConfigured, match="CACHE_KEY_PREFIX"):
            cache.clear()
    finally:
        cache.close()


def unreachable_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again: nothing listens there


def test_an_unreachable_redis_is_a_503(caplog: pytest.LogCaptureFixture) -> None:
    cache = RedisCache.from_url(f"redis://127.0.0.1:{unreachable_port()}/0", prefix="p:")
    calls = [
        lambda: cache.get("k"),
        lambda: cache.set("k", 1),
        lambda: cache.add("k", 1),
        lambda: cache.delete("k"),
        lambda: cache.incr("k"),
        lambda: cache.has("k"),
        lambda: cache.get_many(["k"]),
        lambda: cache.set_many({"k": 1}),
        lambda: cache.delete_many(["k"]),
        cache.clear,
    ]
    for call in calls:
        with pytest.raises(CacheUnavailable) as refused:
            call()
        assert (refused.value.code, refused.value.headers) == (503, [("Retry-After", "5")])
    assert "Cache unavailable" in caplog.text
    cache.close()


def test_an_app_answers_503_while_its_cache_is_down(protocol: str) -> None:
    app = Cupola(__name__, config={"CACHE_URL": f"redis://127.0.0.1:{unreachable_port()}/0"})

    @app.get("/count")
    def count() -> dict[str, int]:
        return {"n": cache.incr("n")}

    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get("/count")
    assert response.status_code == 503
    assert "The cache is unavailable" in response.text
    assert "127.0.0.1" not in response.text
