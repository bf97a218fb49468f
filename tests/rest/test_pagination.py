"""Pagination styles through a ``ListAPIView``, on both protocols, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, select

from cupola.rest import generics, pagination
from cupola.testing import TestClient
from tests.rest.conftest import book_serializer, serve


def list_view(shelf: Any, paginator: Any, **attrs: Any) -> Any:
    attrs = {
        "queryset": select(shelf.Book),
        "serializer_class": book_serializer(shelf),
        "pagination_class": paginator,
        **attrs,
    }
    return type("BookList", (generics.ListAPIView,), attrs).as_view("books")


@contextmanager
def statements(shelf: Any) -> Iterator[list[str]]:
    """The SQL the app runs inside the block."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    with shelf.app.app_context():
        engine = shelf.db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def client_for(shelf: Any, protocol: str, paginator: Any, **rest: Any) -> TestClient:
    serve(shelf, ("/books/", list_view(shelf, paginator)), **rest)
    return shelf.app.test_client(protocol)  # type: ignore[arg-type]


def titles(body: dict[str, Any]) -> list[str]:
    return [book["title"] for book in body["results"]]


# --- PageNumberPagination -----------------------------------------------------------------


def test_page_number_envelope_and_links(shelf: Any, protocol: str) -> None:
    shelf.seed(25)
    with client_for(shelf, protocol, pagination.PageNumberPagination, PAGE_SIZE=10) as client:
        first = client.get("/books/?search=x&a=1")
        assert first.status_code == 200
        assert first.headers["content-type"] == "application/json"
        body = first.json()
        assert list(body) == ["count", "next", "previous", "results"]
        assert body["count"] == 25
        assert body["next"] == "http://localhost/books/?a=1&page=2&search=x"
        assert body["previous"] is None
        assert titles(body) == [f"Book {i}" for i in range(1, 11)]
        assert body["results"][0] == {"id": 1, "title": "Book 1", "price": "1.50", "author": 2}
        second = client.get("/books/?page=2&search=x").json()
        assert second["previous"] == "http://localhost/books/?search=x"
        assert second["next"] == "http://localhost/books/?page=3&search=x"
        last = client.get("/books/?page=last").json()
        assert titles(last) == [f"Book {i}" for i in range(21, 26)]
        assert last["next"] is None
        assert last["previous"] == "http://localhost/books/?page=2"
        assert client.get("/books/?page=3").json() == last


@pytest.mark.parametrize("page", ["0", "-1", "4", "abc", "1.0", "", "%00"])
def test_page_number_invalid_page_is_404(shelf: Any, protocol: str, page: str) -> None:
    shelf.seed(25)
    with client_for(shelf, protocol, pagination.PageNumberPagination, PAGE_SIZE=10) as client:
        response = client.get(f"/books/?page={page}")
        assert response.status_code == 404
        assert response.json() == {"detail": "Invalid page."}


def test_page_number_empty_table_has_one_empty_page(shelf: Any, protocol: str) -> None:
    with client_for(shelf, protocol, pagination.PageNumberPagination, PAGE_SIZE=10) as client:
        assert client.get("/books/").json() == {
            "count": 0,
            "next": None,
            "previous": None,
            "results": [],
        }
        assert client.get("/books/?page=last").status_code == 200
        assert client.get("/books/?page=2").status_code == 404


def test_page_size_query_param_and_cap(shelf: Any, protocol: str) -> None:
    shelf.seed(12)

    class Pages(pagination.PageNumberPagination):
        page_size = 5
        page_size_query_param = "size"
        max_page_size = 8

    with client_for(shelf, protocol, Pages) as client:
        assert len(client.get("/books/").json()["results"]) == 5
        assert len(client.get("/books/?size=3").json()["results"]) == 3
        assert len(client.get("/books/?size=100").json()["results"]) == 8
        assert len(client.get("/books/?size=0").json()["results"]) == 5
        assert len(client.get("/books/?size=x").json()["results"]) == 5
        assert client.get("/books/?size=3&page=2").json()["next"] == (
            "http://localhost/books/?page=3&size=3"
        )


def test_without_page_size_the_list_is_not_paginated(shelf: Any, protocol: str) -> None:
    shelf.seed(3)
    with client_for(shelf, protocol, pagination.PageNumberPagination) as client:
        body = client.get("/books/").json()
        assert [book["title"] for book in body] == ["Book 1", "Book 2", "Book 3"]


def test_count_runs_without_order_by_and_pages_in_primary_key_order(shelf: Any) -> None:
    shelf.seed(12)
    with shelf.app.app_context():
        # Reorder the rows physically: a Select without ORDER BY still pages by primary key.
        book = shelf.db.session.get(shelf.Book, 1)
        book.title = "Book 1 (again)"
        shelf.db.session.commit()
    with (
        statements(shelf) as seen,
        client_for(shelf, "wsgi", pagination.PageNumberPagination, PAGE_SIZE=5) as client,
    ):
        body = client.get("/books/").json()
    assert [book["id"] for book in body["results"]] == [1, 2, 3, 4, 5]
    count = next(sql for sql in seen if "count(" in sql.lower())
    assert "ORDER BY" not in count.upper()
    assert "FROM book" in count and "(SELECT" not in count.upper()
    page = next(sql for sql in seen if "LIMIT" in sql.upper())
    assert "ORDER BY book.id" in page


def test_ordering_kept_and_statement_order_replaced(shelf: Any, protocol: str) -> None:
    shelf.seed(6)
    view = list_view(
        shelf,
        pagination.PageNumberPagination,
        queryset=select(shelf.Book).order_by(shelf.Book.price.desc()),
    )
    serve(shelf, ("/books/", view), PAGE_SIZE=4)
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert titles(client.get("/books/").json()) == ["Book 6", "Book 5", "Book 4", "Book 3"]


# --- NoCountPageNumberPagination ----------------------------------------------------------


def test_no_count_pages_read_one_extra_row(shelf: Any, protocol: str) -> None:
    shelf.seed(20)
    with (
        statements(shelf) as seen,
        client_for(shelf, protocol, pagination.NoCountPageNumberPagination, PAGE_SIZE=10) as client,
    ):
        first = client.get("/books/").json()
        assert list(first) == ["next", "previous", "results"]
        assert first["next"] == "http://localhost/books/?page=2"
        second = client.get("/books/?page=2").json()
        assert second["next"] is None
        assert second["previous"] == "http://localhost/books/"
        assert titles(second)[-1] == "Book 20"
        assert client.get("/books/?page=3").json() == {"detail": "Invalid page."}
        assert client.get("/books/?page=last").status_code == 404
    assert not any("count(" in sql.lower() for sql in seen)
    assert any("LIMIT" in sql.upper() for sql in seen)


def test_no_count_empty_first_page(shelf: Any, protocol: str) -> None:
    with client_for(shelf, protocol, pagination.NoCountPageNumberPagination, PAGE_SIZE=10) as c:
        assert c.get("/books/").json() == {"next": None, "previous": None, "results": []}


# --- LimitOffsetPagination ----------------------------------------------------------------


def test_limit_offset_windows(shelf: Any, protocol: str) -> None:
    shelf.seed(10)
    with client_for(shelf, protocol, pagination.LimitOffsetPagination, PAGE_SIZE=4) as client:
        body = client.get("/books/").json()
        assert body["count"] == 10
        assert titles(body) == ["Book 1", "Book 2", "Book 3", "Book 4"]
        assert body["next"] == "http://localhost/books/?limit=4&offset=4"
        assert body["previous"] is None
        body = client.get("/books/?limit=3&offset=2").json()
        assert titles(body) == ["Book 3", "Book 4", "Book 5"]
        assert body["previous"] == "http://localhost/books/?limit=3"
        assert body["next"] == "http://localhost/books/?limit=3&offset=5"
        body = client.get("/books/?limit=3&offset=8").json()
        assert titles(body) == ["Book 9", "Book 10"]
        assert body["next"] is None
        assert body["previous"] == "http://localhost/books/?limit=3&offset=5"
        assert client.get("/books/?offset=50").json()["results"] == []
        # Invalid values fall back to the defaults.
        body = client.get("/books/?limit=-1&offset=x").json()
        assert titles(body) == ["Book 1", "Book 2", "Book 3", "Book 4"]


def test_limit_offset_max_limit(shelf: Any, protocol: str) -> None:
    shelf.seed(10)

    class Window(pagination.LimitOffsetPagination):
        default_limit = 2
        max_limit = 5

    with client_for(shelf, protocol, Window) as client:
        assert len(client.get("/books/").json()["results"]) == 2
        assert len(client.get("/books/?limit=9").json()["results"]) == 5


# --- CursorPagination ---------------------------------------------------------------------


class ById(pagination.CursorPagination):
    ordering = "id"
    page_size = 4


def walk(client: TestClient, url: str, key: str) -> tuple[list[str], list[str]]:
    """Titles page by page following ``key`` links; the URLs visited."""
    seen: list[str] = []
    urls = []
    next_url: str | None = url
    while next_url:
        urls.append(next_url)
        body = client.get(next_url).json()
        assert list(body) == ["next", "previous", "results"]
        seen.extend(titles(body))
        next_url = body[key]
    return seen, urls


def test_cursor_walks_forward_and_back_without_count(shelf: Any, protocol: str) -> None:
    shelf.seed(10)
    with statements(shelf) as seen_sql, client_for(shelf, protocol, ById) as client:
        forward, urls = walk(client, "/books/", "next")
        assert forward == [f"Book {i}" for i in range(1, 11)]
        assert len(urls) == 3
        assert client.get(urls[0]).json()["previous"] is None
        backward, _ = walk(client, client.get(urls[-1]).json()["previous"], "previous")
        assert backward == [f"Book {i}" for i in (5, 6, 7, 8, 1, 2, 3, 4)]
    assert not any("count(" in sql.lower() for sql in seen_sql)


def test_cursor_is_stable_when_rows_are_inserted(shelf: Any, protocol: str) -> None:
    shelf.seed(8)
    with client_for(shelf, protocol, ById) as client:
        first = client.get("/books/").json()
        with shelf.app.app_context():
            shelf.db.session.add(shelf.Book(title="Book 0", price=1))
            shelf.db.session.commit()
        second = client.get(first["next"]).json()
        assert titles(second) == ["Book 5", "Book 6", "Book 7", "Book 8"]


def test_cursor_with_repeated_positions_uses_offsets(shelf: Any, protocol: str) -> None:
    with shelf.app.app_context():
        for i in range(1, 11):
            shelf.db.session.add(shelf.Book(title=f"Book {i}", price=i // 3))
        shelf.db.session.commit()

    class ByPrice(pagination.CursorPagination):
        ordering = ("-price", "id")
        page_size = 2

    with client_for(shelf, protocol, ByPrice) as client:
        forward, _ = walk(client, "/books/", "next")
        assert sorted(forward) == sorted(f"Book {i}" for i in range(1, 11))
        assert len(forward) == 10


@pytest.mark.parametrize("cursor", ["AAA", "bz0tMQ==", "cD1hYmM=", "cj14", "w6k="])
def test_cursor_invalid_is_404(shelf: Any, protocol: str, cursor: str) -> None:
    shelf.seed(3)
    with client_for(shelf, protocol, ById) as client:
        response = client.get(f"/books/?cursor={cursor}")
        assert response.status_code == 404
        assert response.json() == {"detail": "Invalid cursor"}


def test_cursor_ordering_from_ordering_filter(shelf: Any, protocol: str) -> None:
    from cupola.rest import filters

    shelf.seed(6)
    view = list_view(
        shelf,
        ById,
        filter_backends=[filters.OrderingFilter],
        ordering_fields=["price", "id"],
    )
    serve(shelf, ("/books/", view))
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        forward, _ = walk(client, "/books/?ordering=-price", "next")
        assert forward == [f"Book {i}" for i in range(6, 0, -1)]


def test_cursor_needs_a_plain_ordering(shelf: Any) -> None:
    from cupola.exceptions import ImproperlyConfigured

    class Related(pagination.CursorPagination):
        ordering = "author__name"
        page_size = 2

    class Missing(pagination.CursorPagination):
        ordering = "created"
        page_size = 2

    class Empty(pagination.CursorPagination):
        ordering = ()
        page_size = 2

    with shelf.app.test_request_context("/books/"):
        from cupola.context import get_request

        request = type("R", (), {"query_params": get_request().args, "url": "http://x/"})()
        with pytest.raises(ImproperlyConfigured, match="double underscore"):
            Related().paginate_queryset(select(shelf.Book), request)
        with pytest.raises(ImproperlyConfigured, match="'created' is not a column of Book"):
            Missing().paginate_queryset(select(shelf.Book), request)
        with pytest.raises(ImproperlyConfigured, match="no ordering attribute"):
            Empty().paginate_queryset(select(shelf.Book), request)
        unsized = pagination.CursorPagination()
        assert unsized.paginate_queryset(select(shelf.Book), request) is None


def test_schemas_describe_the_envelopes() -> None:
    item = {"type": "object"}
    page = pagination.PageNumberPagination().get_paginated_response_schema(item)
    assert page["required"] == ["count", "results"] and page["properties"]["results"] == item
    no_count = pagination.NoCountPageNumberPagination().get_paginated_response_schema(item)
    assert "count" not in no_count["properties"]
    window = pagination.LimitOffsetPagination().get_paginated_response_schema(item)
    assert "count" in window["properties"]
    cursor = pagination.CursorPagination().get_paginated_response_schema(item)
    assert cursor["required"] == ["results"]
    names = [
        p["name"] for p in pagination.LimitOffsetPagination().get_schema_operation_parameters(None)
    ]
    assert names == ["limit", "offset"]
    sized = type("P", (pagination.PageNumberPagination,), {"page_size_query_param": "size"})
    assert [p["name"] for p in sized().get_schema_operation_parameters(None)] == ["page", "size"]
    assert pagination.CursorPagination().get_schema_operation_parameters(None)[0]["name"] == (
        "cursor"
    )
    assert pagination.BasePagination().get_paginated_response_schema(item) is item
    assert pagination.BasePagination().get_results({"results": [1]}) == [1]
    assert pagination.BasePagination().to_html() == ""
    with pytest.raises(NotImplementedError):
        pagination.BasePagination().paginate_queryset(select(), None)
    with pytest.raises(NotImplementedError):
        pagination.BasePagination().get_paginated_response([])


def test_query_params_helpers_sort_and_keep_repeats() -> None:
    url = "http://x/b/?z=1&a=2&a=1&page=3"
    assert pagination.replace_query_param(url, "page", 4) == "http://x/b/?a=2&a=1&page=4&z=1"
    assert pagination.remove_query_param(url, "page") == "http://x/b/?a=2&a=1&z=1"
    assert pagination.replace_query_param("http://x/?q=a b", "page", 2) == (
        "http://x/?page=2&q=a+b"
    )
