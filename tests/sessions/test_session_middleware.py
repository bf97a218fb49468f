"""The session middleware on every backend and protocol: saving, cookies, caching headers."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from markupsafe import Markup

from cupola import Cupola, Response, request, session
from cupola.exceptions import ImproperlyConfigured
from cupola.sessions import MemoryStore, SessionStore
from cupola.testing import TestClient


def set_cookie(response: httpx.Response, name: str = "session") -> str | None:
    """The ``Set-Cookie`` header for ``name``, if the response has one."""
    headers = [h for h in response.headers.get_list("set-cookie") if h.startswith(name + "=")]
    assert len(headers) <= 1
    return headers[0] if headers else None


def attributes(header: str) -> dict[str, str]:
    """The attributes of a ``Set-Cookie`` header, names lower-cased."""
    pairs = (part.strip().partition("=") for part in header.split(";")[1:])
    return {name.lower(): value for name, _, value in pairs}


def routes(app: Cupola) -> None:
    @app.post("/set")
    def set_values() -> dict[str, Any]:
        session.update(request.json)
        return {}

    @app.get("/get")
    def get_values() -> dict[str, Any]:
        return dict(session)

    @app.get("/untouched")
    def untouched() -> str:
        return "ok"

    @app.post("/clear")
    def clear() -> str:
        session.clear()
        return "ok"

    @app.post("/permanent")
    def permanent() -> str:
        session["user"] = "ada"
        session.permanent = True
        return "ok"


@pytest.fixture
def client(app: Cupola, client: TestClient) -> TestClient:
    routes(app)
    return client


def test_round_trip(client: TestClient) -> None:
    response = client.post("/set", json={"user": "ada", "cart": [1, 2]})
    assert set_cookie(response) is not None
    assert client.get("/get").json() == {"user": "ada", "cart": [1, 2]}


def test_round_trip_keeps_tagged_types(app: Cupola, client: TestClient) -> None:
    values = {
        "when": datetime(2024, 5, 1, 12, 30, 15, 123456, tzinfo=UTC),
        "naive": datetime(2024, 5, 1, 12, 30),
        "day": date(2024, 5, 1),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "raw": b"\x00\xffbytes",
        "pair": (1, ("nested", [2])),
        "safe": Markup("<b>bold</b>"),
        "look_alike": {"~t": [1]},
    }

    @app.post("/typed")
    def typed() -> str:
        session.update(values)
        return "ok"

    @app.get("/typed")
    def read_typed() -> dict[str, Any]:
        return {
            "same": dict(session) == values,
            "types": {k: type(v).__name__ for k, v in session.items()},
        }

    client.post("/typed")
    body = client.get("/typed").json()
    assert body["same"] is True
    assert body["types"] == {k: type(v).__name__ for k, v in values.items()}


def test_async_views_read_and_write(app: Cupola, client: TestClient) -> None:
    @app.post("/async")
    async def write() -> str:
        session["n"] = session.get("n", 0) + 1
        return "ok"

    @app.get("/async")
    async def read() -> dict[str, Any]:
        return dict(session)

    client.post("/async")
    client.post("/async")
    assert client.get("/async").json() == {"n": 2}


def test_nested_mutation_needs_modified(app: Cupola, client: TestClient) -> None:
    @app.post("/append")
    def append() -> str:
        session["cart"].append(request.args["item"])
        if "mark" in request.args:
            session.modified = True
        return "ok"

    client.post("/set", json={"cart": []})
    unsaved = client.post("/append?item=a")
    assert set_cookie(unsaved) is None
    assert client.get("/get").json() == {"cart": []}
    client.post("/append?item=b&mark=1")
    assert client.get("/get").json() == {"cart": ["b"]}


def test_unchanged_session_sets_no_cookie(client: TestClient) -> None:
    client.post("/set", json={"user": "ada"})
    response = client.get("/get")
    assert response.json() == {"user": "ada"}
    assert set_cookie(response) is None


def test_reading_an_empty_session_sets_no_cookie(client: TestClient) -> None:
    response = client.get("/get")
    assert response.json() == {}
    assert response.headers.get_list("set-cookie") == []


def test_untouched_session_costs_nothing(client: TestClient) -> None:
    client.post("/set", json={"user": "ada"})
    response = client.get("/untouched")
    assert "vary" not in response.headers
    assert "cache-control" not in response.headers
    assert set_cookie(response) is None


def test_reading_the_session_varies_on_cookie(client: TestClient) -> None:
    response = client.get("/get")
    assert response.headers["vary"] == "Cookie"
    assert response.headers["cache-control"] == "private"
    written = client.post("/set", json={"a": 1})
    assert written.headers["vary"] == "Cookie"
    assert written.headers["cache-control"] == "private"


@pytest.mark.parametrize(
    ("headers", "vary", "cache_control"),
    [
        ({"Vary": "Accept-Encoding"}, ["Accept-Encoding", "Cookie"], "private"),
        ({"Vary": "accept, cookie"}, ["accept, cookie"], "private"),
        ({"Vary": "*"}, ["*"], "private"),
        ({"Cache-Control": "public, max-age=60"}, ["Cookie"], "private, max-age=60"),
        ({"Cache-Control": "max-age=60"}, ["Cookie"], "private, max-age=60"),
        ({"Cache-Control": "no-store"}, ["Cookie"], "no-store"),
        ({"Cache-Control": "private, max-age=5"}, ["Cookie"], "private, max-age=5"),
    ],
)
def test_caching_headers_merge_with_the_views(
    app: Cupola,
    client: TestClient,
    headers: dict[str, str],
    vary: list[str],
    cache_control: str,
) -> None:
    @app.get("/cached")
    def cached() -> Response:
        session.get("user")
        return Response("ok", headers=headers)

    response = client.get("/cached")
    assert response.headers.get_list("vary") == vary
    assert response.headers["cache-control"] == cache_control


def test_default_cookie_attributes(client: TestClient) -> None:
    header = set_cookie(client.post("/set", json={"a": 1}))
    assert header is not None
    assert attributes(header) == {"path": "/", "samesite": "Lax", "httponly": ""}


def test_secure_over_https(app: Cupola, client_for: Callable[..., TestClient]) -> None:
    routes(app)
    client = client_for(app, base_url="https://localhost")
    header = set_cookie(client.post("/set", json={"a": 1}))
    assert header is not None
    assert "secure" in attributes(header)


def test_configured_cookie_attributes(
    make_app: Callable[..., Cupola], client_for: Callable[..., TestClient]
) -> None:
    app = make_app(
        SESSION_COOKIE_NAME="sid",
        SESSION_COOKIE_DOMAIN="example.com",
        SESSION_COOKIE_PATH="/app",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="strict",
        SESSION_COOKIE_HTTPONLY=False,
    )
    routes(app)
    client = client_for(app)
    header = set_cookie(client.post("/set", json={"a": 1}), name="sid")
    assert header is not None
    assert attributes(header) == {
        "domain": "example.com",
        "path": "/app",
        "samesite": "Strict",
        "secure": "",
    }
    value = header.split(";")[0].split("=", 1)[1]
    read = client.get("/get", headers={"Cookie": f"sid={value}"})
    assert read.json() == {"a": 1}


def test_samesite_none_with_secure(
    make_app: Callable[..., Cupola], client_for: Callable[..., TestClient]
) -> None:
    app = make_app(SESSION_COOKIE_SAMESITE="None", SESSION_COOKIE_SECURE=True)
    routes(app)
    header = set_cookie(client_for(app).post("/set", json={"a": 1}))
    assert header is not None
    assert attributes(header)["samesite"] == "None"


def test_samesite_omitted(
    make_app: Callable[..., Cupola], client_for: Callable[..., TestClient]
) -> None:
    app = make_app(SESSION_COOKIE_SAMESITE=None)
    routes(app)
    header = set_cookie(client_for(app).post("/set", json={"a": 1}))
    assert header is not None
    assert "samesite" not in attributes(header)


def test_permanent_session_has_max_age(
    make_app: Callable[..., Cupola], client_for: Callable[..., TestClient]
) -> None:
    app = make_app(PERMANENT_SESSION_LIFETIME=3600)
    routes(app)
    client = client_for(app)
    header = set_cookie(client.post("/permanent"))
    assert header is not None
    assert attributes(header)["max-age"] == "3600"
    assert "expires" in attributes(header)
    browser_session = set_cookie(client.post("/set", json={"b": 2}))
    assert browser_session is not None
    assert attributes(browser_session)["max-age"] == "3600"  # still permanent
    assert client.get("/get").json() == {"user": "ada", "_permanent": True, "b": 2}


def test_non_permanent_session_has_no_max_age(client: TestClient) -> None:
    header = set_cookie(client.post("/set", json={"a": 1}))
    assert header is not None
    assert "max-age" not in attributes(header)
    assert "expires" not in attributes(header)


def test_permanent_session_is_refreshed_each_request(client: TestClient) -> None:
    client.post("/permanent")
    refreshed = set_cookie(client.get("/get"))
    assert refreshed is not None
    assert "max-age" in attributes(refreshed)
    assert client.get("/get").json()["user"] == "ada"
    assert set_cookie(client.get("/untouched")) is None


def test_refresh_can_be_turned_off(
    make_app: Callable[..., Cupola], client_for: Callable[..., TestClient]
) -> None:
    app = make_app(SESSION_REFRESH_EACH_REQUEST=False)
    routes(app)
    client = client_for(app)
    client.post("/permanent")
    response = client.get("/get")
    assert response.json()["user"] == "ada"
    assert set_cookie(response) is None


def test_permanent_false_makes_a_browser_session(app: Cupola, client: TestClient) -> None:
    @app.post("/transient")
    def transient() -> str:
        session.permanent = False
        return "ok"

    client.post("/permanent")
    header = set_cookie(client.post("/transient"))
    assert header is not None
    assert "max-age" not in attributes(header)
    assert client.get("/get").json() == {"user": "ada"}


def test_clear_deletes_the_cookie(client: TestClient, session_backend: Any) -> None:
    client.post("/set", json={"user": "ada"})
    old = client.cookies["session"]
    header = set_cookie(client.post("/clear"))
    assert header is not None
    assert attributes(header)["max-age"] == "0"
    assert header.startswith("session=;")
    assert client.get("/get").json() == {}
    replayed = client.get("/get", headers={"Cookie": f"session={old}"})
    if isinstance(session_backend, SessionStore):  # logout revokes a server-side session
        assert replayed.json() == {}
    else:  # a signed cookie is valid until it expires
        assert replayed.json() == {"user": "ada"}


def test_emptying_a_session_without_a_cookie_sends_nothing(app: Cupola, client: TestClient) -> None:
    @app.post("/add-remove")
    def add_remove() -> str:
        session["a"] = 1
        del session["a"]
        return "ok"

    assert set_cookie(client.post("/add-remove")) is None


@pytest.mark.parametrize(
    "value",
    [
        "garbage",
        "",
        "a.b.c",
        "€uro-not-ascii",
        "x" * 5000,
        '"quoted\\\\value"',
    ],
)
def test_bad_cookies_give_an_empty_session(client: TestClient, value: str) -> None:
    response = client.get("/get", headers={"Cookie": f"session={value}".encode()})
    assert response.status_code == 200
    assert response.json() == {}


def test_tampered_and_truncated_cookies_give_an_empty_session(client: TestClient) -> None:
    client.post("/set", json={"user": "ada"})
    good = client.cookies["session"]
    client.cookies.clear()
    # NOTE: not the last character: its low bits are base64 padding, which decoding ignores.
    flipped = good[:-10] + ("A" if good[-10] != "A" else "B") + good[-9:]
    payload_changed = ("B" if good[0] != "B" else "C") + good[1:]
    for value in (flipped, payload_changed, good[: len(good) // 2], good[:-1], good + "x"):
        response = client.get("/get", headers={"Cookie": f"session={value}"})
        assert response.status_code == 200
        assert response.json() == {}, value
    assert client.get("/get", headers={"Cookie": f"session={good}"}).json() == {"user": "ada"}


def test_a_cookie_signed_with_another_key_gives_an_empty_session(
    make_app: Callable[..., Cupola], client_for: Callable[..., TestClient]
) -> None:
    first, second = make_app(SECRET_KEY="one"), make_app(SECRET_KEY="two")
    routes(first)
    routes(second)
    writer = client_for(first)
    writer.post("/set", json={"user": "ada"})
    value = writer.cookies["session"]
    reader = client_for(second)
    assert reader.get("/get", headers={"Cookie": f"session={value}"}).json() == {}


def test_key_rotation_with_fallbacks(app: Cupola, client: TestClient) -> None:
    client.post("/set", json={"user": "ada"})
    old = client.cookies["session"]
    app.config.update(SECRET_KEY="rotated", SECRET_KEY_FALLBACKS=["test-secret-key"])
    assert client.get("/get").json() == {"user": "ada"}
    client.post("/set", json={"n": 1})
    new = client.cookies["session"]
    assert new != old
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert client.get("/get", headers={"Cookie": f"session={new}"}).json() == {
        "user": "ada",
        "n": 1,
    }
    assert client.get("/get", headers={"Cookie": f"session={old}"}).json() == {}


def test_bytes_secret_key(
    make_app: Callable[..., Cupola], client_for: Callable[..., TestClient]
) -> None:
    app = make_app(SECRET_KEY=b"\x00binary-key")
    routes(app)
    client = client_for(app)
    client.post("/set", json={"a": 1})
    assert client.get("/get").json() == {"a": 1}


def test_regenerate_issues_a_new_cookie_and_rotates_the_csrf_secret(
    app: Cupola, client: TestClient
) -> None:
    @app.post("/login")
    def login() -> str:
        session.regenerate()
        session["user"] = "ada"
        return "ok"

    client.post("/set", json={"_csrf_secret": "before", "cart": [1]})
    before = client.cookies["session"]
    header = set_cookie(client.post("/login"))
    assert header is not None
    after = client.cookies["session"]
    assert after != before
    assert client.get("/get").json() == {"cart": [1], "user": "ada"}


def test_regenerate_alone_reissues_the_cookie(
    app: Cupola, client: TestClient, session_backend: Any
) -> None:
    @app.post("/regenerate")
    def regenerate() -> str:
        session.regenerate()
        return "ok"

    client.post("/set", json={"user": "ada"})
    before = client.cookies["session"]
    assert set_cookie(client.post("/regenerate")) is not None
    if isinstance(session_backend, SessionStore):  # a new id; a signed cookie only re-signs
        assert client.cookies["session"] != before
    assert client.get("/get").json() == {"user": "ada"}


def test_missing_secret_key_is_named(
    make_app: Callable[..., Cupola], client_for: Callable[..., TestClient]
) -> None:
    app = make_app(SECRET_KEY=None)
    routes(app)
    client = client_for(app)
    assert client.get("/untouched").text == "ok"
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        client.get("/get")


def test_the_session_in_templates(app: Cupola, client: TestClient) -> None:
    from cupola.templating import render_string

    @app.get("/page")
    def page() -> str:
        return render_string("{{ session.get('user', 'nobody') }}")

    assert client.get("/page").text == "nobody"
    client.post("/set", json={"user": "<ada>"})
    response = client.get("/page")
    assert response.text == "&lt;ada&gt;"
    assert response.headers["vary"] == "Cookie"


def test_request_session_is_the_proxy_target(app: Cupola, client: TestClient) -> None:
    @app.get("/same")
    def same(request: Any) -> dict[str, bool]:
        return {"same": request.session is session._get_current_object()}  # type: ignore[attr-defined]

    assert client.get("/same").json() == {"same": True}


def test_memory_url_store_survives_a_config_change(
    protocol: str, client_for: Callable[..., TestClient]
) -> None:
    app = Cupola(__name__, config={"SECRET_KEY": "k", "SESSION_BACKEND": "memory://"})
    routes(app)
    client = client_for(app)
    client.post("/set", json={"user": "ada"})
    app.config["DEBUG"] = True  # rebuilds the pipeline and its middleware
    assert client.get("/get").json() == {"user": "ada"}


def test_middleware_from_config(client_for: Callable[..., TestClient]) -> None:
    app = Cupola(
        __name__,
        config={"SECRET_KEY": "k", "MIDDLEWARE": ["cupola.sessions:SessionMiddleware"]},
    )
    routes(app)
    client = client_for(app)
    client.post("/set", json={"a": 1})
    assert client.get("/get").json() == {"a": 1}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"SESSION_COOKIE_SAMESITE": "sometimes"}, "SESSION_COOKIE_SAMESITE"),
        ({"SESSION_COOKIE_SAMESITE": "None"}, "SESSION_COOKIE_SECURE"),
        ({"PERMANENT_SESSION_LIFETIME": 0}, "PERMANENT_SESSION_LIFETIME"),
        ({"PERMANENT_SESSION_LIFETIME": "a month"}, "PERMANENT_SESSION_LIFETIME"),
    ],
)
def test_invalid_cookie_settings_fail_when_the_app_is_built(
    config: dict[str, Any], message: str
) -> None:
    app = Cupola(__name__, config={"SECRET_KEY": "k", **config})
    with pytest.raises(ImproperlyConfigured, match=message):
        app.build()


@pytest.mark.parametrize("backend", ["mongodb://localhost", 42])
def test_unknown_backend_is_refused(
    backend: Any, protocol: str, client_for: Callable[..., TestClient]
) -> None:
    app = Cupola(__name__, config={"SECRET_KEY": "k", "SESSION_BACKEND": backend, "TESTING": True})
    routes(app)
    with pytest.raises(ImproperlyConfigured, match="SESSION_BACKEND"):
        client_for(app).get("/get")


def test_lifetime_as_timedelta(client_for: Callable[..., TestClient]) -> None:
    from datetime import timedelta

    store = MemoryStore()
    app = Cupola(
        __name__,
        config={
            "SECRET_KEY": "k",
            "SESSION_BACKEND": store,
            "PERMANENT_SESSION_LIFETIME": timedelta(hours=2),
        },
    )
    routes(app)
    header = set_cookie(client_for(app).post("/permanent"))
    assert header is not None
    assert attributes(header)["max-age"] == "7200"


def test_emptying_a_session_with_an_invalid_cookie_deletes_it(
    app: Cupola, client: TestClient
) -> None:
    @app.post("/add-remove")
    def add_remove() -> str:
        session["a"] = 1
        del session["a"]
        return "ok"

    response = client.post("/add-remove", headers={"Cookie": "session=garbage"})
    header = set_cookie(response)
    assert header is not None
    assert attributes(header)["max-age"] == "0"


def test_a_non_string_secret_key_is_a_configuration_error(protocol: str) -> None:
    app = Cupola(__name__, config={"SECRET_KEY": 123456, "TESTING": True})

    @app.get("/")
    def view() -> str:
        session["a"] = 1
        return "ok"

    with (
        app.test_client(protocol) as client,
        pytest.raises(  # type: ignore[arg-type]
            ImproperlyConfigured, match="must be strings"
        ),
    ):
        client.get("/")


def test_removing_the_session_middleware_after_a_build_removes_sessions() -> None:
    app = Cupola(__name__, config={"SECRET_KEY": "k", "TESTING": True})

    @app.get("/set")
    def set_value() -> str:
        session["n"] = 1
        return "set"

    client = app.test_client()
    assert "session=" in client.get("/set").headers["set-cookie"]
    app.config["MIDDLEWARE"] = ["cupola.csrf:CsrfMiddleware"]
    with pytest.raises(RuntimeError, match="session is not available"):
        client.get("/set")
