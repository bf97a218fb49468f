"""Authentication classes (cupola/rest/authentication.py) through APIView, against DRF 3.18.

``fixtures/policies_authentication.json`` and ``policies_permissions.json`` hold DRF's
answers to the same requests (``make_drf_policy_fixtures.py``); they are replayed here on
both protocols, over users and tokens in SQLite.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from cupola import Cupola
from cupola.auth import Auth, UserMixin, authenticate, hash_password, login_user
from cupola.csrf import csrf_token
from cupola.db import Database
from cupola.exceptions import ImproperlyConfigured
from cupola.rest import authentication, permissions
from cupola.rest.authentication import (
    BaseAuthentication,
    BasicAuthentication,
    SessionAuthentication,
    TokenAuthentication,
    get_authorization_header,
)
from cupola.rest.authtoken import create_token_model
from cupola.rest.exceptions import AuthenticationFailed
from cupola.rest.response import Response
from cupola.rest.views import APIView
from cupola.testing import TestClient

HERE = Path(__file__).parent
AUTH_CASES = json.loads((HERE / "fixtures/policies_authentication.json").read_text())
PERMISSION_CASES = json.loads((HERE / "fixtures/policies_permissions.json").read_text())
# Django keeps the CSRF secret in a cookie, Cupola in the session: this one DRF answer
# ("CSRF cookie not set.") has no counterpart; test_session_* cover the session cases.
SESSION_CASES = {"session_get", "session_post_without_token", "session_post_without_cookie"}
CHEAP = {"n": 2**8, "r": 8, "p": 1}


def basic(credentials: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()}


class Who(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def get(self, request: Any) -> Response:
        return Response({"user": request.user.username, "auth": type(request.auth).__name__})

    post = get


def who(*classes: type[BaseAuthentication]) -> Any:
    return type("View", (Who,), {"authentication_classes": list(classes)})


class Refuse(permissions.BasePermission):
    message = "Not you."
    code = "not_you"

    def has_permission(self, request: Any, view: Any) -> bool:
        return False


def guarded(*classes: Any) -> Any:
    class View(APIView):
        authentication_classes = [BasicAuthentication]
        permission_classes = list(classes)

        def get(self, request: Any) -> Response:
            return Response({"ok": True})

        post = get

    return View


def make_app(tmp_path: Path) -> Cupola:
    app = Cupola(
        __name__,
        config={
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "PASSWORD_HASH_PARAMS": CHEAP,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'users.db'}",
        },
    )
    db = Database(app)

    class User(UserMixin, db.Model):  # type: ignore[name-defined, misc]
        id: Mapped[int] = mapped_column(primary_key=True)
        username: Mapped[str] = mapped_column(String(50), unique=True)
        password_hash: Mapped[str] = mapped_column(String(200))
        is_active: Mapped[bool] = mapped_column(default=True)  # type: ignore[assignment]
        is_staff: Mapped[bool] = mapped_column(default=False)

    token_model = create_token_model(db, User)

    def lookup(username: str) -> Any:
        return db.session.execute(select(User).where(User.username == username)).scalar()

    Auth(
        app,
        user_loader=lambda user_id: db.session.get(User, int(user_id)),
        authenticate=lambda username, password: authenticate(username, password, lookup),
    )
    with app.app_context():
        db.create_all()
        password = hash_password("secret")
        ada = User(username="ada", password_hash=password)
        bob = User(username="bob", password_hash=password, is_active=False)
        root = User(username="root", password_hash=password, is_staff=True)
        db.session.add_all([ada, bob, root])
        db.session.add_all(
            [token_model(user=ada, key="a" * 40), token_model(user=bob, key="b" * 40)]
        )
        db.session.commit()
        db.session.remove()

    @app.post("/login/<name>")
    def log_in(name: str) -> dict[str, Any]:
        login_user(lookup(name))
        return {"csrf": csrf_token()}

    views = {
        "/basic/": who(BasicAuthentication),
        "/token/": who(TokenAuthentication),
        "/session/": who(SessionAuthentication),
        "/session-first/": who(SessionAuthentication, BasicAuthentication),
        "/perm/admin/": guarded(permissions.IsAdminUser),
        "/perm/refuse/": guarded(Refuse),
        "/perm/refuse-and/": guarded(Refuse & permissions.AllowAny),
        "/perm/not-auth/": guarded(~permissions.IsAuthenticated),
        "/perm/read-only/": guarded(permissions.IsAuthenticatedOrReadOnly),
    }
    for rule, view in views.items():
        app.add_url_rule(rule, view_func=view.as_view(rule.strip("/").replace("/", "-")))
    return app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Cupola]:
    app = make_app(tmp_path)
    yield app
    with app.app_context():
        app.extensions["cupola.db"].dispose()


def replay(client: TestClient, expected: dict[str, Any]) -> None:
    sent = expected["request"]
    response = client.request(sent["method"], sent["path"], headers=sent["headers"])
    assert response.status_code == expected["status"]
    assert response.json() == expected["body"]
    for name in ("WWW-Authenticate", "Retry-After", "Content-Type", "Allow"):
        assert response.headers.get(name) == expected["headers"].get(name), name


@pytest.mark.parametrize("case", sorted(set(AUTH_CASES) - SESSION_CASES))
def test_authentication_answers_as_drf(client: TestClient, case: str) -> None:
    replay(client, AUTH_CASES[case])


@pytest.mark.parametrize("case", sorted(PERMISSION_CASES))
def test_permission_answers_as_drf(client: TestClient, case: str) -> None:
    replay(client, PERMISSION_CASES[case])


# -- sessions and CSRF ----------------------------------------------------------------------


def test_session_get_after_login(client: TestClient) -> None:
    client.post("/login/ada")
    replay(client, AUTH_CASES["session_get"])


@pytest.fixture
def strict(app: Cupola, protocol: str) -> Iterator[TestClient]:
    """A client that sends no origin signal, as DRF's APIClient(enforce_csrf_checks=True)."""
    with app.test_client(protocol, enforce_csrf_checks=True) as test_client:  # type: ignore[arg-type]
        yield test_client


def test_session_post_without_a_csrf_token_is_refused_as_drf(strict: TestClient) -> None:
    client = strict
    client.post("/login/ada")
    replay(client, AUTH_CASES["session_post_without_token"])
    assert AUTH_CASES["session_post_without_token"]["body"] == {
        "detail": "CSRF Failed: CSRF token missing."
    }


def test_session_post_with_the_csrf_token(client: TestClient) -> None:
    token = client.post("/login/ada").json()["csrf"]
    response = client.post("/session/", headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert response.json() == {"user": "ada", "auth": "NoneType"}
    wrong = client.post("/session/", headers={"X-CSRFToken": token[:-2] + "AA"})
    assert wrong.status_code == 403
    assert wrong.json() == {"detail": "CSRF Failed: CSRF token incorrect."}


def test_a_cross_site_post_is_refused_even_with_a_token(client: TestClient) -> None:
    token = client.post("/login/ada").json()["csrf"]
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}):
        response = client.post("/session/", headers={"X-CSRFToken": token, **headers})
        assert response.status_code == 403
        assert response.json() == {"detail": "CSRF Failed: Cross-origin request."}


def test_csrf_enabled_false_turns_the_check_off(app: Cupola, client: TestClient) -> None:
    client.post("/login/ada")
    app.config["CSRF_ENABLED"] = False
    assert client.post("/session/").status_code == 200


def test_a_same_origin_browser_needs_no_csrf_token(client: TestClient) -> None:
    client.post("/login/ada")  # the test client is a same-origin browser (DESIGN §7)
    assert client.post("/session/").json() == {"user": "ada", "auth": "NoneType"}


def test_credentials_other_than_the_cookie_need_no_csrf_token(strict: TestClient) -> None:
    client = strict
    client.post("/login/ada")
    # Session first: it finds ada and wants a token; without the cookie Basic decides.
    assert client.post("/session-first/").status_code == 403
    client.cookies.clear()
    response = client.post("/session-first/", headers=basic("root:secret"))
    assert response.json() == {"user": "root", "auth": "NoneType"}


def test_session_without_auth_or_sessions_is_anonymous(protocol: str) -> None:
    app = Cupola(__name__, config={"TESTING": True, "MIDDLEWARE": []})
    app.add_url_rule("/session/", view_func=who(SessionAuthentication).as_view("session"))
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get("/session/")
    assert response.status_code == 403
    assert response.json() == {"detail": "Authentication credentials were not provided."}


# -- the classes on their own ---------------------------------------------------------------


def test_basic_without_a_credential_check_ignores_the_header(
    protocol: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = Cupola(__name__, config={"TESTING": True})
    Auth(app, user_loader=lambda user_id: None)
    app.add_url_rule("/basic/", view_func=who(BasicAuthentication).as_view("basic"))
    with app.app_context(), pytest.raises(ImproperlyConfigured, match="authenticate=check"):
        BasicAuthentication().authenticate_credentials("ada", "secret")
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get("/basic/", headers=basic("ada:secret"))
    # A client's header must not cause a server error: the request is anonymous.
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert "Basic credentials ignored" in caplog.text


def test_basic_credentials_can_be_checked_another_way(protocol: str) -> None:
    class Fixed(BasicAuthentication):
        www_authenticate_realm = "private"

        def authenticate_credentials(self, userid: str, password: str, request: Any = None) -> Any:
            if (userid, password) != ("ké", "pä:ss"):
                raise AuthenticationFailed("No.")
            return (type("U", (), {"username": userid, "is_authenticated": True})(), None)

    app = Cupola(__name__, config={"TESTING": True})
    app.add_url_rule("/fixed/", view_func=who(Fixed).as_view("fixed"))
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        good = client.get("/fixed/", headers=basic("ké:pä:ss"))  # UTF-8, a colon in the password
        latin = base64.b64encode("ké:pä:ss".encode("latin-1")).decode()
        also = client.get("/fixed/", headers={"Authorization": f"Basic {latin}"})
        bad = client.get("/fixed/", headers=basic("ké:nope"))
    assert good.json() == {"user": "ké", "auth": "NoneType"}
    assert also.json() == {"user": "ké", "auth": "NoneType"}  # Latin-1 when not UTF-8
    assert bad.status_code == 401
    assert bad.headers["www-authenticate"] == 'Basic realm="private"'


def test_a_custom_token_keyword_and_model(app: Cupola, protocol: str) -> None:
    with app.app_context():
        from cupola.rest.authtoken import find_token_model

        model = find_token_model(app)

    class Bearer(TokenAuthentication):
        keyword = "Bearer"

    Bearer.model = model
    app.add_url_rule("/bearer/", view_func=who(Bearer).as_view("bearer"))
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        ok = client.get("/bearer/", headers={"Authorization": "Bearer " + "a" * 40})
        other = client.get("/bearer/", headers={"Authorization": "Token " + "a" * 40})
        latin = client.get("/bearer/", headers={"Authorization": b"Bearer caf\xe9"})
    assert ok.json() == {"user": "ada", "auth": "Token"}
    assert other.status_code == 401 and other.headers["www-authenticate"] == "Bearer"
    assert latin.json() == {
        "detail": "Invalid token header. Token string should not contain invalid characters."
    }


def test_token_authentication_needs_a_database(protocol: str) -> None:
    class Keyed(TokenAuthentication):
        model = object()

    app = Cupola(__name__, config={"TESTING": True})
    context = app.test_request_context("/", headers={"Authorization": "Token abc"})
    with context, pytest.raises(ImproperlyConfigured, match="Database"):
        Keyed().authenticate_credentials("abc")


def test_base_authentication_and_the_header() -> None:
    with pytest.raises(NotImplementedError):
        BaseAuthentication().authenticate(None)
    assert BaseAuthentication().authenticate_header(None) is None
    app = Cupola(__name__)
    with app.test_request_context("/", headers={"Authorization": "Basic x"}):
        from cupola import request

        assert get_authorization_header(request) == b"Basic x"
    with app.test_request_context("/"):
        assert get_authorization_header(request) == b""
    assert authentication.HEADER_ENCODING == "iso-8859-1"


class AsyncWho(APIView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated]

    async def post(self, request: Any) -> Response:
        return Response({"user": request.user.username})


def test_session_csrf_token_in_a_form_field_with_an_async_view(
    app: Cupola, client: TestClient
) -> None:
    app.add_url_rule("/async/", view_func=AsyncWho.as_view("async-who"))
    token = client.post("/login/ada").json()["csrf"]
    response = client.post("/async/", data={"csrf_token": token})
    assert response.status_code == 200
    assert response.json() == {"user": "ada"}
    refused = client.post("/async/", data={"csrf_token": "x"})
    assert refused.json() == {"detail": "CSRF Failed: CSRF token incorrect."}


def test_basic_refuses_an_inactive_user_the_check_returned(protocol: str) -> None:
    sleeper = type("U", (), {"username": "zzz", "is_active": False, "is_authenticated": True})()
    app = Cupola(__name__, config={"TESTING": True})
    Auth(app, user_loader=lambda user_id: None, authenticate=lambda username, password: sleeper)
    app.add_url_rule("/basic/", view_func=who(BasicAuthentication).as_view("basic"))
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get("/basic/", headers=basic("zzz:pw"))
    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}
