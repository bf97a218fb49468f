"""``@login_required`` and ``@permission_required`` (cupola/auth/decorators.py)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest

from cupola import Cupola
from cupola.testing import TestClient

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
JSON = {"Accept": "application/json"}
GUARDED = ["/private", "/private-async", "/notes", "/admin", "/admin-notes"]


@pytest.mark.parametrize("path", GUARDED)
def test_browsers_are_sent_to_the_login_page_and_back(client: TestClient, path: str) -> None:
    response = client.get(f"{path}?page=2", headers=HTML)
    assert response.status_code == 302
    assert response.headers["location"] == f"/login?next=%2F{path[1:]}%3Fpage%3D2"


@pytest.mark.parametrize("path", GUARDED)
@pytest.mark.parametrize("headers", [JSON, {}, {"Accept": "*/*"}], ids=["json", "none", "any"])
def test_other_clients_get_401(client: TestClient, path: str, headers: dict[str, str]) -> None:
    response = client.get(path, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == (
        'Cookie realm="localhost", form-action="/login"'
    )


def test_a_form_post_goes_to_the_login_page_without_next(client: TestClient) -> None:
    token = client.get("/token").json()["token"]
    response = client.post("/notes", headers={**HTML, "X-CSRFToken": token})
    assert (response.status_code, response.headers["location"]) == (302, "/login")


def test_login_url_may_be_an_endpoint_with_a_query(app: Cupola, client: TestClient) -> None:
    @app.get("/accounts/login")
    def login_page() -> str:
        return "login"

    app.config["LOGIN_URL"] = "login_page"
    assert client.get("/private", headers=HTML).headers["location"] == (
        "/accounts/login?next=%2Fprivate"
    )
    app.config["LOGIN_URL"] = "/enter?via=guard"
    assert client.get("/private", headers=HTML).headers["location"] == (
        "/enter?via=guard&next=%2Fprivate"
    )


@pytest.mark.parametrize("path", ["/private", "/private-async", "/notes"])
def test_logged_in_users_pass(client: TestClient, log_in: Callable[..., Any], path: str) -> None:
    log_in("ada")
    assert client.get(path).status_code == 200
    assert "ada" in client.get(path).text


@pytest.mark.parametrize("path", ["/admin", "/admin-notes"])
def test_permissions(client: TestClient, log_in: Callable[..., Any], path: str) -> None:
    log_in("ada")
    assert client.get(path, headers=HTML).status_code == 403
    log_in("root")
    assert client.get(path).status_code == 200


def test_guarding_a_class_leaves_its_parent_alone() -> None:
    from cupola import View
    from cupola.auth import login_required

    class Base(View):
        def get(self, request: Any) -> str:
            return "open"

    @login_required
    class Closed(Base):
        pass

    assert Base.guards == () and len(Closed.guards) == 1


def _cache_headers(view: Callable[..., Any]) -> Callable[..., Any]:
    """A decorator a subclass might list in its own ``decorators``."""

    @functools.wraps(view)
    def decorated(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs)

    return decorated


def test_a_class_guard_survives_subclasses_that_set_their_own_decorators(
    app: Cupola, client: TestClient, log_in: Callable[..., Any]
) -> None:
    from cupola import View
    from cupola.auth import login_required, permission_required

    @login_required
    class Private(View):
        def get(self, request: Any) -> str:
            return f"private for {request.user.username}"

    class Mine(Private):
        decorators = [_cache_headers]

    class Deeper(Mine):
        decorators = []
        guards = ()

    @permission_required(lambda user: user.admin)
    class AdminOnly(Mine):
        decorators = [_cache_headers]

    for name, cls in [("mine", Mine), ("deeper", Deeper), ("admin-only", AdminOnly)]:
        app.add_url_rule(f"/{name}", view_func=cls.as_view(name))
    for path in ("/mine", "/deeper", "/admin-only"):
        assert client.get(path, headers=HTML).status_code == 302, path
        assert client.get(path).status_code == 401, path
    log_in("ada")
    assert client.get("/mine").text == "private for ada"
    assert client.get("/deeper").text == "private for ada"
    assert client.get("/admin-only", headers=HTML).status_code == 403
    log_in("root")
    assert client.get("/admin-only").text == "private for root"
