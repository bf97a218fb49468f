"""The REST requests and responses page's example does what its page says."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.example("rest/requests.py")
def test_rest_requests(example: Any) -> None:
    client = example.client
    response = client.post("/notes/", json={"text": "Buy milk"})
    assert response.status_code == 201
    assert response.json() == {"id": 1, "text": "Buy milk"}
    assert response.headers["Location"] == "http://localhost/notes/1"
    client.post("/notes/", data={"text": "Call Bob"})  # a form works the same way
    assert client.get("/notes/?limit=1").json() == [{"id": 1, "text": "Buy milk"}]
    assert len(client.get("/notes/").json()) == 2

    response = client.post("/notes/", json={"text": " "})
    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "title": "Bad Request",
        "detail": None,
        "errors": {"text": ["This field may not be blank."]},
    }
    response = client.get("/notes/7")
    assert response.json() == {
        "status": 404,
        "title": "Not Found",
        "detail": "Not found.",
        "errors": None,
    }
    response = client.delete("/notes/1")
    assert (response.status_code, response.content) == (204, b"")
    assert "Content-Type" not in response.headers
