"""The REST views page's example does what docs/rest/views.md says."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.example("rest/views.py")
def test_rest_views(example: Any) -> None:
    client = example.client
    response = client.get("/books/")
    assert response.json() == [{"id": 1, "title": "Dune"}]
    assert response.headers["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert response.headers["Vary"] == "Accept"

    response = client.post("/books/", json={"title": "Emma"})
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response.headers["WWW-Authenticate"] == "Key"
    wrong = client.post("/books/", json={"title": "Emma"}, headers={"Authorization": "Key x"})
    assert (wrong.status_code, wrong.json()) == (401, {"detail": "Invalid key."})

    key = {"Authorization": "Key s3cret"}
    response = client.post("/books/", json={"title": "Emma"}, headers=key)
    assert (response.status_code, response.json()) == (201, {"id": 2, "title": "Emma"})
    response = client.post("/books/", json={}, headers=key)
    assert (response.status_code, response.json()) == (400, {"title": ["This field is required."]})
    response = client.put("/books/", json={}, headers=key)
    assert (response.status_code, response.json()) == (405, {"detail": 'Method "PUT" not allowed.'})

    assert client.get("/books/2/").json() == {"id": 2, "title": "Emma"}
    assert client.get("/books/9/").json() == {"detail": "No book 9."}
    assert client.get("/whoami").json() == {"user": None}
    assert client.get("/whoami", headers=key).json() == {"user": "ann"}

    response = client.options("/books/")
    assert response.json()["name"] == "Book List"
    assert response.json()["description"] == "The books on the shelf."
