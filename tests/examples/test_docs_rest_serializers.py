"""The examples of docs/rest/serializers.md do what the page says, on both protocols."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import load_example


@pytest.fixture
def bookshelf(tmp_path: Path, protocol: str) -> Iterator[Any]:
    """The bookshelf example on a SQLite file of the test's own, one author in it."""
    module = load_example("rest/serializers_books.py")
    module.app.config["DATABASE_URL"] = f"sqlite:///{tmp_path / 'bookshelf.db'}"
    with module.app.app_context():
        module.db.create_all()
        module.db.session.add(module.Author(name="Frank Herbert"))
        module.db.session.commit()
    with module.app.test_client(protocol) as client:
        module.client = client
        yield module
    with module.app.app_context():
        module.db.dispose()


@pytest.mark.example("rest/serializers_comments.py")
def test_comments(example: Any) -> None:
    client = example.client
    created = client.post("/comments", json={"email": "ann@example.com", "content": "Lovely"})
    assert created.status_code == 201
    assert created.json() == {
        "id": 1,
        "email": "ann@example.com",
        "content": "Lovely",
        "created": "2026-01-31T09:30:00",
    }
    refused = client.post("/comments", json={"email": "ann", "content": "SPAM!", "rating": 9})
    assert refused.status_code == 400
    assert refused.json() == {
        "email": ["Enter a valid email address."],
        "content": ["No spam, please."],
        "rating": ["Ensure this value is less than or equal to 5."],
    }
    short = client.post("/comments", json={"email": "a@b.co", "content": "Bad", "rating": 1})
    assert short.json() == {"non_field_errors": ["Say a little more about a one-star rating."]}
    assert client.post("/comments", json=[]).json() == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }
    assert [comment["id"] for comment in client.get("/comments").json()] == [1]


@pytest.mark.example("rest/serializers_books.py")
def test_books(bookshelf: Any) -> None:
    client = bookshelf.client
    created = client.post("/books", json={"title": "Dune", "price": "9.99", "author": 1})
    assert created.status_code == 201
    assert created.json() == {
        "id": 1,
        "title": "Dune",
        "price": "9.99",
        "published": None,
        "in_stock": True,
        "author": 1,
        "author_name": "Frank Herbert",
    }
    again = client.post("/books", json={"title": "Dune", "price": "1.999", "author": 7})
    assert again.status_code == 400
    assert again.json() == {
        "title": ["book with this title already exists."],
        "price": ["Ensure that there are no more than 2 decimal places."],
        "author": ['Invalid pk "7" - object does not exist.'],
    }
    form = client.post("/books", data={"title": "Emma", "price": "5", "author": "1"})
    assert form.status_code == 201
    assert form.json()["in_stock"] is False  # the unticked box
    patched = client.patch("/books/1", json={"published": "1965-08-01"})
    assert patched.json()["published"] == "1965-08-01"
    assert patched.json()["price"] == "9.99"
    put = client.put("/books/1", json={"price": "8"})
    assert put.status_code == 400
    assert put.json() == {"title": ["This field is required."]}
    bad_date = client.patch("/books/1", json={"published": "01/08/1965"})
    assert bad_date.json() == {
        "published": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]
    }
    titles = [book["title"] for book in client.get("/books").json()]
    assert titles == ["Dune", "Emma"]
    assert client.patch("/books/9", json={}).status_code == 404
