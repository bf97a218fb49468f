"""Secure headers: defaults, views' own values, HSTS over HTTPS, the HTTPS redirect, CSP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cupola import Cupola, Response, StreamingResponse
from cupola.exceptions import ImproperlyConfigured
from cupola.security import DEFAULT_MIDDLEWARE, SecurityHeadersMiddleware
from cupola.testing import TestClient

DEFAULTS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}


def serve(app: Cupola, **config: Any) -> None:
    app.config.update(config)
    app.add_middleware(SecurityHeadersMiddleware)
    app.get("/", endpoint="index")(lambda: "ok")


@pytest.fixture
def https(app: Cupola, protocol: str) -> Iterator[TestClient]:
    with app.test_client(protocol, base_url="https://localhost") as client:  # type: ignore[arg-type]
        yield client


def test_default_headers(app: Cupola, client: TestClient) -> None:
    serve(app)
    response = client.get("/")
    assert {name: response.headers.get(name) for name in DEFAULTS} == DEFAULTS
    assert "strict-transport-security" not in response.headers
    assert "content-security-policy" not in response.headers


def test_headers_reach_errors_and_streams(app: Cupola, client: TestClient) -> None:
    serve(app)
    app.get("/stream", endpoint="stream")(lambda: StreamingResponse(iter(["a", "b"])))
    assert client.get("/missing").headers["x-frame-options"] == "DENY"
    response = client.get("/stream")
    assert (response.text, response.headers["x-content-type-options"]) == ("ab", "nosniff")


@pytest.mark.parametrize("name", ["X-Frame-Options", "x-frame-options", "X-FRAME-OPTIONS"])
def test_a_header_the_view_set_is_kept_once(app: Cupola, client: TestClient, name: str) -> None:
    serve(app)
    app.get("/embeddable", endpoint="embeddable")(
        lambda: Response("ok", headers={name: "SAMEORIGIN"})
    )
    response = client.get("/embeddable")
    assert response.headers.get_list("x-frame-options") == ["SAMEORIGIN"]
    assert response.headers.get_list("x-content-type-options") == ["nosniff"]
    assert response.headers.get_list("referrer-policy") == ["same-origin"]


def test_a_view_set_header_is_kept_after_other_responses(app: Cupola, client: TestClient) -> None:
    serve(app)
    app.get("/plain", endpoint="plain")(lambda: Response("ok", headers={"X-Other": "1"}))
    app.get("/framed", endpoint="framed")(
        lambda: Response("ok", headers={"X-Other": "1", "X-Frame-Options": "SAMEORIGIN"})
    )
    for _ in range(3):  # names seen before are looked up, not lower-cased again
        assert client.get("/plain").headers.get_list("x-frame-options") == ["DENY"]
        assert client.get("/framed").headers.get_list("x-frame-options") == ["SAMEORIGIN"]


@pytest.mark.parametrize(
    ("config", "header", "value"),
    [
        ({"X_FRAME_OPTIONS": "sameorigin"}, "x-frame-options", "SAMEORIGIN"),
        ({"X_FRAME_OPTIONS": None}, "x-frame-options", None),
        ({"SECURE_CONTENT_TYPE_NOSNIFF": False}, "x-content-type-options", None),
        ({"SECURE_REFERRER_POLICY": "no-referrer"}, "referrer-policy", "no-referrer"),
        (
            {"SECURE_REFERRER_POLICY": ["no-referrer", "Strict-Origin-When-Cross-Origin"]},
            "referrer-policy",
            "no-referrer, strict-origin-when-cross-origin",
        ),
        (
            {"SECURE_REFERRER_POLICY": "origin,same-origin"},
            "referrer-policy",
            "origin, same-origin",
        ),
        ({"SECURE_REFERRER_POLICY": None}, "referrer-policy", None),
        (
            {"SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin-allow-popups"},
            "cross-origin-opener-policy",
            "same-origin-allow-popups",
        ),
        ({"SECURE_CROSS_ORIGIN_OPENER_POLICY": None}, "cross-origin-opener-policy", None),
    ],
)
def test_settings_change_or_omit_headers(
    app: Cupola, client: TestClient, config: dict[str, Any], header: str, value: str | None
) -> None:
    serve(app, **config)
    assert client.get("/").headers.get(header) == value


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"SECURE_HSTS_SECONDS": 3600}, "max-age=3600"),
        (
            {"SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True},
            "max-age=31536000; includeSubDomains",
        ),
        (
            {
                "SECURE_HSTS_SECONDS": 63072000,
                "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
                "SECURE_HSTS_PRELOAD": True,
            },
            "max-age=63072000; includeSubDomains; preload",
        ),
    ],
)
def test_hsts_only_over_https(
    app: Cupola, client: TestClient, https: TestClient, config: dict[str, Any], expected: str
) -> None:
    serve(app, **config)
    assert https.get("/").headers.get_list("strict-transport-security") == [expected]
    assert "strict-transport-security" not in client.get("/").headers


def test_no_hsts_by_default_even_over_https(app: Cupola, https: TestClient) -> None:
    serve(app)
    response = https.get("/")
    assert "strict-transport-security" not in response.headers
    assert response.headers["x-frame-options"] == "DENY"


def test_a_view_may_set_its_own_hsts(app: Cupola, https: TestClient) -> None:
    serve(app, SECURE_HSTS_SECONDS=3600)
    app.get("/off", endpoint="off")(
        lambda: Response("ok", headers={"Strict-Transport-Security": "max-age=0"})
    )
    assert https.get("/off").headers.get_list("strict-transport-security") == ["max-age=0"]


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/", "https://localhost/"),
        ("/a/b?x=1&y=2", "https://localhost/a/b?x=1&y=2"),
        ("/caf%C3%A9?q=%20", "https://localhost/caf%C3%A9?q=%20"),
    ],
)
def test_ssl_redirect_keeps_path_and_query(
    app: Cupola, client: TestClient, target: str, location: str
) -> None:
    serve(app, SECURE_SSL_REDIRECT=True)
    response = client.post(target)
    assert response.status_code == 301
    assert response.headers["location"] == location
    assert response.headers["x-content-type-options"] == "nosniff"


def test_ssl_redirect_keeps_the_port(app: Cupola, client: TestClient) -> None:
    serve(app, SECURE_SSL_REDIRECT=True)
    response = client.get("/x", headers={"host": "localhost:8443"})
    assert response.headers["location"] == "https://localhost:8443/x"


def test_ssl_redirect_leaves_https_alone(app: Cupola, https: TestClient) -> None:
    serve(app, SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=60)
    response = https.get("/")
    assert (response.status_code, response.text) == (200, "ok")
    assert response.headers["strict-transport-security"] == "max-age=60"


def test_ssl_redirect_never_sends_to_an_untrusted_host(app: Cupola, client: TestClient) -> None:
    app.config.update(
        MIDDLEWARE=list(DEFAULT_MIDDLEWARE), ALLOWED_HOSTS=["localhost"], SECURE_SSL_REDIRECT=True
    )
    app.get("/")(lambda: "ok")
    assert client.get("/", headers={"host": "evil.test"}).status_code == 400
    assert client.get("/").headers["location"] == "https://localhost/"


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("default-src 'self'", "default-src 'self'"),
        ("  default-src 'none'; img-src data:  ", "default-src 'none'; img-src data:"),
        ({"default-src": ["'self'"]}, "default-src 'self'"),
        (
            {
                "default-src": ["'self'"],
                "img-src": ["'self'", "data:", "https://cdn.example.com"],
                "script-src": "'self'",
                "upgrade-insecure-requests": True,
                "block-all-mixed-content": [],
            },
            "default-src 'self'; img-src 'self' data: https://cdn.example.com; "
            "script-src 'self'; upgrade-insecure-requests; block-all-mixed-content",
        ),
    ],
)
def test_content_security_policy(
    app: Cupola, client: TestClient, policy: Any, expected: str
) -> None:
    serve(app, CONTENT_SECURITY_POLICY=policy)
    assert client.get("/").headers.get_list("content-security-policy") == [expected]


def test_a_view_may_set_its_own_policy(app: Cupola, client: TestClient) -> None:
    serve(app, CONTENT_SECURITY_POLICY={"default-src": ["'self'"]})
    policy = "default-src 'none'"
    app.get("/strict", endpoint="strict")(
        lambda: Response("ok", headers={"Content-Security-Policy": policy})
    )
    assert client.get("/strict").headers.get_list("content-security-policy") == [policy]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"X_FRAME_OPTIONS": "ALLOW-FROM https://x.test"}, "X_FRAME_OPTIONS must be one of"),
        ({"X_FRAME_OPTIONS": "DENY, SAMEORIGIN"}, "X_FRAME_OPTIONS"),
        ({"X_FRAME_OPTIONS": ["DENY"]}, "X_FRAME_OPTIONS"),
        ({"SECURE_REFERRER_POLICY": "same-origin, bogus"}, "SECURE_REFERRER_POLICY"),
        ({"SECURE_REFERRER_POLICY": {"same-origin": 1}}, "SECURE_REFERRER_POLICY"),
        ({"SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-site"}, "OPENER_POLICY"),
        ({"SECURE_HSTS_SECONDS": -1}, "SECURE_HSTS_SECONDS"),
        ({"SECURE_HSTS_SECONDS": "1 year"}, "SECURE_HSTS_SECONDS"),
        ({"SECURE_HSTS_SECONDS": True}, "SECURE_HSTS_SECONDS"),
        ({"CONTENT_SECURITY_POLICY": 42}, "must be a string or a dict"),
        ({"CONTENT_SECURITY_POLICY": "default-src 'self'\r\nX-Evil: 1"}, "Content-Security"),
        ({"CONTENT_SECURITY_POLICY": {"script src": ["'self'"]}}, "is no directive"),
        ({"CONTENT_SECURITY_POLICY": {"script-src": ["'self'; img-src *"]}}, "list of sources"),
        ({"CONTENT_SECURITY_POLICY": {"script-src": ["a b"]}}, "list of sources"),
        ({"CONTENT_SECURITY_POLICY": {"script-src": [""]}}, "list of sources"),
        ({"CONTENT_SECURITY_POLICY": {"script-src": 3}}, "list of sources"),
        ({"CONTENT_SECURITY_POLICY": {"script-src": [None]}}, "list of sources"),
    ],
)
def test_invalid_settings_are_reported_when_the_app_is_built(
    app: Cupola, config: dict[str, Any], message: str
) -> None:
    serve(app, **config)
    with pytest.raises(ImproperlyConfigured, match=message):
        app.build()


class StampedHeaders(SecurityHeadersMiddleware):
    def process_response(self, request: Any, response: Response) -> Response:
        response = super().process_response(request, response)
        response.headers["X-Stamp"] = "stamped"
        return response


def test_a_subclass_overriding_process_response_is_called(app: Cupola, client: TestClient) -> None:
    app.add_middleware(StampedHeaders)
    app.get("/")(lambda: "ok")
    response = client.get("/")
    assert (response.headers["x-stamp"], response.headers["x-frame-options"]) == ("stamped", "DENY")


def test_two_security_header_middleware_send_each_header_once(
    app: Cupola, client: TestClient
) -> None:
    app.config["MIDDLEWARE"] = [SecurityHeadersMiddleware, SecurityHeadersMiddleware]
    app.get("/")(lambda: "ok")
    assert client.get("/").headers.get_list("x-frame-options") == ["DENY"]
