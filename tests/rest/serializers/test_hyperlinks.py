"""Hyperlinked relations: URLs of detail endpoints out, URLs back to rows in."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from cupola import Blueprint
from cupola.exceptions import ImproperlyConfigured
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
def api(shelf: Shelf, protocol: str) -> Iterator[Any]:
    class BookSerializer(serializers.HyperlinkedModelSerializer):
        class Meta:
            model = shelf.Book
            fields = ["url", "title", "author"]

    class BookList(APIView):
        def get(self, request: Any, **kwargs: Any) -> Response:
            books = shelf.db.session.scalars(select(shelf.Book).order_by(shelf.Book.id))
            return Response(BookSerializer(books, many=True, context={"request": request}).data)

        def post(self, request: Any, **kwargs: Any) -> Response:
            serializer = BookSerializer(data=request.data, context={"request": request})
            serializer.is_valid(raise_exception=True)
            serializer.save(price=Decimal(1))
            return Response(serializer.data, status=201)

    class Detail(APIView):
        def get(self, request: Any, pk: int, **kwargs: Any) -> Response:
            return Response({"pk": pk})

    blueprint = Blueprint("api", __name__, url_prefix="/api")
    blueprint.add_url_rule("/books/", view_func=BookList.as_view("book-list"))
    blueprint.add_url_rule("/books/<int:pk>/", view_func=Detail.as_view("book-detail"))
    blueprint.add_url_rule("/authors/<int:pk>/", view_func=Detail.as_view("author-detail"))
    shelf.app.config.update(REST=REST, CSRF_ENABLED=False)
    shelf.app.register_blueprint(blueprint)
    with shelf.app.test_client(protocol) as client:
        yield client


def test_urls_out_and_in(api: Any, shelf: Shelf) -> None:
    herbert = shelf.Author(name="Herbert")
    shelf.add(herbert, shelf.Book(title="Dune", price=Decimal(1), author=herbert))
    base = "http://localhost"
    listing = api.get("/api/books/", headers={"Host": "localhost"})
    assert listing.status_code == 200, listing.text
    assert listing.json() == [
        {"url": f"{base}/api/books/1/", "title": "Dune", "author": f"{base}/api/authors/1/"}
    ]
    created = api.post(
        "/api/books/",
        json={"title": "Emma", "author": f"{base}/api/authors/1/"},
        headers={"Host": "localhost"},
    )
    assert created.status_code == 201, created.text
    assert created.json()["url"] == f"{base}/api/books/2/"
    for value, message in (
        (f"{base}/api/authors/9/", "Invalid hyperlink - Object does not exist."),
        (f"{base}/api/books/1/", "Invalid hyperlink - Incorrect URL match."),
        (f"{base}/nowhere/", "Invalid hyperlink - No URL match."),
        (1, "Incorrect type. Expected URL string, received int."),
    ):
        bad = api.post(
            "/api/books/", json={"title": "Kim", "author": value}, headers={"Host": "localhost"}
        )
        assert bad.status_code == 400
        assert bad.json() == {"author": [message]}


def test_hyperlinks_need_the_request(shelf: Shelf) -> None:
    class BookSerializer(serializers.HyperlinkedModelSerializer):
        class Meta:
            model = shelf.Book
            fields = ["url", "title"]

    shelf.add(shelf.Book(title="Dune", price=Decimal(1)))
    book = shelf.db.session.scalars(select(shelf.Book)).one()
    with pytest.raises(ImproperlyConfigured, match="requires the request"):
        _ = BookSerializer(book).data
    assert isinstance(BookSerializer().fields["url"], serializers.HyperlinkedIdentityField)
    with pytest.raises(ImproperlyConfigured, match="view_name"):
        serializers.HyperlinkedRelatedField(read_only=True)


def test_unknown_view_names_and_unsaved_rows(shelf: Shelf, protocol: str) -> None:
    class Broken(serializers.Serializer):
        author = serializers.HyperlinkedRelatedField(view_name="nowhere", read_only=True)

    class Show(APIView):
        def get(self, request: Any, **kwargs: Any) -> Response:
            unsaved = shelf.Book(title="x", price=Decimal(1))
            data = Broken({"author": None}, context={"request": request}).data
            fresh = serializers.HyperlinkedIdentityField(view_name="api.book-detail")
            fresh.bind("me", Broken(context={"request": request}))
            return Response({"data": data, "unsaved": fresh.to_representation(unsaved)})

    class Fail(APIView):
        def get(self, request: Any, **kwargs: Any) -> Response:
            herbert = shelf.db.session.scalars(select(shelf.Author)).one()
            return Response(Broken({"author": herbert}, context={"request": request}).data)

    shelf.add(shelf.Author(name="Herbert"))
    shelf.app.config.update(REST=REST, CSRF_ENABLED=False, PROPAGATE_EXCEPTIONS=True)
    shelf.app.add_url_rule("/show", view_func=Show.as_view("show"))
    shelf.app.add_url_rule("/fail", view_func=Fail.as_view("fail"))
    with shelf.app.test_client(protocol) as client:
        assert client.get("/show").json() == {"data": {"author": None}, "unsaved": None}
        with pytest.raises(ImproperlyConfigured, match='view name "nowhere"'):
            client.get("/fail")
