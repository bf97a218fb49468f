"""is_safe_redirect: relative URLs and this app's hosts pass; open-redirect tricks do not."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cupola import Cupola, redirect
from cupola.http.request import Request
from cupola.http.response import Response
from cupola.security import is_safe_redirect
from cupola.testing import TestClient

RELATIVE = [
    "/",
    "/account",
    "/account/orders?page=2&sort=-date#latest",
    "/path:with:colons",
    "/%2F%2Fevil.test",
    "/a b",
    "orders",
    "orders?page=2",
    "./orders",
    "../orders",
    "?page=2",
    "#top",
]

ATTACKS = [
    "",
    "//evil.test",
    "//evil.test/path",
    "///evil.test",
    "////evil.test",
    "\\\\evil.test",
    "/\\evil.test",
    "\\/evil.test",
    "/\\/evil.test",
    "http://evil.test\\@localhost/",
    "http://localhost\\@evil.test/",
    "http:///evil.test",
    "https:///evil.test",
    "http:/evil.test",
    "https:evil.test",
    "http:evil.test/",
    "http://evil.test",
    "https://evil.test/login",
    "http://localhost.evil.test/",
    "http://evil.test#@localhost/",
    "http://evil.test?@localhost/",
    "http://evil.test@localhost/",
    "http://localhost@evil.test/",
    "http://localhost:99999/",
    "http://localhost:port/",
    "http://[::1/",
    "http://:80/",
    "http://",
    "https:",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "javascript://localhost/%0Aalert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "javascript\x00:alert(1)",
    "java script:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "mailto:someone@example.com",
    "ftp://localhost/file",
    "localhost:8000/path",
    ":path",
    "/\t/evil.test",
    "/\n/evil.test",
    "/\r\n/evil.test",
    "/ok\x7f",
    "/ok\x85",
    " /account",
    "/account ",
    "\u3000//evil.test",
    "/account\x00",
    "http://ex\u0430mple.com/",
]


@pytest.mark.parametrize("url", RELATIVE)
def test_relative_urls_are_safe(url: str) -> None:
    assert is_safe_redirect(url)


@pytest.mark.parametrize("url", ATTACKS)
def test_attacks_are_refused(url: str) -> None:
    assert not is_safe_redirect(url)
    assert not is_safe_redirect(url, allowed_hosts=["localhost", "example.com"])


@pytest.mark.parametrize("url", ATTACKS)
def test_attacks_are_refused_inside_a_request(app: Cupola, url: str) -> None:
    app.config["ALLOWED_HOSTS"] = ["localhost", "example.com"]
    with app.test_request_context("/login"):
        assert not is_safe_redirect(url)


@pytest.mark.parametrize(
    ("url", "allowed", "safe"),
    [
        ("https://example.com/", ["example.com"], True),
        ("HTTP://EXAMPLE.COM/a?b#c", ["example.com"], True),
        ("https://example.com:8443/", ["example.com"], True),
        ("https://example.com./", ["example.com"], True),
        ("https://shop.example.com/", [".example.com"], True),
        ("https://example.com/", [".example.com"], True),
        ("https://example.com/", "example.com", True),
        ("http://[::1]:8000/", ["[::1]"], True),
        ("http://127.0.0.1/", ["127.0.0.1"], True),
        ("https://shop.example.com/", ["example.com"], False),
        ("https://evilexample.com/", [".example.com"], False),
        ("https://example.com.evil.test/", [".example.com"], False),
        ("https://evil.test/", ["*"], False),
        ("https://example.com/", None, False),
        ("https://example.com/", [], False),
    ],
)
def test_absolute_urls_to_allowed_hosts(url: str, allowed: Any, safe: bool) -> None:
    assert is_safe_redirect(url, allowed_hosts=allowed) is safe


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("http://shop.test:8000/cart", True),
        ("HTTPS://Shop.Test:8000/cart", True),
        ("http://shop.test:9000/cart", False),
        ("http://shop.test/cart", False),
        ("https://docs.example.org/", True),
        ("https://example.org/", True),
        ("https://evil.test/", False),
    ],
)
def test_inside_a_request_the_app_hosts_are_allowed(app: Cupola, url: str, safe: bool) -> None:
    app.config["ALLOWED_HOSTS"] = [".example.org"]
    with app.test_request_context("/login", base_url="http://shop.test:8000"):
        assert is_safe_redirect(url) is safe


def test_inside_a_request_allowed_hosts_ignore_the_port(app: Cupola) -> None:
    app.config["ALLOWED_HOSTS"] = ["shop.test"]
    with app.test_request_context("/login", base_url="http://shop.test:8000"):
        assert is_safe_redirect("http://shop.test:9000/cart")
        assert is_safe_redirect("https://other.test/", allowed_hosts=["other.test"])


@pytest.mark.parametrize("flag", ["DEBUG", "TESTING"])
def test_unset_allowed_hosts_mean_local_hosts_in_debug(app: Cupola, flag: str) -> None:
    app.config[flag] = True
    with app.test_request_context("/", base_url="http://app.test"):
        assert is_safe_redirect("http://127.0.0.1:5000/")
        assert not is_safe_redirect("http://evil.test/")


@pytest.mark.parametrize("setting", [None, ["bad host:80"], "example.com"])
def test_a_broken_setting_inside_a_request_never_raises(app: Cupola, setting: Any) -> None:
    app.config["ALLOWED_HOSTS"] = setting
    with app.test_request_context("/", base_url="http://app.test"):
        assert is_safe_redirect("/next")
        assert is_safe_redirect("http://app.test/next")
        assert not is_safe_redirect("http://example.com/next")


@pytest.mark.parametrize("value", [None, 42, b"/account", ["/"]])
def test_values_that_are_not_strings_are_refused(value: Any) -> None:
    assert not is_safe_redirect(value)


@given(st.text())
def test_never_raises_on_any_text(url: str) -> None:
    is_safe_redirect(url, allowed_hosts=["example.com", ".example.org"])


URL_CHARS = st.sampled_from([*"/\\:@.?#%[] \t\nhtps", "http", "//", "example.com", "\x00"])


@given(st.lists(URL_CHARS, max_size=12).map("".join))
def test_url_shaped_text_never_raises_and_accepted_urls_are_plain(url: str) -> None:
    if is_safe_redirect(url, allowed_hosts=["example.com"]):
        assert not url.startswith("//")
        assert "\\" not in url
        assert not any(char in url for char in "\t\n\x00")
        assert url.strip() == url


def test_a_login_view_redirects_only_to_safe_targets(app: Cupola, client: TestClient) -> None:
    @app.get("/login")
    def login(request: Request) -> Response:
        target = request.args.get("next", "/")
        return redirect(target if is_safe_redirect(target) else "/")

    cases = {
        "/account?tab=2": "/account?tab=2",
        "http://localhost/account": "http://localhost/account",
        "//evil.test/": "/",
        "https://evil.test/": "/",
        "javascript:alert(1)": "/",
        "/\\evil.test": "/",
        "\r\nSet-Cookie: x=1": "/",
    }
    for target, location in cases.items():
        response = client.get("/login", query={"next": target})
        assert response.status_code == 302, target
        assert response.headers["location"] == location, target
