"""Generic views over SQLAlchemy: lookups, 404s, writes that commit, hooks; both protocols."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from cupola.exceptions import ImproperlyConfigured
from cupola.rest import filters, generics, pagination
from cupola.rest.response import Response
from tests.rest.conftest import book_serializer, serve


def view_class(shelf: Any, base: type, **attrs: Any) -> Any:
    attrs = {"queryset": select(shelf.Book), "serializer_class": book_serializer(shelf), **attrs}
    return type(f"Book{base.__name__}", (base,), attrs)


def book_title(shelf: Any, pk: int) -> str | None:
    """The title stored for ``pk``, read in a fresh context (what was committed)."""
    with shelf.app.app_context():
        book = shelf.db.session.get(shelf.Book, pk)
        return None if book is None else str(book.title)


def test_list_create_lists_and_creates_committed(shelf: Any, protocol: str) -> None:
    shelf.seed(2)
    serve(shelf, ("/books/", view_class(shelf, generics.ListCreateAPIView).as_view("books")))
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        listed = client.get("/books/")
        assert listed.status_code == 200
        assert listed.headers["allow"] == "GET, POST, HEAD, OPTIONS"
        assert [b["title"] for b in listed.json()] == ["Book 1", "Book 2"]
        created = client.post("/books/", json={"title": "Dune", "price": "7.25"})
        assert created.status_code == 201
        assert created.json() == {"id": 3, "title": "Dune", "price": "7.25", "author": None}
        assert "location" not in created.headers
        assert book_title(shelf, 3) == "Dune"
        invalid = client.post("/books/", json={"title": "Dune", "price": "x"})
        assert invalid.status_code == 400
        assert invalid.json() == {
            "title": ["book with this title already exists."],
            "price": ["A valid number is required."],
        }
        assert client.head("/books/").status_code == 200


def test_retrieve_update_destroy(shelf: Any, protocol: str) -> None:
    shelf.seed(3)
    view = view_class(shelf, generics.RetrieveUpdateDestroyAPIView).as_view("book")
    serve(shelf, ("/books/<pk>/", view))
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        shown = client.get("/books/2/")
        assert shown.json() == {"id": 2, "title": "Book 2", "price": "2.50", "author": 1}
        assert shown.headers["allow"] == "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"
        put = client.put("/books/2/", json={"title": "Two", "price": "2.00", "author": None})
        assert put.json() == {"id": 2, "title": "Two", "price": "2.00", "author": None}
        assert book_title(shelf, 2) == "Two"
        patched = client.patch("/books/2/", json={"price": "9.99"})
        assert patched.json()["price"] == "9.99" and patched.json()["title"] == "Two"
        missing_field = client.put("/books/2/", json={"price": "1.00"})
        assert missing_field.status_code == 400
        assert missing_field.json() == {"title": ["This field is required."]}
        deleted = client.delete("/books/2/")
        assert deleted.status_code == 204
        assert deleted.content == b"" and "content-type" not in deleted.headers
        assert book_title(shelf, 2) is None
        assert client.post("/books/1/").status_code == 405


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("/books/999/", "No Book matches the given query."),
        ("/books/abc/", "Not found."),
        ("/books/1.5/", "Not found."),
        ("/books/99999999999999999999999/", "No Book matches the given query."),
        ("/books/-3/", "No Book matches the given query."),
    ],
)
def test_unknown_and_unconvertible_keys(shelf: Any, protocol: str, path: str, detail: str) -> None:
    shelf.seed(1)
    serve(shelf, ("/books/<pk>/", view_class(shelf, generics.RetrieveAPIView).as_view("book")))
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get(path)
        assert response.status_code == 404
        assert response.json() == {"detail": detail}


def test_lookup_field_and_url_kwarg(shelf: Any, protocol: str) -> None:
    shelf.seed(2)
    by_title = view_class(
        shelf, generics.RetrieveAPIView, lookup_field="title", lookup_url_kwarg="name"
    )
    serve(shelf, ("/titles/<name>/", by_title.as_view("by_title")))
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert client.get("/titles/Book 2/").json()["id"] == 2
        assert client.get("/titles/Nope/").json() == {"detail": "No Book matches the given query."}


def test_model_shorthand_and_get_queryset_override(shelf: Any, protocol: str) -> None:
    shelf.seed(4)
    Book = shelf.Book

    class Cheap(generics.ListAPIView):
        model = Book
        serializer_class = book_serializer(shelf)

        def get_queryset(self) -> Any:
            return super().get_queryset().where(Book.price < Decimal("3"))

    class CheapDetail(generics.RetrieveAPIView):
        serializer_class = book_serializer(shelf)

        def get_queryset(self) -> Any:
            return select(Book).where(Book.price < Decimal("3"))

    serve(shelf, ("/cheap/", Cheap.as_view("cheap")), ("/cheap/<pk>/", CheapDetail.as_view("c")))
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert [b["id"] for b in client.get("/cheap/").json()] == [1, 2]
        assert client.get("/cheap/2/").status_code == 200
        # Filtered out by get_queryset: as if it did not exist.
        assert client.get("/cheap/4/").json() == {"detail": "No Book matches the given query."}


def test_filters_apply_to_the_object_lookup(shelf: Any, protocol: str) -> None:
    shelf.seed(3)
    view = view_class(
        shelf,
        generics.RetrieveAPIView,
        filter_backends=[filters.SearchFilter],
        search_fields=["title"],
    )
    serve(shelf, ("/books/<pk>/", view.as_view("book")))
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert client.get("/books/2/?search=book+2").status_code == 200
        assert client.get("/books/2/?search=book+3").status_code == 404


def test_default_filter_backends_and_pagination_from_settings(shelf: Any, protocol: str) -> None:
    shelf.seed(6)
    view = view_class(shelf, generics.ListAPIView, search_fields=["title"])
    serve(
        shelf,
        ("/books/", view.as_view("books")),
        DEFAULT_FILTER_BACKENDS=["cupola.rest.filters.SearchFilter"],
        DEFAULT_PAGINATION_CLASS="cupola.rest.pagination.PageNumberPagination",
        PAGE_SIZE=2,
    )
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        body = client.get("/books/?search=book").json()
        assert body["count"] == 6 and len(body["results"]) == 2
        assert client.get("/books/?search=5").json()["count"] == 1


def test_object_permissions_are_checked(shelf: Any, protocol: str) -> None:
    from cupola.rest.permissions import BasePermission

    shelf.seed(2)

    class OnlyOdd(BasePermission):
        message = "Odd books only."

        def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
            return bool(obj.id % 2)

    view = view_class(
        shelf,
        generics.RetrieveAPIView,
        permission_classes=[OnlyOdd],
        authentication_classes=[],
    )
    serve(shelf, ("/books/<pk>/", view.as_view("book")))
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert client.get("/books/1/").status_code == 200
        refused = client.get("/books/2/")
        assert refused.status_code == 403
        assert refused.json() == {"detail": "Odd books only."}


def test_hooks_and_context(shelf: Any, protocol: str) -> None:
    shelf.seed(1)
    seen: dict[str, Any] = {}

    class Hooked(generics.CreateAPIView):
        queryset = select(shelf.Book)
        serializer_class = book_serializer(shelf)

        def perform_create(self, serializer: Any) -> None:
            seen["context"] = sorted(serializer.context)
            seen["view"] = serializer.context["view"] is self
            serializer.save(price=Decimal("1.00"))

    serve(shelf, ("/books/", Hooked.as_view("books")))
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        created = client.post("/books/", json={"title": "Hooked", "price": "5"})
        assert created.status_code == 201 and created.json()["price"] == "1.00"
        assert client.get("/books/").status_code == 405
    assert seen == {"context": ["format", "request", "view"], "view": True}


def test_unpaginated_list_through_paginator_hooks(shelf: Any, protocol: str) -> None:
    shelf.seed(2)

    class Listing(generics.GenericAPIView):
        queryset = select(shelf.Book)
        serializer_class = book_serializer(shelf)
        pagination_class = None

        def get(self, request: Any, **kwargs: Any) -> Response:
            assert self.paginator is None
            assert self.paginate_queryset(self.get_queryset()) is None
            with pytest.raises(ImproperlyConfigured):
                self.get_paginated_response([])
            return Response({"ok": True})

    serve(shelf, ("/books/", Listing.as_view("books")))
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert client.get("/books/").json() == {"ok": True}


def test_misconfigured_views_name_the_fix(shelf: Any) -> None:
    class NoQueryset(generics.GenericAPIView):
        pass

    with pytest.raises(ImproperlyConfigured, match="should either include a `queryset`"):
        NoQueryset().get_queryset()
    with pytest.raises(ImproperlyConfigured, match="should either include a `serializer_class`"):
        NoQueryset().get_serializer_class()
    view = view_class(shelf, generics.RetrieveAPIView)(kwargs={"id": 1})
    with shelf.app.app_context(), pytest.raises(ImproperlyConfigured, match='named "pk"'):
        view.get_object()
    bad = view_class(shelf, generics.RetrieveAPIView, lookup_field="author")(kwargs={"author": 1})
    with shelf.app.app_context(), pytest.raises(ImproperlyConfigured, match="not a column"):
        bad.get_object()


def test_paginated_list_through_generic_hooks(shelf: Any, protocol: str) -> None:
    shelf.seed(3)
    view = view_class(
        shelf, generics.ListAPIView, pagination_class=pagination.LimitOffsetPagination
    )
    serve(shelf, ("/books/", view.as_view("books")), PAGE_SIZE=2)
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        body = client.get("/books/?offset=2").json()
        assert body["count"] == 3 and [b["id"] for b in body["results"]] == [3]


@pytest.mark.parametrize(
    ("base", "allow"),
    [
        (generics.CreateAPIView, "POST, OPTIONS"),
        (generics.ListAPIView, "GET, HEAD, OPTIONS"),
        (generics.RetrieveAPIView, "GET, HEAD, OPTIONS"),
        (generics.DestroyAPIView, "DELETE, OPTIONS"),
        (generics.UpdateAPIView, "PUT, PATCH, OPTIONS"),
        (generics.RetrieveUpdateAPIView, "GET, PUT, PATCH, HEAD, OPTIONS"),
        (generics.RetrieveDestroyAPIView, "GET, DELETE, HEAD, OPTIONS"),
    ],
)
def test_concrete_views_allow_their_methods(
    shelf: Any, protocol: str, base: type, allow: str
) -> None:
    shelf.seed(2)
    serve(shelf, ("/books/<pk>/", view_class(shelf, base).as_view("book")))
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.request("TRACE", "/books/1/")
        assert response.status_code == 405
        assert response.headers["allow"] == allow
        for method in sorted(allow.replace(",", "").split(), key=lambda m: m == "DELETE"):
            answer = client.request(method, "/books/1/", json={"title": "Z", "price": "1"})
            assert answer.status_code in {200, 201, 204}, (method, answer.text)


def test_column_only_serializers_read_rows_not_instances(shelf: Any, protocol: str) -> None:
    from cupola.rest import serializers

    shelf.seed(4)

    class Plain(serializers.ModelSerializer):
        class Meta:
            model = shelf.Book
            fields = ["id", "title", "price"]

    class WithMethod(serializers.ModelSerializer):
        upper = serializers.SerializerMethodField()

        class Meta:
            model = shelf.Book
            fields = ["id", "upper"]

        def get_upper(self, book: Any) -> str:
            return str(book.title.upper())

    statement = select(shelf.Book)
    rows = generics.row_statement(statement, Plain)
    assert rows is not None and generics.row_statement(statement, Plain) is rows
    assert "book.author_id" not in str(rows) and "book.title AS title" in str(rows)
    assert generics.row_statement(statement, book_serializer(shelf)) is None  # a relation
    assert generics.row_statement(statement, WithMethod) is None
    assert generics.row_statement(select(shelf.Book.id), Plain) is None
    plain = view_class(
        shelf,
        generics.ListAPIView,
        serializer_class=Plain,
        filter_backends=[filters.OrderingFilter],
        ordering_fields=["price"],
        pagination_class=pagination.PageNumberPagination,
    )
    method = view_class(shelf, generics.ListAPIView, serializer_class=WithMethod)
    serve(
        shelf, ("/plain/", plain.as_view("plain")), ("/method/", method.as_view("m")), PAGE_SIZE=3
    )
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        body = client.get("/plain/?ordering=-price").json()
        assert body["results"] == [
            {"id": 4, "title": "Book 4", "price": "4.50"},
            {"id": 3, "title": "Book 3", "price": "3.50"},
            {"id": 2, "title": "Book 2", "price": "2.50"},
        ]
        assert body["count"] == 4
        assert client.get("/method/").json()[0] == {"id": 1, "upper": "BOOK 1"}
    record = pagination.Record(id=1)
    assert record.id == 1 and repr(record) == "Record({'id': 1})"


def test_lookup_by_date_and_serializers_needing_context(shelf: Any, protocol: str) -> None:
    from cupola.rest import serializers

    shelf.seed(3)
    by_date = view_class(shelf, generics.RetrieveAPIView, lookup_field="published")
    serve(shelf, ("/on/<published>/", by_date.as_view("on")))
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert client.get("/on/2020-01-03/").json()["id"] == 2
        assert client.get("/on/2020-13-03/").json() == {"detail": "Not found."}
        assert client.get("/on/1999-01-01/").json() == {
            "detail": "No Book matches the given query."
        }

    class NeedsContext(serializers.ModelSerializer):
        class Meta:
            model = shelf.Book
            fields = ["id"]

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.user = self.context["request"].user

    class WriteOnly(serializers.ModelSerializer):
        class Meta:
            model = shelf.Book
            fields = ["id", "title"]
            extra_kwargs = {"title": {"write_only": True}}

    class Nothing(serializers.Serializer):
        secret = serializers.CharField(write_only=True)

    statement = select(shelf.Book)
    assert generics.row_statement(statement, NeedsContext) is None
    assert "title" not in str(generics.row_statement(statement, WriteOnly))
    assert generics.row_statement(statement, Nothing) is None
