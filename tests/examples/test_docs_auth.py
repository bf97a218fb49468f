"""The authentication page's examples do what docs/auth.md says."""

from __future__ import annotations

import re
from typing import Any

import pytest

CHEAP = {"n": 2**8, "r": 8, "p": 1}
HTML = {"Accept": "text/html,*/*;q=0.8"}


def token(client: Any) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert match is not None
    return match[1]


@pytest.mark.example("auth/app.py")
def test_auth_app(example: Any) -> None:
    example.app.config["PASSWORD_HASH_PARAMS"] = CHEAP  # fast hashes for the test
    client = example.client
    assert client.get("/").json() == {"user": None}
    assert client.get("/account", headers=HTML).headers["location"] == "/login?next=%2Faccount"
    assert client.get("/account").status_code == 401

    password = "a long and secret passphrase"
    created = client.post("/signup", data={"username": "Ada", "password": password})
    assert (created.status_code, created.json()) == (201, {"user": "Ada"})
    assert password not in example.USERS["ada"].password_hash
    assert client.get("/account").json() == {"username": "Ada"}
    assert client.get("/admin").status_code == 403
    logout = client.post("/logout", data={"csrf_token": token(client)})
    assert (logout.status_code, logout.headers["location"]) == (302, "/")
    assert client.get("/").json() == {"user": None}

    taken = client.post("/signup", data={"username": "ADA", "password": "x"})
    assert taken.status_code == 409

    form = {"username": "ada", "password": "wrong", "csrf_token": token(client)}
    wrong = client.post("/login", data=form)
    assert (wrong.status_code, wrong.json()) == (400, {"error": "Wrong user name or password."})
    form = {"username": "ada", "password": password, "csrf_token": token(client)}
    back = client.post("/login?next=/account", data=form)
    assert (back.status_code, back.headers["location"]) == (302, "/account")
    assert client.get("/").json() == {"user": "Ada"}
    example.USERS["ada"].is_admin = True
    assert client.get("/admin").json() == {"users": 1}

    client.post("/logout", data={"csrf_token": token(client)})
    form = {"username": "ada", "password": password, "csrf_token": token(client)}
    away = client.post("/login?next=https://evil.example/", data=form)
    assert away.headers["location"] == "/"

    client.post("/logout", data={"csrf_token": token(client)})
    for _ in range(5):
        form = {"username": "ada", "password": "guess", "csrf_token": token(client)}
        assert client.post("/login", data=form).status_code == 400
    form = {"username": "ada", "password": password, "csrf_token": token(client)}
    throttled = client.post("/login", data=form)
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) <= 300


@pytest.mark.example("auth/views.py")
def test_auth_views(example: Any) -> None:
    client = example.client
    assert client.get("/inbox").status_code == 401
    assert client.get("/shelf", headers=HTML).headers["location"] == "/login?next=%2Fshelf"
    client.post("/demo-login")
    assert client.get("/inbox").json() == {"reader": "7"}
    assert client.get("/shelf").json() == {"shelf": "reader 7"}
