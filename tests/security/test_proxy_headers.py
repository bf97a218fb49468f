"""Proxy headers: honoured from trusted proxies only (count or networks), spoofing ignored."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import Any

import pytest

from cupola import Cupola
from cupola.exceptions import ImproperlyConfigured
from cupola.http.request import Request
from cupola.security import DEFAULT_MIDDLEWARE, ProxyHeadersMiddleware
from cupola.testing import TestClient

# The test client connects from 127.0.0.1 under both protocols.
DIRECT = {"remote_addr": "127.0.0.1", "scheme": "http", "host": "localhost"}


def serve(
    app: Cupola, trusted: Any, stack: Sequence[Any] = (ProxyHeadersMiddleware,), **config: Any
) -> None:
    app.config.update(TRUSTED_PROXIES=trusted, MIDDLEWARE=list(stack), **config)

    @app.get("/")
    def echo(request: Request) -> dict[str, Any]:
        return {
            "remote_addr": request.remote_addr,
            "scheme": request.scheme,
            "host": request.host,
        }


def seen(client: TestClient, **headers: str) -> dict[str, Any]:
    sent = {name.replace("_", "-"): value for name, value in headers.items()}
    response = client.get("/", headers=sent)
    assert response.status_code == 200
    return dict(response.json())


SPOOF = {
    "x_forwarded_for": "203.0.113.7",
    "x_forwarded_proto": "https",
    "x_forwarded_host": "shop.example",
}


@pytest.mark.parametrize("trusted", [[], 0, None, ["10.0.0.0/8"], ["::1"]])
def test_headers_are_ignored_unless_the_peer_is_trusted(
    app: Cupola, client: TestClient, trusted: Any
) -> None:
    serve(app, trusted)
    assert seen(client, **SPOOF) == DIRECT


@pytest.mark.parametrize("trusted", [1, ["127.0.0.1"], ["127.0.0.0/8", "10.0.0.0/8"]])
def test_a_trusted_proxy_reports_the_client(app: Cupola, client: TestClient, trusted: Any) -> None:
    serve(app, trusted)
    assert seen(client, **SPOOF) == {
        "remote_addr": "203.0.113.7",
        "scheme": "https",
        "host": "shop.example",
    }


def test_the_url_and_is_secure_follow_the_proxy(app: Cupola, client: TestClient) -> None:
    serve(app, 1)

    @app.get("/url")
    def url(request: Request) -> dict[str, Any]:
        return {"url": request.url, "secure": request.is_secure}

    response = client.get(
        "/url?a=1", headers={"x-forwarded-proto": "https", "x-forwarded-host": "s.test:8443"}
    )
    assert response.json() == {"url": "https://s.test:8443/url?a=1", "secure": True}


@pytest.mark.parametrize(
    ("trusted", "forwarded_for", "client_addr"),
    [
        # The client prepends a made-up address; the proxy appends the real one.
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (3, "203.0.113.7, 10.0.0.3, 10.0.0.2", "203.0.113.7"),
        # Fewer hops than proxies: the header did not come through them all.
        (2, "203.0.113.7", "127.0.0.1"),
        (["127.0.0.1", "10.0.0.0/8"], "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (["127.0.0.1", "10.0.0.0/8"], "203.0.113.7,10.0.0.9", "203.0.113.7"),
        # Every hop is a proxy: the furthest one stands for the client.
        (["127.0.0.1", "10.0.0.0/8"], "10.0.0.3, 10.0.0.2", "10.0.0.3"),
        (1, "2001:db8::1", "2001:db8::1"),
        (1, "2001:DB8:0::1", "2001:db8::1"),
        (1, "::ffff:203.0.113.7", "203.0.113.7"),
        (["127.0.0.1", "2001:db8::/32"], "203.0.113.7, 2001:db8::5", "203.0.113.7"),
    ],
)
def test_forwarded_for_hops(
    app: Cupola, client: TestClient, trusted: Any, forwarded_for: str, client_addr: str
) -> None:
    serve(app, trusted)
    assert seen(client, x_forwarded_for=forwarded_for)["remote_addr"] == client_addr


@pytest.mark.parametrize("trusted", [1, ["127.0.0.1"]])
@pytest.mark.parametrize(
    "headers",
    [
        {"x_forwarded_for": "not-an-address"},
        {"x_forwarded_for": ""},
        {"x_forwarded_for": ","},
        {"x_forwarded_for": "203.0.113.7:443"},
        {"x_forwarded_for": "203.0.113.7, garbage"},
        {"x_forwarded_for": "999.1.1.1"},
        {"x_forwarded_proto": "ftp"},
        {"x_forwarded_proto": "javascript"},
        {"x_forwarded_proto": ""},
        {"x_forwarded_host": "bad host"},
        {"x_forwarded_host": "evil.test/path"},
        {"x_forwarded_host": "evil.test:99999"},
        {"x_forwarded_host": ""},
    ],
)
def test_malformed_values_are_ignored(
    app: Cupola, client: TestClient, trusted: Any, headers: dict[str, str]
) -> None:
    serve(app, trusted)
    assert seen(client, **headers) == DIRECT


def test_malformed_client_hop_is_ignored_behind_trusted_networks(
    app: Cupola, client: TestClient
) -> None:
    serve(app, ["127.0.0.1", "10.0.0.0/8"])
    assert seen(client, x_forwarded_for="garbage, 10.0.0.2")["remote_addr"] == "127.0.0.1"


@pytest.mark.parametrize(
    ("proto", "host", "expected"),
    [
        ("HTTPS", "Shop.example", ("https", "Shop.example")),
        ("http, https", "a.test, b.test", ("https", "b.test")),
        ("https", "[2001:db8::1]:8443", ("https", "[2001:db8::1]:8443")),
    ],
)
def test_proto_and_host_come_from_the_nearest_proxy(
    app: Cupola, client: TestClient, proto: str, host: str, expected: tuple[str, str]
) -> None:
    serve(app, 1)
    data = seen(client, x_forwarded_proto=proto, x_forwarded_host=host)
    assert (data["scheme"], data["host"], data["remote_addr"]) == (*expected, "127.0.0.1")


def test_trusted_hosts_check_the_forwarded_host(app: Cupola, client: TestClient) -> None:
    serve(app, ["127.0.0.1"], DEFAULT_MIDDLEWARE, ALLOWED_HOSTS=["shop.example"])
    assert client.get("/", headers={"x-forwarded-host": "shop.example"}).status_code == 200
    assert client.get("/", headers={"x-forwarded-host": "evil.test"}).status_code == 400
    assert client.get("/").status_code == 400  # the proxy's own Host is not served


def test_untrusted_forwarded_host_is_not_checked(app: Cupola, client: TestClient) -> None:
    serve(app, ["10.0.0.0/8"], DEFAULT_MIDDLEWARE, ALLOWED_HOSTS=["shop.example"])
    assert client.get("/", headers={"x-forwarded-host": "shop.example"}).status_code == 400


def test_ssl_redirect_trusts_the_proxy_scheme(app: Cupola, client: TestClient) -> None:
    secure = {"SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 600}
    serve(app, 1, DEFAULT_MIDDLEWARE, ALLOWED_HOSTS=["localhost"], **secure)
    response = client.get("/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200
    assert response.headers["strict-transport-security"] == "max-age=600"
    assert client.get("/").status_code == 301


def test_spoofed_scheme_from_an_untrusted_peer_still_redirects(
    app: Cupola, client: TestClient
) -> None:
    secure = {"SECURE_SSL_REDIRECT": True}
    serve(app, ["10.0.0.0/8"], DEFAULT_MIDDLEWARE, ALLOWED_HOSTS=["localhost"], **secure)
    assert client.get("/", headers={"x-forwarded-proto": "https"}).status_code == 301


def test_proxy_headers_run_first_in_the_default_stack() -> None:
    assert DEFAULT_MIDDLEWARE == (
        "cupola.security.ProxyHeadersMiddleware",
        "cupola.security.TrustedHostMiddleware",
        "cupola.security.SecurityHeadersMiddleware",
    )


@pytest.mark.parametrize(
    "setting", ["10.0.0.0/8", ["not-a-network"], [None], -1, True, 2.5, ["10.0.0.0/33"]]
)
def test_invalid_trusted_proxies_are_reported(app: Cupola, setting: Any) -> None:
    serve(app, setting)
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        app.build()


def test_many_peers_are_each_checked(app: Cupola) -> None:
    serve(app, ["10.0.0.0/8"])

    def from_peer(peer: str) -> dict[str, Any]:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": "/",
            "REMOTE_ADDR": peer,
            "HTTP_HOST": "localhost",
            "HTTP_X_FORWARDED_FOR": "203.0.113.7",
            "wsgi.input": io.BytesIO(),
        }
        body = b"".join(app(environ, lambda status, headers, exc_info=None: None))
        return dict(json.loads(body))

    for number in range(300):  # more peers than are remembered
        assert from_peer(f"192.0.2.{number % 256}")["remote_addr"].startswith("192.0.2.")
        assert from_peer(f"10.0.{number // 256}.{number % 256}")["remote_addr"] == "203.0.113.7"
