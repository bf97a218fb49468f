"""REST framework 3.18's answers for a bookshelf API, replayed against cupola.rest.

``fixtures/make_drf_generic_fixtures.py`` built the API with Django REST framework and
recorded ``fixtures/generics_api.json``; the same API is built here with cupola.rest
(viewsets, routers, filters, pagination), seeded alike, and sent the same requests in the
same order, on both protocols and on SQLite and PostgreSQL. Status, the recorded headers
and the JSON bodies must match.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from cupola.rest import filters, pagination, routers, serializers, viewsets
from cupola.rest.decorators import action
from cupola.rest.response import Response
from tests.rest.conftest import Shelf

CASES = json.loads((Path(__file__).parent / "fixtures" / "generics_api.json").read_text())


def build_api(shelf: Shelf) -> None:
    """The fixture script's API, with cupola.rest."""
    Book, db = shelf.Book, shelf.db

    class BookSerializer(serializers.ModelSerializer):
        class Meta:
            model = Book
            fields = ["id", "title", "price", "in_stock", "author"]

    class BookViewSet(viewsets.ModelViewSet):
        queryset = select(Book).order_by(Book.id)
        serializer_class = BookSerializer
        filter_backends = [filters.SearchFilter, filters.OrderingFilter]
        search_fields = ["title", "author__name"]
        ordering_fields = ["price", "title"]

        @action(detail=True, methods=["post"])
        def restock(self, request: Any, pk: Any = None, **kwargs: Any) -> Response:
            book = self.get_object()
            book.in_stock = True
            db.session.commit()
            return Response(self.get_serializer(book).data)

        @action(detail=False)
        def out_of_stock(self, request: Any, **kwargs: Any) -> Response:
            books = db.session.scalars(self.get_queryset().where(Book.in_stock.is_(False)))
            return Response(self.get_serializer(list(books), many=True).data)

    class Window(pagination.LimitOffsetPagination):
        default_limit = 4

    class LimitedViewSet(viewsets.ReadOnlyModelViewSet):
        queryset = select(Book).order_by(Book.id)
        serializer_class = BookSerializer
        pagination_class = Window

    class Cursor(pagination.CursorPagination):
        ordering = "-price"
        page_size = 4

    class CursorViewSet(viewsets.ReadOnlyModelViewSet):
        queryset = select(Book)
        serializer_class = BookSerializer
        pagination_class = Cursor

    shelf.app.config["REST"] = {
        "DEFAULT_AUTHENTICATION_CLASSES": [],
        "DEFAULT_PERMISSION_CLASSES": [],
        "UNAUTHENTICATED_USER": None,
        "DEFAULT_PAGINATION_CLASS": pagination.PageNumberPagination,
        "PAGE_SIZE": 5,
    }
    router = routers.DefaultRouter()
    router.register("books", BookViewSet)
    router.register("limited", LimitedViewSet, basename="limited")
    router.register("cursor", CursorViewSet, basename="cursor")
    shelf.app.register_blueprint(router.as_blueprint(url_prefix="/api"))


def seed(shelf: Shelf) -> None:
    """The fixture script's rows."""
    with shelf.app.app_context():
        ann = shelf.Author(name="Ann Gold")
        bob = shelf.Author(name="Bob River")
        shelf.db.session.add_all([ann, bob])
        shelf.db.session.flush()
        for i in range(1, 13):
            shelf.db.session.add(
                shelf.Book(
                    title=f"Book {i:02d}" if i != 7 else "The Gold River",
                    price=Decimal(i) + Decimal("0.50") if i != 9 else Decimal("5.50"),
                    in_stock=i % 4 != 0,
                    author=[ann, bob, None][i % 3],
                )
            )
            shelf.db.session.flush()  # ids in order, as the fixture's one INSERT each
        shelf.db.session.commit()


def test_generic_api_answers_as_rest_framework(shelf: Shelf, protocol: str) -> None:
    build_api(shelf)
    seed(shelf)
    mismatches = []
    base = "http://testserver"
    with shelf.app.test_client(protocol, base_url=base) as client:  # type: ignore[arg-type]
        for case in CASES:
            request, expected = case["request"], case["response"]
            headers = {"Content-Type": request["content_type"]} if "body" in request else {}
            response = client.request(
                request["method"],
                request["path"],
                content=request.get("body"),
                headers=headers,
            )
            got = {
                "status": response.status_code,
                "headers": {
                    name: response.headers[name]
                    for name in ("Content-Type", "Allow", "Vary", "Location")
                    if name in response.headers
                },
                "json": response.json() if response.content else None,
            }
            if got != expected:
                mismatches.append((case["name"], expected, got))
    assert not mismatches, json.dumps(mismatches, indent=1)[:6000]


def test_every_recorded_case_is_replayed() -> None:
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names)) >= 50
    for required in ("create_unique", "list_page_99", "action_detail", "search_phrase"):
        assert required in names


@pytest.mark.parametrize("case", [c for c in CASES if c["name"].startswith("cursor")])
def test_cursor_links_are_rest_frameworks(case: dict[str, Any]) -> None:
    # The cursors are opaque to clients but decode to the same tokens as REST framework's.
    body = case["response"]["json"]
    for key in ("next", "previous"):
        if body and body.get(key):
            assert body[key].startswith("http://testserver/api/cursor/?cursor=")
