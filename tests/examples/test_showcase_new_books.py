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

from sqlalchemy import func, select  # noqa: E402

from examples.showcase.app import app  # noqa: E402
from examples.showcase.models import Book, db  # noqa: E402
from examples.showcase.users import create_user  # noqa: E402

PASSWORD = "correct horse battery staple"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

pytestmark = pytest.mark.usefixtures("showcase_database")


@pytest.fixture(params=["wsgi", "asgi"])
def client(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    with app.test_client(request.param) as client:
        yield client


def books_titled(title: str) -> list[tuple[int, str, int]]:
    """The id, author and price in cents of each book with this title, in the database."""
    with app.app_context():
        rows = db.session.execute(select(Book).where(Book.title == title)).scalars()
        return [(book.id, book.author.name, book.price_cents) for book in rows]


def count_books() -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Book)) or 0


def token(html: str) -> str:
    match = TOKEN.search(html)
    assert match is not None
    return match.group(1)


def log_in(client: TestClient) -> None:
    username = f"shelver-{uuid.uuid4().hex[:10]}"
    with app.app_context():
        create_user(username, PASSWORD)
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
        [(book_id, author, cents)] = books_titled(title)
        assert (author, cents) == ("Ann Author", 999)
        assert added.headers["location"] == f"/books/{book_id}"
        expected = {"title": title, "author": "Ann Author", "url": f"/books/{book_id}"}
        assert first.receive_json() == second.receive_json() == expected
    assert title in client.get(f"/books/{book_id}").text
    assert "Ann Author" in client.get("/authors").text


def test_a_book_by_a_known_author_joins_their_books(client: TestClient) -> None:
    log_in(client)
    form = client.get("/books/new")
    title = f"Persuasion {uuid.uuid4().hex[:6]}"
    data = {
        "csrf_token": token(form.text),
        "title": title,
        "author": "Jane Austen",
        "year": "1817",
        "price": "6.5",
        "summary": "A second chance, eight years on.",
    }
    assert client.post("/books/new", data=data).status_code == 302
    [(book_id, author, cents)] = books_titled(title)
    assert (author, cents) == ("Jane Austen", 650)
    authors = client.get("/authors").text
    assert authors.count("Jane Austen") == 1
    assert f'<a href="/books/{book_id}">{title}</a>' in authors


def test_only_logged_in_visitors_add_books(client: TestClient) -> None:
    browsing = client.get("/books/new", headers={"Accept": "text/html"})
    assert browsing.status_code == 302
    assert browsing.headers["location"] == "/accounts/login?next=%2Fbooks%2Fnew"
    assert client.get("/books/new").status_code == 401  # not a browser: no redirect
    before = count_books()
    form = client.get("/accounts/login")  # any form gives the visitor a valid token
    data = {"csrf_token": token(form.text), "title": "Sneaked In", "author": "X", "year": "2000"}
    assert client.post("/books/new", data={**data, "price": "1"}).status_code == 401
    assert count_books() == before


def test_an_invalid_book_is_not_added(client: TestClient) -> None:
    log_in(client)
    form = client.get("/books/new")
    before = count_books()
    data = {"csrf_token": token(form.text), "title": "", "author": "X", "year": "x", "price": ""}
    response = client.post("/books/new", data=data)
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert count_books() == before
