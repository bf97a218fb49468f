"""Handshake security: hosts, origins (cross-site WebSocket hijacking), head limits, sessions."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from cupola import Blueprint, Cupola, Middleware, Response, abort, request, session
from cupola.http.request import Request
from cupola.sessions import Session
from cupola.testing import TestClient, WebSocketRejected
from cupola.websockets import WebSocket


@pytest.fixture(autouse=True)
def echo_route(app: Cupola) -> None:
    @app.websocket("/ws")
    async def handler(ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_text("open")


def status_of(client: TestClient, path: str = "/ws", **headers: str) -> int:
    try:
        with client.websocket_connect(path, headers=headers) as ws:
            assert ws.receive_text() == "open"
    except WebSocketRejected as exc:
        return exc.status
    return 101


@pytest.mark.parametrize(
    ("origin", "status"),
    [
        (None, 101),  # non-browser clients send no Origin
        ("http://localhost", 101),
        ("https://localhost", 101),  # the scheme may differ behind a TLS proxy
        ("http://LOCALHOST:80", 101),
        ("http://localhost:8000", 403),  # another port is another site
        ("http://evil.example", 403),
        ("http://localhost.evil.example", 403),
        ("null", 403),
        ("not a url", 403),
        ("ftp://localhost", 403),
    ],
)
def test_origin_must_be_the_host_itself(
    client: TestClient, origin: str | None, status: int
) -> None:
    headers = {} if origin is None else {"Origin": origin}
    assert status_of(client, **headers) == status


def test_a_foreign_origin_is_refused_before_the_handler_runs(
    app: Cupola, client: TestClient
) -> None:
    calls: list[str] = []

    @app.websocket("/counted")
    async def counted(ws: WebSocket) -> None:
        calls.append("ran")
        await ws.accept()

    with pytest.raises(WebSocketRejected) as info:
        client.websocket_connect("/counted", headers={"Origin": "https://evil.example"}).__enter__()
    assert info.value.status == 403
    assert b"CSRF_TRUSTED_ORIGINS" in info.value.body
    assert calls == []


def test_trusted_origins_are_accepted(app: Cupola, client: TestClient) -> None:
    app.config["CSRF_TRUSTED_ORIGINS"] = ["https://app.example.com", "https://*.example.org"]
    assert status_of(client, Origin="https://app.example.com") == 101
    assert status_of(client, Origin="https://cdn.example.org") == 101
    assert status_of(client, Origin="http://app.example.com") == 403


def test_a_wildcard_allowed_host_does_not_allow_every_origin(
    app: Cupola, client: TestClient
) -> None:
    app.config["ALLOWED_HOSTS"] = ["*"]
    assert status_of(client, Origin="https://evil.example") == 403
    assert status_of(client, Host="anything.example", Origin="http://anything.example") == 101


def test_hosts_outside_allowed_hosts_are_refused(app: Cupola, client: TestClient) -> None:
    app.config["ALLOWED_HOSTS"] = [".example.com"]
    assert status_of(client, Host="evil.example") == 400
    assert status_of(client, Host="chat.example.com") == 101
    assert status_of(client, Host="bad host") == 400


def test_head_limits_apply(client: TestClient) -> None:
    assert status_of(client, **{"X-Big": "x" * 9000}) == 431
    assert status_of(client, "/ws?" + "q" * 9000) == 414


def test_without_the_denial_extension_the_app_closes_before_accepting(app: Cupola) -> None:
    sent: list[dict[str, Any]] = []
    scope = {
        "type": "websocket",
        "path": "/missing",
        "headers": [(b"host", b"localhost")],
        "query_string": b"",
    }
    messages = iter([{"type": "websocket.connect"}])

    async def receive() -> dict[str, Any]:
        return next(messages)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app.asgi(scope, receive, send))
    assert sent == [{"type": "websocket.close", "code": 1008, "reason": ""}]


def test_a_scope_that_starts_with_a_disconnect_is_left_alone(app: Cupola) -> None:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.disconnect", "code": 1006}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app.asgi({"type": "websocket", "path": "/ws", "headers": []}, receive, send))
    assert sent == []


# -- sessions and users ---------------------------------------------------------------------


@pytest.fixture
def session_route(app: Cupola) -> None:
    @app.post("/login")
    def login() -> str:
        session["name"] = "ada"
        return "ok"

    @app.websocket("/whoami")
    async def whoami(ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_json({"ws": ws.session.get("name"), "proxy": session.get("name")})


@pytest.mark.parametrize("backend", ["cookie", "memory://"])
def test_the_session_comes_from_the_cookie(
    app: Cupola, client: TestClient, session_route: None, backend: str
) -> None:
    app.config["SESSION_BACKEND"] = backend
    app.config["CSRF_ENABLED"] = False
    with client.websocket_connect("/whoami") as ws:
        assert ws.receive_json() == {"ws": None, "proxy": None}
    assert client.post("/login").status_code == 200
    with client.websocket_connect("/whoami") as ws:
        assert ws.receive_json() == {"ws": "ada", "proxy": "ada"}


def test_a_tampered_session_cookie_gives_an_empty_session(
    client: TestClient, session_route: None
) -> None:
    client.cookies.set("session", "forged.value")
    with client.websocket_connect("/whoami") as ws:
        assert ws.receive_json() == {"ws": None, "proxy": None}


def test_session_without_the_middleware_is_a_clear_error(app: Cupola, client: TestClient) -> None:
    app.config["MIDDLEWARE"] = []

    @app.websocket("/session")
    async def no_session(ws: WebSocket) -> None:
        await ws.accept()
        try:
            assert ws.session is None
        except RuntimeError as exc:
            await ws.send_text(str(exc))

    with client.websocket_connect("/session") as ws:
        assert "add cupola.sessions.SessionMiddleware" in ws.receive_text()


def test_user_needs_auth(app: Cupola, client: TestClient) -> None:
    @app.websocket("/user")
    async def no_auth(ws: WebSocket) -> None:
        await ws.accept()
        try:
            assert ws.user is None
        except RuntimeError as exc:
            await ws.send_text(str(exc))

    with client.websocket_connect("/user") as ws:
        assert "ws.user needs authentication" in ws.receive_text()


def test_user_comes_from_the_user_loader_once(
    app: Cupola, client: TestClient, session_route: None
) -> None:
    looked_up: list[Session] = []

    class Users:
        def load_user(self, request: Request) -> str | None:
            looked_up.append(request.session)
            return request.session.get("name")

    app.user_loader = Users()
    app.config["CSRF_ENABLED"] = False

    @app.websocket("/user")
    async def user(ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_json([ws.user, ws.user])

    client.post("/login")
    with client.websocket_connect("/user") as ws:
        assert ws.receive_json() == ["ada", "ada"]
    assert len(looked_up) == 1


def test_a_default_port_in_the_host_matches_an_origin_without_it(client: TestClient) -> None:
    assert status_of(client, Host="localhost:80", Origin="http://localhost") == 101
    assert status_of(client, Host="localhost:443", Origin="https://localhost") == 101
    assert status_of(client, Host="localhost:8000", Origin="http://localhost:8000") == 101


def test_a_handshake_error_is_logged_and_refused_with_500(
    app: Cupola, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    app.config.update(SECRET_KEY=None, SESSION_BACKEND="memory://")
    client.cookies.set("session", "some-id")
    with caplog.at_level("ERROR", logger="cupola.websockets"):
        assert status_of(client) == 500
    assert "Error during the WebSocket handshake for '/ws'" in caplog.text
    assert "Sessions need a SECRET_KEY" in caplog.text


def test_trusted_proxies_report_the_host_scheme_and_client(app: Cupola, client: TestClient) -> None:
    app.config.update(TRUSTED_PROXIES=1, ALLOWED_HOSTS=["books.example"])

    @app.websocket("/proxied")
    async def proxied(ws: WebSocket) -> None:
        await ws.accept()
        request = ws.request
        await ws.send_json([request.host, request.scheme, request.remote_addr])

    forwarded = {
        "Host": "10.0.0.5:8000",
        "X-Forwarded-Host": "books.example",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": "203.0.113.9",
        "Origin": "https://books.example",
    }
    with client.websocket_connect("/proxied", headers=forwarded) as ws:
        assert ws.receive_json() == ["books.example", "https", "203.0.113.9"]
    assert status_of(client, **{**forwarded, "X-Forwarded-Host": "evil.example"}) == 400


def test_proxy_headers_are_ignored_without_trusted_proxies(app: Cupola, client: TestClient) -> None:
    headers = {"X-Forwarded-Host": "evil.example", "Origin": "http://evil.example"}
    assert status_of(client, **headers) == 403


@pytest.mark.parametrize(
    ("origin", "status"),
    [
        ("https://books.example", 101),
        ("http://books.example", 403),  # a plain-HTTP page of the host, on a secure connection
        ("http://books.example:443", 403),
    ],
)
def test_a_secure_connection_refuses_an_http_origin(
    app: Cupola, client: TestClient, origin: str, status: int
) -> None:
    app.config.update(TRUSTED_PROXIES=1, ALLOWED_HOSTS=["books.example"])
    forwarded = {"X-Forwarded-Host": "books.example", "X-Forwarded-Proto": "https"}
    assert status_of(client, **forwarded, Origin=origin) == status


def test_a_wss_connection_refuses_an_http_origin(app: Cupola) -> None:
    with app.test_client(base_url="https://localhost") as client:
        assert status_of(client, Origin="https://localhost") == 101
        assert status_of(client, Origin="http://localhost") == 403


# -- the app's steps: middleware and before_request hooks that opt in -----------------------


def rejection(client: TestClient, path: str = "/ws") -> WebSocketRejected:
    with pytest.raises(WebSocketRejected) as info:
        client.websocket_connect(path).__enter__()
    return info.value


def test_a_middleware_opts_in_with_process_handshake(app: Cupola, client: TestClient) -> None:
    class Gate(Middleware):
        async def process_handshake(self, request: Request) -> Response | None:
            if request.args.get("key") == "open":
                return None
            return Response("No key.", 401, headers={"WWW-Authenticate": "Key"})

    app.add_middleware(Gate)
    assert status_of(client, "/ws?key=open") == 101
    refused = rejection(client)
    assert (refused.status, refused.body) == (401, b"No key.")


def test_process_request_runs_for_handshakes_only_when_the_middleware_says_so(
    app: Cupola, client: TestClient
) -> None:
    seen: list[str] = []

    class HttpOnly(Middleware):
        def process_request(self, request: Request) -> None:
            seen.append(f"http-only {request.path}")

    class Both(Middleware):
        def process_request(self, request: Request) -> None:
            seen.append(f"both {request.path}")

        process_handshake = process_request

    app.add_middleware(HttpOnly)
    app.add_middleware(Both)
    assert status_of(client) == 101
    assert seen == ["both /ws"]


def test_before_request_hooks_opt_in_to_handshakes(app: Cupola, client: TestClient) -> None:
    calls: list[str] = []

    @app.before_request
    def http_only() -> None:
        calls.append("http-only")

    @app.before_request(websocket=True)
    def both() -> tuple[str, int] | None:
        calls.append(f"both {request.path}")
        return ("Sign in first.", 401) if request.args.get("deny") else None

    assert status_of(client) == 101
    assert calls == ["both /ws"]
    refused = rejection(client, "/ws?deny=1")
    assert (refused.status, refused.body) == (401, b"Sign in first.")
    calls.clear()
    assert client.get("/missing").status_code == 404
    assert calls == ["http-only", "both /missing"]


def test_a_blueprints_handshake_hooks_apply_to_its_own_routes(
    app: Cupola, client: TestClient
) -> None:
    live = Blueprint("live", __name__, url_prefix="/live")
    calls: list[str] = []

    @app.before_request(websocket=True)
    async def app_wide() -> None:
        calls.append("app")

    @live.before_request(websocket=True)
    def members_only() -> None:
        calls.append("live")
        abort(403, "Members only.")

    @live.websocket("/feed")
    async def feed(ws: WebSocket) -> None:
        await ws.accept()

    app.register_blueprint(live)
    assert status_of(client) == 101
    assert calls == ["app"]
    refused = rejection(client, "/live/feed")
    assert (refused.status, refused.body) == (403, b"Members only.")
    assert calls == ["app", "app", "live"]


def test_without_the_built_in_middleware_no_check_runs(app: Cupola, client: TestClient) -> None:
    app.config.update(MIDDLEWARE=[], ALLOWED_HOSTS=["example.com"])
    assert status_of(client, Origin="https://evil.example") == 101
