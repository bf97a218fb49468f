"""The showcase's live "new book" notice: a sync view adds a book and broadcasts it."""

from __future__ import annotations

import re
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from cupola.testing import TestClient

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `examples` is a package at the repository root
    sys.path.insert(0, str(ROOT))

from examples.showcase.app import app  # noqa: E402
from examples.showcase.books import store  # noqa: E402
from examples.showcase.users import users  # noqa: E402

PASSWORD = "correct horse battery staple"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(params=["wsgi", "asgi"])
def client(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    # The shelf is shared by every showcase test: books added here are removed afterwards.
    monkeypatch.setattr(store, "_books", dict(store._books))
    with app.test_client(request.param) as client:
        yield client


def token(html: str) -> str:
    match = TOKEN.search(html)
    assert match is not None
    return match.group(1)


def log_in(client: TestClient) -> None:
    username = f"shelver-{uuid.uuid4().hex[:10]}"
    users.create(username, PASSWORD)
    page = client.get("/accounts/login")
    data = {"csrf_token": token(page.text), "username": username, "password": PASSWORD}
    assert client.post("/accounts/login", data=data).status_code == 302


def test_every_page_listens_for_new_books(client: TestClient) -> None:
    page = client.get("/")
    assert 'data-socket="ws://localhost/books/new/feed"' in page.text
    assert '<script src="/static/new_books.js?v=' in page.text
    assert client.get("/static/new_books.js").status_code == 200


def test_adding_a_book_notifies_every_open_page(client: TestClient) -> None:
    log_in(client)
    form = client.get("/books/new")
    assert form.status_code == 200
    title = f"The Notice {uuid.uuid4().hex[:6]}"
    data = {
        "csrf_token": token(form.text),
        "title": title,
        "author": "Ann Author",
        "year": "2024",
        "price": "9.99",
        "summary": "",
    }
    with (
        client.websocket_connect("/books/new/feed") as first,
        client.websocket_connect("/books/new/feed") as second,
    ):
        added = client.post("/books/new", data=data)
        assert added.status_code == 302
        book = next(book for book in store.all() if book.title == title)
        assert added.headers["location"] == f"/books/{book.id}"
        expected = {"title": title, "author": "Ann Author", "url": f"/books/{book.id}"}
        assert first.receive_json() == second.receive_json() == expected
    assert title in client.get(f"/books/{book.id}").text


def test_only_logged_in_visitors_add_books(client: TestClient) -> None:
    response = client.get("/books/new")
    assert response.status_code == 302
    assert response.headers["location"].startswith("/accounts/login")


def test_an_invalid_book_is_not_added(client: TestClient) -> None:
    log_in(client)
    form = client.get("/books/new")
    before = len(store)
    data = {"csrf_token": token(form.text), "title": "", "author": "X", "year": "x", "price": ""}
    response = client.post("/books/new", data=data)
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert len(store) == before
