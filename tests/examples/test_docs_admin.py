"""The example of docs/admin.md: staff and the owner use the admin of a small bookshop."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from cupola.auth import ScryptParams, hash_password
from cupola.testing import TestClient

from .test_docs_examples import exercises, load

PASSWORD = "correct horse battery staple"
TOKEN = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*\bvalue="([^"]+)"')
CHEAP = {"n": 2**8, "r": 8, "p": 1}


@pytest.fixture
def bookshop(tmp_path: Path) -> Iterator[ModuleType]:
    module = load("admin/bookshop.py")
    module.app.config.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'shop.db'}",
        ALLOWED_HOSTS=["localhost"],
        PASSWORD_HASH_PARAMS=CHEAP,
    )
    with module.app.app_context():
        module.db.create_all()
        hashed = hash_password(PASSWORD, ScryptParams(**CHEAP))
        for name in ("owner", "clerk"):
            module.db.session.add(module.User(username=name, password_hash=hashed, is_staff=True))
        austen = module.Author(name="Jane Austen")
        module.db.session.add(module.Book(title="Emma", author=austen, price=Decimal("7.50")))
        module.db.session.commit()
    with contextlib.ExitStack() as clients:  # each client stops its loop thread on exit
        module.clients = clients
        yield module
    with module.app.app_context():
        module.db.dispose()


def logged_in(module: ModuleType, protocol: str, username: str) -> TestClient:
    client = module.clients.enter_context(module.app.test_client(protocol))
    page = client.get("/admin/login/").text
    token = TOKEN.search(page)
    assert token is not None
    data = {"username": username, "password": PASSWORD, "csrf_token": token[1]}
    assert client.post("/admin/login/", data=data).status_code == 302
    return client


@exercises("admin/bookshop.py")
def test_bookshop_admin(bookshop: ModuleType, protocol: str) -> None:
    clerk = logged_in(bookshop, protocol, "clerk")
    listing = clerk.get("/admin/book/?q=austen").text
    assert "<td>Emma</td>" in listing and "<td>7.50</td>" in listing
    assert "delete_selected" not in listing  # only the owner deletes
    assert clerk.get("/admin/book/1/delete/").status_code == 403
    form = clerk.get("/admin/book/add/").text
    assert 'id="in_stock"' not in form  # read-only
    assert '<option value="1">Jane Austen</option>' in form
    assert clerk.get("/admin/author/").status_code == 200
    owner: Any = logged_in(bookshop, protocol, "owner")
    assert "delete_selected" in owner.get("/admin/book/").text
