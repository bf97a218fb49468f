"""CSRF protection on both protocols: the origin layer, the token layer, exemptions, failures."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cupola import Blueprint, Cupola, Response, View, request, session
from cupola.csrf import (
    CSRFError,
    CsrfMiddleware,
    TrustedOrigins,
    csrf_exempt,
    csrf_token,
    origin_of,
)
from cupola.exceptions import ImproperlyConfigured
from cupola.sessions import SessionMiddleware
from cupola.templating import render_string
from cupola.testing import TestClient

SECRET_KEY = "csrf-test-secret"
HTTPS = "https://localhost"


def make_app(**config: Any) -> Cupola:
    """An app with sessions and CSRF protection, and the routes the tests use."""
    app = Cupola(__name__, config={"SECRET_KEY": SECRET_KEY, "TESTING": True, **config})
    app.add_middleware(SessionMiddleware)
    app.add_middleware(CsrfMiddleware)

    @app.get("/token")
    def token() -> dict[str, str]:
        return {"token": csrf_token()}

    @app.get("/visit")
    def visit() -> str:
        session["visited"] = True  # a session cookie without a CSRF secret
        return "ok"

    @app.route("/submit", methods=["POST", "PUT", "PATCH", "DELETE", "GET", "HEAD"])
    def submit() -> str:
        return f"done {request.method}"

    @app.post("/login")
    def login() -> str:
        session.regenerate()
        session["user"] = "ada"
        return "logged in"

    return app


@pytest.fixture
def app() -> Cupola:
    return make_app()


@pytest.fixture
def client(app: Cupola, protocol: str) -> Iterator[TestClient]:
    """A client that sends no origin signal unless a test sets one, so tokens are needed."""
    with app.test_client(protocol, enforce_csrf_checks=True) as test_client:  # type: ignore[arg-type]
        yield test_client


@pytest.fixture
def clients(protocol: str) -> Iterator[Callable[..., TestClient]]:
    """``clients(app, **kwargs)``: more test clients over the test's protocol, closed after."""
    opened: list[TestClient] = []

    def open_client(app: Cupola, **kwargs: Any) -> TestClient:
        kwargs.setdefault("enforce_csrf_checks", True)
        client = app.test_client(protocol, **kwargs)  # type: ignore[arg-type]
        opened.append(client.__enter__())
        return client

    yield open_client
    for client in opened:
        client.__exit__()


def get_token(client: TestClient) -> str:
    response = client.get("/token")
    assert response.status_code == 200
    token: str = response.json()["token"]
    return token


def assert_refused(response: Any, reason: str) -> None:
    assert response.status_code == 403, response.text
    assert f"CSRF check failed: {reason}" in response.text


# -- the token layer ---------------------------------------------------------------------------


def test_safe_methods_pass_without_anything(client: TestClient) -> None:
    assert client.get("/submit").text == "done GET"
    assert client.head("/submit").status_code == 200
    assert client.options("/submit").status_code == 200


def test_post_without_session_cookie_or_origin_passes(client: TestClient) -> None:
    """A script or API client sends no ambient credentials: nothing to forge."""
    assert client.post("/submit", data={"x": "1"}).text == "done POST"
    assert client.post("/submit", json={"x": 1}).text == "done POST"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_unsafe_method_with_session_cookie_needs_token(client: TestClient, method: str) -> None:
    get_token(client)
    assert_refused(client.request(method, "/submit"), "CSRF token missing")


def test_form_field_token_is_accepted(client: TestClient) -> None:
    token = get_token(client)
    response = client.post("/submit", data={"csrf_token": token, "title": "x"})
    assert response.text == "done POST"


def test_multipart_form_field_token_is_accepted(client: TestClient) -> None:
    token = get_token(client)
    files = {"upload": ("a.txt", b"hello", "text/plain")}
    response = client.post("/submit", data={"csrf_token": token}, files=files)
    assert response.text == "done POST"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_header_token_is_accepted(client: TestClient, method: str) -> None:
    token = get_token(client)
    response = client.request(method, "/submit", headers={"X-CSRFToken": token}, json={"a": 1})
    assert response.text == f"done {method}"


def test_wrong_token_is_refused(client: TestClient) -> None:
    token = get_token(client)
    wrong = token[:40] + ("A" if token[40] != "A" else "B") + token[41:]
    assert_refused(client.post("/submit", data={"csrf_token": wrong}), "CSRF token incorrect")
    # The same bytes spelt with other unused bits in the last character.
    respelt = token[:-1] + {"A": "B", "Q": "R", "g": "h", "w": "x"}[token[-1]]
    assert_refused(client.post("/submit", data={"csrf_token": respelt}), "CSRF token incorrect")
    assert_refused(
        client.post("/submit", headers={"X-CSRFToken": "nonsense"}), "CSRF token incorrect"
    )


def test_token_without_secret_in_session_is_refused(app: Cupola, client: TestClient) -> None:
    other = app.test_client()
    token = get_token(other)
    client.get("/visit")  # a session, but no secret in it yet
    assert_refused(client.post("/submit", data={"csrf_token": token}), "CSRF token incorrect")


def test_token_from_another_session_is_refused(
    app: Cupola, client: TestClient, clients: Callable[..., TestClient]
) -> None:
    victim_token = get_token(clients(app))
    get_token(client)  # the attacker's own session, with its own secret
    response = client.post("/submit", data={"csrf_token": victim_token})
    assert_refused(response, "CSRF token incorrect")


def test_token_from_before_login_is_refused(client: TestClient) -> None:
    before = get_token(client)
    assert client.post("/login", data={"csrf_token": before}).text == "logged in"
    assert_refused(client.post("/submit", data={"csrf_token": before}), "CSRF token incorrect")
    after = get_token(client)
    assert client.post("/submit", data={"csrf_token": after}).text == "done POST"


def test_tokens_are_masked_afresh_and_all_validate(client: TestClient) -> None:
    tokens = [get_token(client) for _ in range(5)]
    assert len(set(tokens)) == 5
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{85}[AQgw]", token) for token in tokens)
    for token in tokens:
        assert client.post("/submit", headers={"X-CSRFToken": token}).status_code == 200


def test_secret_is_created_once(client: TestClient) -> None:
    first = client.get("/token")
    assert "session=" in first.headers.get("set-cookie", "")
    second = client.get("/token")
    assert "set-cookie" not in second.headers  # the secret exists: the session is unchanged


def test_token_layer_follows_session_cookie_name(clients: Callable[..., TestClient]) -> None:
    app = make_app(SESSION_COOKIE_NAME="sid")
    client = clients(app)
    get_token(client)
    assert_refused(client.post("/submit"), "CSRF token missing")
    stranger = clients(app)
    stranger.cookies.set("session", "not the session cookie here")
    assert stranger.post("/submit").text == "done POST"


def test_server_side_sessions(clients: Callable[..., TestClient]) -> None:
    client = clients(make_app(SESSION_BACKEND="memory://"))
    token = get_token(client)
    assert_refused(client.post("/submit"), "CSRF token missing")
    assert client.post("/submit", data={"csrf_token": token}).text == "done POST"


def test_garbage_session_cookie_needs_a_token(client: TestClient) -> None:
    client.cookies.set("session", "garbage")
    assert_refused(client.post("/submit"), "CSRF token missing")


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    field=st.text(max_size=120),
    header=st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=120),
)
def test_garbage_tokens_never_cause_a_500(client: TestClient, field: str, header: str) -> None:
    get_token(client)
    by_field = client.post("/submit", data={"csrf_token": field})
    by_header = client.post("/submit", headers={"X-CSRFToken": header})
    assert by_field.status_code == 403
    assert by_header.status_code == 403


# -- the origin layer --------------------------------------------------------------------------


@pytest.mark.parametrize("with_session", [False, True])
@pytest.mark.parametrize("base_url", ["http://localhost", HTTPS])
@pytest.mark.parametrize(
    "origin", ["https://evil.example", "http://localhost.evil.example", "null", "garbage"]
)
def test_cross_origin_post_is_refused(
    app: Cupola,
    clients: Callable[..., TestClient],
    with_session: bool,
    base_url: str,
    origin: str,
) -> None:
    client = clients(app, base_url=base_url)
    headers = {"Origin": origin}
    if with_session:
        headers["X-CSRFToken"] = get_token(client)  # even a valid token does not help
    assert_refused(client.post("/submit", headers=headers), "cross-origin request")


def test_origin_with_another_scheme_or_port_is_cross_origin(
    app: Cupola, clients: Callable[..., TestClient]
) -> None:
    client = clients(app, base_url=HTTPS)
    for origin in ("http://localhost", "https://localhost:8443"):
        assert client.post("/submit", headers={"Origin": origin}).status_code == 403


@pytest.mark.parametrize("with_session", [False, True])
def test_sec_fetch_site_cross_site_is_refused(client: TestClient, with_session: bool) -> None:
    headers = {"Sec-Fetch-Site": "cross-site"}
    if with_session:
        headers["X-CSRFToken"] = get_token(client)
    assert_refused(client.post("/submit", headers=headers), "cross-origin request")


def test_same_origin_browser_post_passes(
    app: Cupola, client: TestClient, clients: Callable[..., TestClient]
) -> None:
    headers = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    assert client.post("/submit", headers=headers).text == "done POST"
    headers["X-CSRFToken"] = get_token(client)
    assert client.post("/submit", headers=headers).text == "done POST"
    secure = clients(app, base_url=HTTPS)
    token = get_token(secure)
    headers = {"Origin": "https://LOCALHOST:443", "X-CSRFToken": token}
    assert secure.post("/submit", headers=headers).text == "done POST"  # no Referer needed


# -- Fetch Metadata first, then Origin, then the token (DESIGN §7) -----------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},  # typed in the address bar, a bookmark
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://proxy-renamed.internal"},
        {"Origin": "http://localhost"},
    ],
)
def test_a_browser_vouching_for_the_origin_needs_no_token(
    client: TestClient, headers: dict[str, str]
) -> None:
    get_token(client)  # the session cookie is sent from now on
    assert "session" in client.cookies
    assert client.post("/submit", headers=headers).text == "done POST"


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Sec-Fetch-Site": "same-origin", "X-CSRFToken": "A" * 86}, "CSRF token incorrect"),
        ({"Origin": "http://localhost", "X-CSRFToken": "nonsense"}, "CSRF token incorrect"),
        ({}, "CSRF token missing"),  # no browser signal, the session cookie: a token
    ],
)
def test_a_sent_token_is_always_checked(
    client: TestClient, headers: dict[str, str], reason: str
) -> None:
    get_token(client)
    assert_refused(client.post("/submit", headers=headers), reason)


def test_a_form_token_sent_with_a_vouched_request_is_checked(client: TestClient) -> None:
    token = get_token(client)
    vouched = {"Sec-Fetch-Site": "same-origin"}
    assert client.post("/submit", data={"csrf_token": token}, headers=vouched).status_code == 200
    refused = client.post("/submit", data={"csrf_token": "x" * 86}, headers=vouched)
    assert_refused(refused, "CSRF token incorrect")


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://blog.localhost"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},  # Origin can't vouch
        {"Sec-Fetch-Site": "something-new"},
    ],
)
def test_same_site_and_unknown_values_are_refused_unless_trusted(
    client: TestClient, headers: dict[str, str]
) -> None:
    assert_refused(client.post("/submit", headers=headers), "cross-origin request")


def test_same_site_from_a_trusted_origin_passes(clients: Callable[..., TestClient]) -> None:
    app = make_app(CSRF_TRUSTED_ORIGINS=["https://*.example.com"], ALLOWED_HOSTS=[".example.com"])
    client = clients(app, base_url="https://www.example.com")
    get_token(client)
    headers = {"Sec-Fetch-Site": "same-site", "Origin": "https://blog.example.com"}
    assert client.post("/submit", headers=headers).text == "done POST"
    headers["Origin"] = "https://blog.example.org"
    assert_refused(client.post("/submit", headers=headers), "cross-origin request")


def test_trusted_origins_pass(clients: Callable[..., TestClient]) -> None:
    app = make_app(CSRF_TRUSTED_ORIGINS=["https://shop.example", "https://*.example.com"])
    client = clients(app)
    for origin in ("https://shop.example", "https://api.example.com", "https://example.com"):
        assert client.post("/submit", headers={"Origin": origin}).status_code == 200, origin
    for origin in ("http://shop.example", "https://evilexample.com", "https://a.example.com:1"):
        assert client.post("/submit", headers={"Origin": origin}).status_code == 403, origin


# -- the Referer over HTTPS --------------------------------------------------------------------


@pytest.fixture
def secure(app: Cupola, clients: Callable[..., TestClient]) -> TestClient:
    return clients(app, base_url=HTTPS)


def test_https_without_origin_needs_referer(secure: TestClient) -> None:
    token = get_token(secure)
    response = secure.post("/submit", headers={"X-CSRFToken": token})
    assert_refused(response, "Referer missing")


@pytest.mark.parametrize(
    "referer",
    [
        "https://evil.example/form",
        "http://localhost/form",  # insecure, though the host matches
        "https://localhost:8443/form",
        "not a url",
        "https://[broken/",
    ],
)
def test_https_with_foreign_referer_is_refused(secure: TestClient, referer: str) -> None:
    headers = {"X-CSRFToken": get_token(secure), "Referer": referer}
    assert_refused(secure.post("/submit", headers=headers), "Referer not trusted")


def test_https_with_own_or_trusted_referer_passes(clients: Callable[..., TestClient]) -> None:
    client = clients(make_app(CSRF_TRUSTED_ORIGINS=["https://*.example.com"]), base_url=HTTPS)
    token = get_token(client)
    for referer in ("https://localhost/form?x=1", "https://app.example.com/page"):
        headers = {"X-CSRFToken": token, "Referer": referer}
        assert client.post("/submit", headers=headers).status_code == 200, referer


def test_https_without_session_needs_no_referer(secure: TestClient) -> None:
    assert secure.post("/submit", json={}).text == "done POST"


def test_http_without_origin_needs_no_referer(client: TestClient) -> None:
    token = get_token(client)
    assert client.post("/submit", headers={"X-CSRFToken": token}).text == "done POST"


# -- exemptions --------------------------------------------------------------------------------


def test_csrf_exempt_view(app: Cupola, client: TestClient) -> None:
    @app.post("/hook")
    @csrf_exempt
    def hook() -> str:
        return "hooked"

    @csrf_exempt
    @app.post("/hook2")
    async def hook2() -> str:
        return "hooked too"

    get_token(client)
    headers = {"Origin": "https://payments.example"}
    assert client.post("/hook", headers=headers).text == "hooked"
    assert client.post("/hook2", headers=headers).text == "hooked too"
    assert client.post("/submit", headers=headers).status_code == 403


def test_csrf_exempt_class_based_view(app: Cupola, client: TestClient) -> None:
    class Hook(View):
        decorators = [csrf_exempt]

        def post(self, request: Any) -> str:
            return "class hooked"

    app.add_url_rule("/class-hook", view_func=Hook.as_view("class_hook"))
    get_token(client)
    assert client.post("/class-hook").text == "class hooked"


def test_csrf_exempt_blueprint_and_its_children(app: Cupola, client: TestClient) -> None:
    webhooks = csrf_exempt(Blueprint("webhooks", __name__, url_prefix="/webhooks"))
    nested = Blueprint("stripe", __name__, url_prefix="/stripe")
    guarded = Blueprint("guarded", __name__, url_prefix="/guarded")
    for blueprint in (webhooks, nested, guarded):
        blueprint.add_url_rule("/in", "receive", lambda: "received", methods=["POST"])
    webhooks.register_blueprint(nested)
    app.register_blueprint(webhooks)
    app.register_blueprint(guarded)
    app.register_blueprint(webhooks, name="renamed", url_prefix="/renamed")

    get_token(client)
    assert client.post("/webhooks/in").text == "received"
    assert client.post("/webhooks/stripe/in").text == "received"
    assert client.post("/renamed/stripe/in").text == "received"
    assert_refused(client.post("/guarded/in"), "CSRF token missing")


def test_csrf_exempt_blueprint_after_the_app_was_built(app: Cupola, client: TestClient) -> None:
    late = Blueprint("late", __name__, url_prefix="/late")
    late.add_url_rule("/in", "receive", lambda: "received", methods=["POST"])
    app.register_blueprint(late)
    get_token(client)
    assert client.post("/late/in").status_code == 403
    csrf_exempt(late)
    assert client.post("/late/in").text == "received"


# -- failures ----------------------------------------------------------------------------------


def failure_page(request: Any, reason: str) -> Response:
    return Response(f"custom refusal: {reason}", 403)


def test_default_failure_is_a_plain_403(client: TestClient) -> None:
    get_token(client)
    response = client.post("/submit")
    assert response.status_code == 403
    assert "Forbidden" in response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize("view", [failure_page, f"{__name__}:failure_page"])
def test_custom_failure_view(clients: Callable[..., TestClient], view: Any) -> None:
    client = clients(make_app(CSRF_FAILURE_VIEW=view))
    get_token(client)
    response = client.post("/submit")
    assert response.status_code == 403
    assert response.text == "custom refusal: CSRF token missing"
    response = client.post("/submit", headers={"Origin": "null"})
    assert response.text == "custom refusal: cross-origin request"


def test_errorhandler_for_csrf_error(app: Cupola, client: TestClient) -> None:
    @app.errorhandler(CSRFError)
    def refused(error: CSRFError) -> tuple[dict[str, str], int]:
        return {"error": error.reason, "detail": error.description}, 403

    get_token(client)
    response = client.post("/submit", data={"csrf_token": "x"})
    assert response.status_code == 403
    assert response.json() == {
        "error": "CSRF token incorrect",
        "detail": "CSRF check failed: CSRF token incorrect",
    }


def test_errorhandler_for_403_sees_csrf_errors(app: Cupola, client: TestClient) -> None:
    @app.errorhandler(403)
    def forbidden(error: Any) -> tuple[str, int]:
        return f"forbidden: {type(error).__name__}", 403

    assert client.post("/submit", headers={"Origin": "null"}).text == "forbidden: CSRFError"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("CSRF_FAILURE_VIEW", 42),
        ("CSRF_TRUSTED_ORIGINS", ["example.com"]),
        ("CSRF_TRUSTED_ORIGINS", ["https://example.com/path"]),
        ("CSRF_TRUSTED_ORIGINS", ["ftp://example.com"]),
    ],
)
def test_invalid_settings_name_the_fix(key: str, value: Any) -> None:
    with pytest.raises(ImproperlyConfigured, match=key):
        make_app(**{key: value}).build()


def test_async_failure_view_is_refused() -> None:
    async def page(request: Any, reason: str) -> str:
        return reason

    with pytest.raises(ImproperlyConfigured, match="plain function"):
        make_app(CSRF_FAILURE_VIEW=page).build()


# -- switches and wiring -----------------------------------------------------------------------


def test_disabled(clients: Callable[..., TestClient]) -> None:
    client = clients(make_app(CSRF_ENABLED=False))
    get_token(client)
    headers = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    assert client.post("/submit", headers=headers).text == "done POST"


def test_custom_header_and_field_names(clients: Callable[..., TestClient]) -> None:
    client = clients(make_app(CSRF_HEADER_NAME="X-XSRF-Token", CSRF_FIELD_NAME="_token"))
    token = get_token(client)
    assert client.post("/submit", headers={"X-XSRF-Token": token}).status_code == 200
    assert client.post("/submit", data={"_token": token}).status_code == 200
    assert client.post("/submit", data={"csrf_token": token}).status_code == 403


def test_without_session_middleware_only_the_origin_layer_applies(
    clients: Callable[..., TestClient],
) -> None:
    app = Cupola(__name__, config={"TESTING": True, "MIDDLEWARE": []})
    app.add_middleware(CsrfMiddleware)
    app.add_url_rule("/submit", view_func=lambda: "done", methods=["POST"])
    client = clients(app)
    client.cookies.set("session", "x")
    assert client.post("/submit").text == "done"
    assert client.post("/submit", headers={"Origin": "null"}).status_code == 403


def test_unmatched_routes_answer_404_and_405(client: TestClient) -> None:
    get_token(client)
    assert client.post("/nowhere").status_code == 404
    assert client.post("/token").status_code == 405


def test_templates_get_csrf_token_and_csrf_input(app: Cupola, client: TestClient) -> None:
    @app.get("/page")
    def page() -> str:
        return render_string("<form>{{ csrf_input() }}</form><i>{{ csrf_token() }}</i>")

    html = client.get("/page").text
    field = re.search(r'<input type="hidden" name="csrf_token" value="([\w-]+)">', html)
    plain = re.search(r"<i>([\w-]+)</i>", html)
    assert field is not None and plain is not None
    assert field[1] != plain[1]
    for token in (field[1], plain[1]):
        assert client.post("/submit", data={"csrf_token": token}).status_code == 200


def test_csrf_token_outside_a_request() -> None:
    with pytest.raises(RuntimeError, match="request context"):
        csrf_token()


# -- origins -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://Example.COM", "https://example.com"),
        ("https://example.com:443/x?y", "https://example.com"),
        ("http://example.com:80", "http://example.com"),
        ("http://example.com:8080", "http://example.com:8080"),
        ("http://[::1]:8000", "http://[::1]:8000"),
        ("http://user@example.com/", "http://example.com"),
        ("null", None),
        ("ftp://example.com", None),
        ("https://", None),
        ("https://example.com:99999", None),
        ("https://[::1", None),
    ],
)
def test_origin_of(url: str, origin: str | None) -> None:
    assert origin_of(url) == origin


def test_trusted_origins_accept_one_string() -> None:
    trusted = TrustedOrigins("https://example.com:8443")
    assert trusted.matches("https://example.com:8443")
    assert not trusted.matches("https://example.com")
