"""The cache panel: each cupola.cache call of a request, with hits and misses."""

from __future__ import annotations

from typing import Any

from cupola import Cupola
from cupola.cache import cache
from cupola.testing import TestClient

from ...conftest import details, panel


def test_calls_hits_and_misses(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def view() -> Any:
        cache.set("greeting", "hello")
        found = cache.get("greeting")
        missing = cache.get("absent", "fallback")
        many = cache.get_many(k for k in ["greeting", "nope"])  # counted once, not per key
        return {"found": found, "missing": missing, "many": many}

    response = client.get("/")
    assert response.json() == {
        "found": "hello",
        "missing": "fallback",
        "many": {"greeting": "hello"},
    }
    page = panel(details(client, response.headers["X-Debug-Id"]), "cache")
    assert "4 calls · 2 hits · 2 misses" in page
    assert "<td>set</td><td>greeting</td><td>0</td><td>0</td>" in page
    assert "<td>get</td><td>greeting</td><td>1</td><td>0</td>" in page
    assert "<td>get</td><td>absent</td><td>0</td><td>1</td>" in page
    assert "<td>get_many</td><td>greeting, nope</td><td>1</td><td>1</td>" in page


def test_calls_outside_requests_work_unrecorded(app: Cupola, client: TestClient) -> None:
    app.build()
    with app.app_context():
        cache.set("k", 1)
        assert cache.get("k") == 1
        assert cache.get("other", 5) == 5
