"""The REST versioning page's example does what docs/rest/versioning.md says."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.example("rest/versioning/app.py")
def test_versioning_app(example: Any) -> None:
    client = example.client
    book = {"title": "Emma", "url": "http://localhost/api/v1/books/1/"}
    assert client.get("/api/v1/books/").json() == [book]
    v2 = client.get("/api/v2/books/").json()
    assert v2 == {"results": [{"title": "Emma", "url": "http://localhost/api/v2/books/1/"}]}
    assert client.get("/api/v2/books/1/").json() == {"pk": 1, "version": "v2"}
    unknown = client.get("/api/v3/books/")
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"detail": "Invalid version in URL path."},
    )
    assert client.get("/legacy/v2/books/").json() == {
        "version": "v2",
        "self": "http://localhost/legacy/v2/books/",
    }
