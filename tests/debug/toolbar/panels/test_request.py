"""The request panel: headers, query, form, cookies and session, secrets masked."""

from __future__ import annotations

from cupola import Cupola, request, session
from cupola.testing import TestClient

from ...conftest import details, panel


def test_request_data_and_session(app: Cupola, client: TestClient) -> None:
    app.config["CSRF_ENABLED"] = False

    @app.post("/login")
    def login() -> str:
        session["user"] = request.form["username"]
        session["api_key"] = "session-secret"
        return "in"

    @app.get("/")
    def home() -> str:
        return "home"

    client.post("/login?next=/&token=q-secret", data={"username": "ada", "password": "f-secret"})
    posted = client.post("/login?next=<x>", data={"username": "<ada>", "password": "f-secret"})
    page = panel(details(client, posted.headers["X-Debug-Id"]), "request")
    assert "<td>next</td><td>&lt;x&gt;</td>" in page
    assert "<td>username</td><td>&lt;ada&gt;</td>" in page
    assert "<td>password</td><td>********</td>" in page
    assert "<td>user</td><td>&#x27;&lt;ada&gt;&#x27;</td>" in page  # as the view left it
    assert "<td>api_key</td><td>********</td>" in page
    assert "<td>Client</td><td>127.0.0.1</td>" in page
    for secret in ("f-secret", "session-secret"):
        assert secret not in page
    first = client.get("/__debug__/").text
    assert "q-secret" not in first and "token=%2A%2A%2A%2A%2A%2A%2A%2A" not in first
    assert "token=********" in first


def test_without_session_middleware(app: Cupola, client: TestClient) -> None:
    app.config["MIDDLEWARE"] = []

    @app.get("/")
    def home() -> str:
        return "home"

    page = panel(details(client, client.get("/").headers["X-Debug-Id"]), "request")
    assert "(no session middleware)" in page
