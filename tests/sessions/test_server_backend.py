"""The server-side backend: signed ids, revocation, regeneration, sharing across processes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from typing import Any

import pytest

from cupola import Cupola, request, session
from cupola.sessions import MemoryStore, ServerBackend, SessionStore
from cupola.sessions.server import SALT
from cupola.testing import TestClient

server_side = pytest.mark.parametrize("session_backend", ["memory", "redis"], indirect=True)


def routes(app: Cupola) -> None:
    @app.post("/set")
    def set_values() -> str:
        session.update(request.json)
        return "ok"

    @app.get("/get")
    def get_values() -> dict[str, Any]:
        return dict(session)

    @app.post("/login")
    def login() -> str:
        session.regenerate()
        session["user"] = request.json["user"]
        return "ok"

    @app.post("/logout")
    def logout() -> str:
        session.clear()
        return "ok"


@pytest.fixture
def client(app: Cupola, client: TestClient) -> TestClient:
    routes(app)
    return client


def sid_of(cookie: str) -> str:
    """The session id inside a signed cookie value (``id.signature``)."""
    return cookie.rpartition(".")[0]


@server_side
def test_cookie_holds_a_signed_random_id(client: TestClient, session_backend: SessionStore) -> None:
    client.post("/set", json={"secret": "not in the cookie"})
    cookie = client.cookies["session"]
    sid = sid_of(cookie)
    assert len(sid) == 43  # 32 random bytes, base64url
    assert "secret" not in cookie
    assert session_backend.get(sid) is not None


@server_side
def test_new_data_keeps_the_id(client: TestClient) -> None:
    client.post("/set", json={"a": 1})
    first = client.cookies["session"]
    client.post("/set", json={"b": 2})
    assert client.cookies["session"] == first
    assert client.get("/get").json() == {"a": 1, "b": 2}


@server_side
def test_regenerate_moves_the_data_and_deletes_the_old_id(
    client: TestClient, session_backend: SessionStore
) -> None:
    client.post("/set", json={"cart": [1], "_csrf_secret": "before"})
    old = client.cookies["session"]
    client.post("/login", json={"user": "ada"})
    new = client.cookies["session"]
    assert sid_of(new) != sid_of(old)
    assert session_backend.get(sid_of(old)) is None
    assert session_backend.get(sid_of(new)) is not None
    assert client.get("/get").json() == {"cart": [1], "user": "ada"}
    # The fixated cookie from before login is worthless now.
    assert client.get("/get", headers={"Cookie": f"session={old}"}).json() == {}


@server_side
def test_logout_revokes_the_session(client: TestClient, session_backend: SessionStore) -> None:
    client.post("/login", json={"user": "ada"})
    stolen = client.cookies["session"]
    client.post("/logout")
    assert session_backend.get(sid_of(stolen)) is None
    assert client.get("/get", headers={"Cookie": f"session={stolen}"}).json() == {}


@server_side
def test_an_unknown_id_is_never_reused(client: TestClient, app: Cupola) -> None:
    # An attacker's own (valid, signed) id, already gone from the store, planted in a browser.
    client.post("/set", json={"a": 1})
    planted = client.cookies["session"]
    client.post("/logout")
    client.cookies.clear()
    client.post("/set", json={"b": 2}, headers={"Cookie": f"session={planted}"})
    assert sid_of(client.cookies["session"]) != sid_of(planted)


@server_side
def test_forged_ids_are_refused_before_the_store(
    client: TestClient, session_backend: SessionStore
) -> None:
    client.post("/set", json={"a": 1})
    sid = sid_of(client.cookies["session"])
    client.cookies.clear()
    for value in (sid, f"{sid}.forged", f"{sid}."):
        assert client.get("/get", headers={"Cookie": f"session={value}"}).json() == {}


@server_side
def test_data_lives_with_the_lifetime_as_ttl(
    make_app: Callable[..., Cupola],
    client_for: Callable[..., TestClient],
    session_backend: SessionStore,
) -> None:
    app = make_app(PERMANENT_SESSION_LIFETIME=300)
    routes(app)
    client = client_for(app)
    client.post("/set", json={"a": 1})
    sid = sid_of(client.cookies["session"])
    if isinstance(session_backend, MemoryStore):
        assert session_backend.get(sid) is not None
    else:
        ttl = session_backend.client.ttl(session_backend.prefix + sid)  # type: ignore[attr-defined]
        assert 295 <= ttl <= 300


@server_side
def test_refresh_touches_the_store_without_rewriting(
    app: Cupola, client: TestClient, session_backend: SessionStore
) -> None:
    @app.post("/permanent")
    def permanent() -> str:
        session.permanent = True
        session["n"] = 1
        return "ok"

    client.post("/permanent")
    sid = sid_of(client.cookies["session"])
    session_backend.set(sid, b'{"_permanent":true,"n":2}', 60)  # another worker's change
    refreshed = client.get("/get")
    assert refreshed.headers["set-cookie"].startswith(f"session={client.cookies['session']}")
    assert client.get("/get").json() == {"_permanent": True, "n": 2}


@server_side
def test_refresh_of_a_never_stored_session_stores_it(
    app: Cupola, client: TestClient, session_backend: SessionStore
) -> None:
    @app.post("/unmarked")
    def unmarked() -> str:
        session.permanent = True
        session["n"] = 1
        session.modified = False
        return "ok"

    client.post("/unmarked")
    assert client.get("/get").json() == {"_permanent": True, "n": 1}


@server_side
def test_id_signatures_are_salted(session_backend: SessionStore) -> None:
    from itsdangerous import Signer

    backend = ServerBackend([b"test-secret-key"], 60, session_backend)
    session_backend.set("known", b"{}", 60)
    assert backend.signer.salt == SALT.encode()
    other_purpose = Signer(b"test-secret-key", salt="other").sign("known").decode()
    assert dict(backend.load(other_purpose)) == {}
    assert backend.load(backend.signer.sign("known").decode()).sid == "known"


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_store_url_as_backend(
    kind: str,
    protocol: str,
    client_for: Callable[..., TestClient],
    request: pytest.FixtureRequest,
) -> None:
    url = "memory://" if kind == "memory" else request.getfixturevalue("redis_url")
    prefix = "" if kind == "memory" else request.getfixturevalue("redis_session_prefix")
    config = {"SECRET_KEY": "k", "SESSION_BACKEND": url, "CSRF_ENABLED": False}
    app = Cupola(__name__, config={**config, "SESSION_KEY_PREFIX": prefix})
    routes(app)
    client = client_for(app)
    client.post("/set", json={"a": 1})
    assert client.get("/get").json() == {"a": 1}
    client.post("/logout")  # leaves nothing behind in the shared Redis


# -- sharing across app instances and processes ----------------------------------------------


def test_two_apps_share_sessions_through_redis(
    protocol: str,
    client_for: Callable[..., TestClient],
    redis_url: str,
    redis_session_prefix: str,
) -> None:
    def worker() -> TestClient:
        app = Cupola(
            __name__,
            config={
                "SECRET_KEY": "shared",
                "SESSION_BACKEND": redis_url,
                "SESSION_KEY_PREFIX": redis_session_prefix,
                "CSRF_ENABLED": False,
            },
        )
        routes(app)
        return client_for(app)

    first, second = worker(), worker()
    first.post("/login", json={"user": "ada"})
    cookie = first.cookies["session"]
    second.cookies.set("session", cookie)
    assert second.get("/get").json() == {"user": "ada"}
    second.post("/set", json={"cart": [1]})
    assert first.get("/get").json() == {"user": "ada", "cart": [1]}
    second.post("/logout")
    assert first.get("/get").json() == {}


WORKER = textwrap.dedent(
    """
    import json, sys
    from cupola import Cupola, session

    url, prefix, cookie, protocol = sys.argv[1:]
    config = {
        "SECRET_KEY": "shared",
        "SESSION_BACKEND": url,
        "SESSION_KEY_PREFIX": prefix,
        "CSRF_ENABLED": False,
    }
    app = Cupola("worker", config=config)

    @app.post("/visit")
    def visit():
        session["visits"] = session.get("visits", 0) + 1
        return dict(session)

    with app.test_client(protocol) as client:
        response = client.post("/visit", headers={"Cookie": "session=" + cookie})
    print(json.dumps(response.json()))
    """
)


def test_another_process_sees_and_changes_the_session(
    protocol: str,
    client_for: Callable[..., TestClient],
    redis_url: str,
    redis_session_prefix: str,
) -> None:
    app = Cupola(
        __name__,
        config={
            "SECRET_KEY": "shared",
            "SESSION_BACKEND": redis_url,
            "SESSION_KEY_PREFIX": redis_session_prefix,
            "CSRF_ENABLED": False,
        },
    )
    routes(app)
    client = client_for(app)
    client.post("/set", json={"user": "ada", "visits": 1})
    cookie = client.cookies["session"]
    result = subprocess.run(
        [sys.executable, "-c", WORKER, redis_url, redis_session_prefix, cookie, protocol],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(result.stdout) == {"user": "ada", "visits": 2}
    assert client.get("/get").json() == {"user": "ada", "visits": 2}
    client.post("/logout")


@server_side
def test_clear_then_write_issues_a_new_id(client: TestClient, app: Cupola) -> None:
    @app.post("/logout-with-message")
    def logout_with_message() -> str:
        session.clear()
        session["message"] = "You are logged out."  # what a flash after logout does
        return "ok"

    client.post("/login", json={"user": "ada"})
    copied = client.cookies["session"]
    client.post("/logout-with-message")
    fresh = client.cookies["session"]
    assert sid_of(fresh) != sid_of(copied)
    assert client.get("/get").json() == {"message": "You are logged out."}
    # The cookie copied before logout sees nothing of the next anonymous session.
    assert client.get("/get", headers={"Cookie": f"session={copied}"}).json() == {}
