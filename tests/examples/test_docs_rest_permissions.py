"""The REST permissions page's example does what docs/rest/permissions.md says."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.example("rest/permissions/app.py")
def test_permissions_app(example: Any) -> None:
    client = example.client
    assert client.get("/notes/1").json()["text"] == "Buy milk"  # anyone reads
    anonymous = client.put("/notes/1", json={"text": "x"})
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == "X-User"
    refused = client.put("/notes/1", json={"text": "x"}, headers={"X-User": "bob"})
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Only the owner may change this note."}
    owner = client.put("/notes/1", json={"text": "Buy oat milk"}, headers={"X-User": "ada"})
    assert owner.json()["text"] == "Buy oat milk"

    assert client.get("/settings").json() == {"theme": "dark", "anonymous": True}
    composed = client.post("/settings", headers={"X-User": "bob"})
    assert composed.status_code == 403  # a composed permission has DRF's default message
    assert composed.json() == {"detail": "You do not have permission to perform this action."}
    assert client.post("/settings", headers={"X-User": "root"}).json() == {"saved": True}
