"""The REST parsers and renderers page's example does what its page says."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.example("rest/formats.py")
def test_rest_formats(example: Any) -> None:
    client = example.client
    assert client.get("/scores").json() == [
        {"name": "ann", "score": 3},
        {"name": "bob", "score": 5},
    ]
    response = client.get("/scores?format=csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.text == "name,score\r\nann,3\r\nbob,5\r\n"
    assert client.get("/scores", headers={"Accept": "text/csv"}).text.startswith("name,score")
    indented = client.get("/scores", headers={"Accept": "application/json; indent=2"})
    assert indented.text.startswith('[\n  {\n    "name": "ann"')
    response = client.get("/scores", headers={"Accept": "application/xml"})
    assert response.status_code == 406
    assert response.json() == {"detail": "Could not satisfy the request Accept header."}

    text = {"Content-Type": "text/plain"}
    response = client.post("/scores", content=b"cy = 7", headers=text)
    assert (response.status_code, response.json()) == (201, {"name": "cy", "score": 7})
    response = client.post("/scores", content=b"cy", headers=text)
    assert (response.status_code, response.json()) == (400, {"detail": "Expected name=score."})
    response = client.post("/scores", data={"name": "dee", "score": "1"})
    assert response.status_code == 415
    assert response.json() == {
        "detail": 'Unsupported media type "application/x-www-form-urlencoded" in request.'
    }
