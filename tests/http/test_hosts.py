from __future__ import annotations

import asyncio

import pytest

from cupola import Cupola
from cupola.http.hosts import host_error, is_valid_host
from cupola.testing import TestClient


@pytest.fixture
def app() -> Cupola:
    app = Cupola(__name__, config={"ALLOWED_HOSTS": ["*"]})
    app.get("/")(lambda: "ok")
    return app


@pytest.mark.parametrize(
    "host", ["localhost", "localhost:8000", "127.0.0.1", "[::1]:8000", "a-b.example.com"]
)
def test_valid_hosts(host: str) -> None:
    assert is_valid_host(host)


@pytest.mark.parametrize(
    "host", ["", "bad host", "a/b", "example.com:99999", "example.com:", "[::1", "x@y:z"]
)
def test_malformed_hosts(host: str) -> None:
    assert not is_valid_host(host)


def test_host_errors_name_the_problem() -> None:
    assert host_error([], "1.1") is not None
    assert "no Host" in str(host_error([], "1.1"))
    assert host_error([], "1.0") is None
    assert "more than one" in str(host_error(["a", "b"], "1.1"))
    assert "malformed" in str(host_error(["a b"], "1.1"))
    assert host_error(["example.com"], "2") is None


@pytest.mark.parametrize("host", ["bad host", "example.com:99999"])
def test_malformed_host_is_400_on_every_route(client: TestClient, host: str) -> None:
    response = client.get("/", headers={"host": host})
    assert response.status_code == 400
    assert "Host header is malformed" in response.text


def test_valid_host_is_served(client: TestClient) -> None:
    assert client.get("/", headers={"host": "example.com:8080"}).status_code == 200


def test_duplicate_host_is_400_under_asgi(app: Cupola, asgi_call: object) -> None:
    response = asyncio.run(asgi_call("GET", b"/", headers=[("host", "other.example")]))  # type: ignore[operator]
    assert response.status == 400
    assert b"more than one Host" in response.body
