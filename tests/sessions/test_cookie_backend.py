"""The signed-cookie backend: expiry from the signed timestamp, size limits, foreign payloads."""

from __future__ import annotations

import random
import string
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import itsdangerous.timed
import pytest

from cupola import Cupola, request, session
from cupola.sessions import CookieBackend, Session, SessionTooLarge
from cupola.sessions.cookie import SALT
from cupola.testing import TestClient

cookie_only = pytest.mark.parametrize("session_backend", ["cookie"], indirect=True)


def routes(app: Cupola) -> None:
    @app.post("/set")
    def set_values() -> str:
        session.update(request.json)
        return "ok"

    @app.get("/get")
    def get_values() -> dict[str, Any]:
        return dict(session)


def incompressible(size: int, seed: int = 0) -> str:
    """Random text: the serializer compresses, so repeated characters would stay small."""
    rng = random.Random(seed)
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(size))


def signed_at(monkeypatch: pytest.MonkeyPatch, seconds_ago: int) -> None:
    """Make itsdangerous sign as if it were ``seconds_ago`` seconds earlier."""
    past = time.time() - seconds_ago
    monkeypatch.setattr(itsdangerous.timed, "time", SimpleNamespace(time=lambda: past))


@cookie_only
def test_expired_cookie_gives_an_empty_session(
    make_app: Callable[..., Cupola],
    client_for: Callable[..., TestClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = make_app(PERMANENT_SESSION_LIFETIME=60)
    routes(app)
    client = client_for(app)
    with monkeypatch.context() as patch:
        signed_at(patch, 61 + 1)
        client.post("/set", json={"user": "ada"})
    expired = client.get("/get")
    assert expired.status_code == 200
    assert expired.json() == {}


@cookie_only
def test_cookie_within_its_lifetime_is_accepted(
    make_app: Callable[..., Cupola],
    client_for: Callable[..., TestClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = make_app(PERMANENT_SESSION_LIFETIME=60)
    routes(app)
    client = client_for(app)
    with monkeypatch.context() as patch:
        signed_at(patch, 30)
        client.post("/set", json={"user": "ada"})
    assert client.get("/get").json() == {"user": "ada"}


@cookie_only
def test_expiry_applies_to_browser_sessions_too(
    make_app: Callable[..., Cupola],
    client_for: Callable[..., TestClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A cookie without Max-Age lives as long as the browser; the server still bounds it.
    app = make_app()
    routes(app)
    client = client_for(app)
    with monkeypatch.context() as patch:
        signed_at(patch, 32 * 24 * 3600)
        client.post("/set", json={"user": "ada"})
    assert client.get("/get").json() == {}


@cookie_only
def test_oversized_session_raises_naming_the_server_side_backend(
    app: Cupola, client: TestClient
) -> None:
    routes(app)
    with pytest.raises(SessionTooLarge) as raised:
        client.post("/set", json={"blob": incompressible(5000)})
    message = str(raised.value)
    assert 'SESSION_BACKEND = "memory://"' in message
    assert 'SESSION_BACKEND = "redis://' in message
    assert raised.value.size > 4093


@cookie_only
def test_oversized_session_is_a_500_not_a_dropped_cookie(
    make_app: Callable[..., Cupola],
    client_for: Callable[..., TestClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = make_app(TESTING=False)
    routes(app)
    response = client_for(app).post("/set", json={"blob": incompressible(5000)})
    assert response.status_code == 500
    assert response.headers.get_list("set-cookie") == []
    assert "SESSION_BACKEND" in caplog.text


@cookie_only
def test_size_limit_counts_the_whole_header(
    make_app: Callable[..., Cupola], client_for: Callable[..., TestClient]
) -> None:
    app = make_app(SESSION_COOKIE_DOMAIN="example.com", SESSION_COOKIE_PATH="/a/long/path")
    routes(app)
    client = client_for(app)
    largest = 0
    for size in range(3700, 4100, 10):
        try:
            response = client.post("/set", json={"blob": incompressible(size)})
        except SessionTooLarge as exc:
            assert exc.size > 4093
            break
        largest = len(response.headers["set-cookie"])
    else:
        pytest.fail("no session was too large")
    assert 4000 < largest <= 4093


@cookie_only
def test_a_signed_payload_that_is_not_a_dict_gives_an_empty_session(
    app: Cupola, client: TestClient
) -> None:
    routes(app)
    forged = CookieBackend([b"test-secret-key"], 60).serializer.dumps(["not", "a", "dict"])
    assert client.get("/get", headers={"Cookie": f"session={forged}"}).json() == {}


def test_cookie_signatures_are_salted() -> None:
    other_purpose = itsdangerous.URLSafeTimedSerializer(b"test-secret-key", salt="other")
    backend = CookieBackend([b"test-secret-key"], 60)
    assert backend.serializer.salt == SALT.encode()
    assert dict(backend.load(other_purpose.dumps({"user": "ada"}))) == {}


def test_a_signature_for_another_salt_is_refused() -> None:
    backend = CookieBackend([b"test-secret-key"], 60)
    other = backend.serializer.dumps({"user": "ada"}, salt="other")
    assert backend.serializer.loads(other, salt="other") == {"user": "ada"}
    assert dict(backend.load(other)) == {}


def test_rotated_keys_are_each_derived_once() -> None:
    old = CookieBackend([b"old"], 60).dump(Session({"user": "ada"}))
    backend = CookieBackend([b"old", b"new"], 60)
    assert dict(backend.load(old)) == {"user": "ada"}
    assert dict(CookieBackend([b"new"], 60).load(backend.dump(Session({"n": 1})))) == {"n": 1}
