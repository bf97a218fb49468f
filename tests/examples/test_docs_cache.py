"""The caching page's examples do what docs/cache.md says."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.example("cache/app.py")
def test_cache_app(example: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    client = example.client
    looked_up: list[int] = []
    slow_title = example.slow_title
    monkeypatch.setattr(
        example, "slow_title", lambda book_id: looked_up.append(book_id) or slow_title(book_id)
    )

    assert client.get("/books/1").json() == {"title": "Emma"}
    assert client.get("/books/1").json() == {"title": "Emma"}
    assert looked_up == [1]

    assert [client.post("/books/2/reads").json()["reads"] for _ in range(3)] == [1, 2, 3]

    first = client.get("/report").json()
    assert client.get("/report").json() == first
    assert client.get("/report?fresh=1").json() != first
