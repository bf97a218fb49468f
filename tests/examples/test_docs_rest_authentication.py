"""The REST authentication page's example does what docs/rest/authentication.md says."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from cupola.rest.authtoken import token_for


def basic(credentials: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()}


@pytest.mark.example("rest/authentication/app.py")
def test_authentication_app(example: Any) -> None:
    client = example.client
    anonymous = client.get("/api/me")
    assert anonymous.status_code == 403  # the first class, Session, has no challenge to offer
    assert anonymous.json() == {"detail": "Authentication credentials were not provided."}

    assert client.get("/api/me", headers=basic("ada:correct horse")).json() == {
        "username": "ada",
        "token": False,
    }
    wrong = client.get("/api/me", headers=basic("ada:wrong"))
    assert wrong.status_code == 403  # 401 only when the first class offers a challenge
    assert "www-authenticate" not in wrong.headers
    assert wrong.json() == {"detail": "Invalid username/password."}

    login = {"username": "ada", "password": "correct horse"}
    key = client.post("/api/token", json=login).json()["token"]
    with example.app.app_context():
        assert token_for(example.find_user("ada")).key == key  # one token per user
    refused = client.post("/api/token", json={**login, "password": "no"})
    assert refused.status_code == 400
    assert refused.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}
    token = {"Authorization": f"Token {key}"}
    assert client.get("/api/me", headers=token).json() == {"username": "ada", "token": True}
    bad = client.get("/api/me", headers={"Authorization": "Token nope"})
    assert (bad.status_code, bad.json()) == (403, {"detail": "Invalid token."})

    assert client.get("/api/robots", headers={"X-Api-Key": "k-123"}).json() == {
        "username": "ada",
        "key": "k-123",
    }
    unknown = client.get("/api/robots", headers={"X-Api-Key": "k-999"})
    assert unknown.status_code == 401
    assert unknown.headers["www-authenticate"] == "X-Api-Key"
    assert unknown.json() == {"detail": "Unknown API key."}
