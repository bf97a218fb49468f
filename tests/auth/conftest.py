"""Auth fixtures: an app with users, a login view, guarded views, on every session backend.

Passwords are hashed with a cheap scrypt cost (``PASSWORD_HASH_PARAMS``) so that tests stay
fast; the code path is the production one. ``cache_config`` selects the cache the login
throttle counts in: memory, or Redis under a prefix of the test's own.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from cupola import Cupola, View, request
from cupola.auth import (
    Auth,
    ScryptParams,
    UserMixin,
    authenticate,
    current_user,
    hash_password,
    login_required,
    login_user,
    logout_user,
    permission_required,
)
from cupola.cache import RedisCache
from cupola.cache.binding import EXTENSION as CACHES
from cupola.csrf import csrf_token
from cupola.testing import TestClient

CHEAP = {"n": 2**8, "r": 8, "p": 1}
PASSWORD = "correct horse battery staple"


@dataclass(eq=False)
class User(UserMixin):
    id: int
    username: str
    password_hash: str
    admin: bool = False
    active: bool = True
    saved: list[str] = field(default_factory=list)

    @property
    def is_active(self) -> bool:
        return self.active


@pytest.fixture
def users() -> dict[str, User]:
    cheap = ScryptParams(**CHEAP)
    return {
        "ada": User(1, "ada", hash_password(PASSWORD, cheap)),
        "root": User(2, "root", hash_password(PASSWORD, cheap), admin=True),
        "gone": User(3, "gone", hash_password(PASSWORD, cheap), active=False),
    }


@pytest.fixture(params=["memory", "redis"])
def cache_config(request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    """Config putting the cache (and so the login throttle) on memory or Redis."""
    if request.param == "memory":
        yield {"CACHE_URL": "memory://"}
        return
    url = request.getfixturevalue("redis_url")
    prefix = f"cupola-test:{uuid.uuid4().hex}:"
    security = f"{prefix}security:"
    yield {
        "CACHE_URL": url,
        "CACHE_KEY_PREFIX": f"{prefix}cache:",
        "SECURITY_KEY_PREFIX": security,
        "SESSION_BACKEND": url,
        "SESSION_KEY_PREFIX": f"{prefix}session:",
    }
    leftover = RedisCache.from_url(url, prefix=prefix)
    leftover.clear()
    leftover.close()


@pytest.fixture
def app(users: dict[str, User], cache_config: dict[str, Any]) -> Iterator[Cupola]:
    """The test app; its cache connections are closed afterwards."""
    app = make_app(users, cache_config)
    yield app
    for backend in app.extensions.get(CACHES, {}).values():
        backend.close()  # its Redis connections


def make_app(users: dict[str, User], cache_config: dict[str, Any]) -> Cupola:
    app = Cupola(
        __name__,
        config={
            "SECRET_KEY": "test-secret-key",
            "TESTING": True,
            "PASSWORD_HASH_PARAMS": CHEAP,
            **cache_config,
        },
    )
    by_id = {str(user.id): user for user in users.values()}
    Auth(app, user_loader=by_id.get)

    @app.get("/token")
    def token() -> dict[str, Any]:
        return {"token": csrf_token()}

    @app.post("/login")
    def login() -> Any:
        form = request.form
        user = authenticate(form.get("username", ""), form.get("password", ""), users.get)
        if user is None:
            return {"error": "Wrong user name or password."}, 400
        login_user(user, remember=form.get("remember") == "yes")
        return {"user": user.username}

    @app.post("/logout")
    def logout() -> dict[str, Any]:
        logout_user()
        return {"user": None}

    @app.get("/me")
    def me() -> dict[str, Any]:
        return {
            "id": current_user.get_id(),
            "same": request.user is current_user._get_current_object(),
            "authenticated": current_user.is_authenticated,
        }

    @app.get("/private")
    @login_required
    def private() -> dict[str, Any]:
        return {"private": current_user.username}

    @app.get("/private-async")
    @login_required
    async def private_async() -> dict[str, Any]:
        return {"private": request.user.username}

    @app.get("/admin")
    @permission_required(lambda user: user.admin)
    def admin() -> str:
        return "admin"

    @login_required
    class Notes(View):
        def get(self, request: Any) -> dict[str, Any]:
            return {"notes": request.user.username}

        def post(self, request: Any) -> dict[str, Any]:
            return {"posted": True}

    app.add_url_rule("/notes", view_func=Notes.as_view("notes"))

    class AdminNotes(View):
        @permission_required(lambda user: user.admin)
        async def get(self, request: Any) -> str:
            return "admin notes"

    app.add_url_rule("/admin-notes", view_func=AdminNotes.as_view("admin_notes"))
    return app


@pytest.fixture
def client(app: Cupola, protocol: str) -> Iterator[TestClient]:
    with app.test_client(protocol) as test_client:  # type: ignore[arg-type]
        yield test_client


@pytest.fixture
def log_in(client: TestClient) -> Callable[..., Any]:
    """``log_in(username, password=PASSWORD, **fields)``: post the login form with a token."""

    def post(username: str, password: str = PASSWORD, **fields: str) -> Any:
        token = client.get("/token").json()["token"]
        data = {"username": username, "password": password, "csrf_token": token, **fields}
        return client.post("/login", data=data)

    return post
