from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

pytestmark = pytest.mark.e2e

LIMIT = 64 * 1024  # MAX_CONTENT_LENGTH of apps/e2e_app.py


def test_plain_text(client: httpx.Client) -> None:
    response = client.get("/plain")
    assert response.status_code == 200
    assert response.text == "Hello, world!"
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["content-length"] == "13"


def test_head_has_no_body(client: httpx.Client) -> None:
    response = client.head("/plain")
    assert response.status_code == 200
    assert response.content == b""


def test_json_echo(client: httpx.Client) -> None:
    payload = {"text": "héllo", "items": [1, 2.5, None, True], "nested": {"a": []}}
    response = client.post("/echo", json=payload)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"got": payload}


def test_malformed_json_is_a_400(client: httpx.Client) -> None:
    response = client.post(
        "/echo", content=b'{"unterminated', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400


def test_form_post(client: httpx.Client) -> None:
    response = client.post("/form", data={"name": "Ada Lovelace", "tag": ["a", "b & c"]})
    assert response.status_code == 200
    assert response.json() == {"name": "Ada Lovelace", "tags": ["a", "b & c"]}


def test_streaming_response(client: httpx.Client) -> None:
    with client.stream("GET", "/stream") as response:
        assert response.status_code == 200
        body = b"".join(response.iter_bytes())
    assert body == b"".join(f"chunk {n}\n".encode() for n in range(5))


def test_redirect(client: httpx.Client) -> None:
    response = client.get("/redirect")
    assert response.status_code == 302
    assert response.headers["location"] == "/plain"
    assert client.get("/redirect", follow_redirects=True).text == "Hello, world!"


def test_not_found(client: httpx.Client) -> None:
    assert client.get("/missing").status_code == 404


def test_method_not_allowed(client: httpx.Client) -> None:
    response = client.delete("/plain")
    assert response.status_code == 405
    assert set(response.headers["allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}


def test_async_view(client: httpx.Client) -> None:
    assert client.get("/async").json() == {"async": True}


def test_cookie_round_trip(client: httpx.Client) -> None:
    assert client.get("/cookie/get").json() == {"flavour": None}
    response = client.get("/cookie/set")
    assert "flavour=oatmeal" in response.headers["set-cookie"]
    assert client.get("/cookie/get").json() == {"flavour": "oatmeal"}


def test_body_within_the_limit(client: httpx.Client) -> None:
    assert client.post("/upload", content=b"x" * LIMIT).json() == {"size": LIMIT}


def test_body_over_the_limit_is_a_413(client: httpx.Client) -> None:
    response = client.post("/upload", content=b"x" * (LIMIT + 1))
    assert response.status_code == 413


def chunks(total: int, size: int = 8 * 1024) -> Iterator[bytes]:
    while total > 0:
        yield b"y" * min(size, total)
        total -= size


def test_chunked_body_within_the_limit(client: httpx.Client) -> None:
    request = client.build_request("POST", "/upload", content=chunks(LIMIT))
    assert "content-length" not in request.headers
    assert request.headers["transfer-encoding"] == "chunked"
    assert client.send(request).json() == {"size": LIMIT}


def test_chunked_body_over_the_limit_is_a_413(client: httpx.Client) -> None:
    request = client.build_request("POST", "/upload", content=chunks(LIMIT + 1))
    assert "content-length" not in request.headers
    assert client.send(request).status_code == 413
