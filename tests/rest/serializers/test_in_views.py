"""Serializers inside REST views: request.data (JSON or form) in, 400 bodies and writes out.

The same book API on both protocols and on SQLite, PostgreSQL and MariaDB: ``is_valid(
raise_exception=True)`` answers DRF's field-error body, a form leaves an unticked box
``False``, and the response after ``save()`` holds the committed row's id.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from cupola.rest import serializers
from cupola.rest.response import Response
from cupola.rest.views import APIView

from .conftest import Shelf

REST = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
}


@pytest.fixture
def client(shelf: Shelf, protocol: str) -> Iterator[Any]:
    class BookSerializer(serializers.ModelSerializer):
        class Meta:
            model = shelf.Book
            fields = ["id", "title", "price", "in_stock", "author"]

    class BookList(APIView):
        def get(self, request: Any, **kwargs: Any) -> Response:
            books = shelf.db.session.scalars(select(shelf.Book).order_by(shelf.Book.id))
            return Response(BookSerializer(books, many=True, context={"request": request}).data)

        def post(self, request: Any, **kwargs: Any) -> Response:
            serializer = BookSerializer(data=request.data, context={"request": request})
            serializer.is_valid(raise_exception=True)
            serializer.save()
            return Response(serializer.data, status=201)

    shelf.app.config["REST"] = REST
    shelf.app.config["CSRF_ENABLED"] = False
    shelf.app.add_url_rule("/books/", view_func=BookList.as_view("books"))
    with shelf.app.test_client(protocol) as test_client:
        yield test_client


def test_json_create_and_errors(client: Any, shelf: Shelf) -> None:
    shelf.add(shelf.Author(name="Herbert"))
    created = client.post("/books/", json={"title": "Dune", "price": "9.99", "author": 1})
    assert created.status_code == 201, created.text
    assert created.json() == {
        "id": 1, "title": "Dune", "price": "9.99", "in_stock": True, "author": 1
    }  # fmt: skip
    duplicate = client.post("/books/", json={"title": "Dune", "price": "x"})
    assert duplicate.status_code == 400
    assert duplicate.headers["content-type"] == "application/json"
    assert duplicate.json() == {
        "title": ["book with this title already exists."],
        "price": ["A valid number is required."],
    }
    not_a_dict = client.post("/books/", json=["Dune"])
    assert not_a_dict.status_code == 400
    assert not_a_dict.json() == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }
    assert [book["title"] for book in client.get("/books/").json()] == ["Dune"]


def test_form_input_follows_html_rules(client: Any, shelf: Shelf) -> None:
    shelf.add(shelf.Author(name="Herbert"))
    created = client.post("/books/", data={"title": "Emma", "price": "5", "author": "1"})
    assert created.status_code == 201, created.text
    assert created.json()["in_stock"] is False
    assert created.json()["author"] == 1
    bad = client.post("/books/", data={"title": "", "price": "5", "author": "x"})
    assert bad.status_code == 400
    assert bad.json() == {
        "title": ["This field may not be blank."],
        "author": ["Incorrect type. Expected pk value, received str."],
    }
