"""Pagination styles through a ``ListAPIView``, on both protocols, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, select

from cupola.rest import generics, pagination, serializers
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


BEYOND_SQL = str(2**63)  # more rows than a SQL LIMIT or OFFSET can name (signed 64 bits)


def beyond_sql_client(shelf: Any, protocol: str, paginator: Any, records: bool) -> TestClient:
    """Three books behind ``paginator``, read as records (columns only) or as ORM objects."""
    shelf.seed(3)

    class Columns(serializers.ModelSerializer):  # columns only: pages are read as records
        class Meta:
            model = shelf.Book
            fields = ["id", "title"]

    serializer = Columns if records else book_serializer(shelf)
    serve(shelf, ("/books/", list_view(shelf, paginator, serializer_class=serializer)))
    return shelf.app.test_client(protocol)  # type: ignore[arg-type]


@pytest.mark.parametrize("records", [True, False], ids=["records", "objects"])
def test_a_page_past_any_table_is_404_not_a_database_error(
    shelf: Any, protocol: str, records: bool
) -> None:
    class Pages(pagination.PageNumberPagination):
        page_size = 2
        page_size_query_param = "size"  # no max_page_size

    with beyond_sql_client(shelf, protocol, Pages, records) as client:
        for query in (f"page={2**62}", f"page={BEYOND_SQL}", f"size={BEYOND_SQL}&page=2"):
            response = client.get(f"/books/?{query}")
            assert (response.status_code, response.json()) == (404, {"detail": "Invalid page."})
        body = client.get(f"/books/?size={BEYOND_SQL}").json()
        assert (body["count"], len(body["results"]), body["next"]) == (3, 3, None)


@pytest.mark.parametrize("records", [True, False], ids=["records", "objects"])
def test_a_window_beyond_sql_reads_what_there_is(shelf: Any, protocol: str, records: bool) -> None:
    class Window(pagination.LimitOffsetPagination):
        default_limit = 2  # no max_limit

    with beyond_sql_client(shelf, protocol, Window, records) as client:
        body = client.get(f"/books/?limit={BEYOND_SQL}&offset=1").json()
        assert (body["count"], titles(body)) == (3, ["Book 2", "Book 3"])
        assert client.get(f"/books/?offset={BEYOND_SQL}").json()["results"] == []


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


# --- edges --------------------------------------------------------------------------------


def test_cursor_over_dates_booleans_and_primary_key_both_ways(shelf: Any, protocol: str) -> None:
    shelf.seed(7)
    orderings = {"date": "published", "bool": ("-in_stock", "id"), "pk": "pk", "desc": "-pk"}
    for name, ordering in orderings.items():
        attrs = {"ordering": ordering, "page_size": 2}
        view = list_view(shelf, type("Paged", (pagination.CursorPagination,), attrs))
        shelf.app.add_url_rule(f"/{name}/", view_func=view, endpoint=name)
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        for name in orderings:
            forward, urls = walk(client, f"/{name}/", "next")
            assert sorted(forward) == sorted(f"Book {i}" for i in range(1, 8)), name
            if name == "bool":
                continue  # every row holds one position: turning back may repeat rows
            last = client.get(urls[-1]).json()
            backward, _ = walk(client, last["previous"], "previous")
            assert sorted(backward + titles(last)) == sorted(forward), name


def test_cursor_with_one_position_for_every_row_pages_by_offset(shelf: Any, protocol: str) -> None:
    with shelf.app.app_context():
        for i in range(1, 8):
            shelf.db.session.add(shelf.Book(title=f"Book {i}", price=5, in_stock=True))
        shelf.db.session.commit()

    class Same(pagination.CursorPagination):
        ordering = ("price", "id")  # positions from price; id keeps ties in one order
        page_size = 3
        page_size_query_param = "size"

    with client_for(shelf, protocol, Same) as client:
        # As REST framework 3.18's algorithm does (checked by hand against it): turning
        # back from an offset cursor when every row holds one position lands on an empty
        # page, its documented "paging artifact".
        first = client.get("/books/").json()
        assert titles(first) == ["Book 1", "Book 2", "Book 3"]
        second = client.get(first["next"]).json()
        assert titles(second) == ["Book 4", "Book 5", "Book 6"]
        back = client.get(second["previous"]).json()
        assert titles(back) == []
        assert titles(client.get(back["next"]).json()) == []
        third = client.get(second["next"]).json()
        assert titles(third) == ["Book 7"] and third["next"] is None
        # Back from the last page: the offset counts from the end, in reverse order.
        back_from_third = titles(client.get(third["previous"]).json())
        assert back_from_third == ["Book 2", "Book 3", "Book 4"]
        assert len(client.get("/books/?size=5").json()["results"]) == 5
    parameters = Same().get_schema_operation_parameters(None)
    assert [p["name"] for p in parameters] == ["cursor", "size"]


def test_cursor_positions_from_records_and_dicts() -> None:
    paginator = pagination.CursorPagination()
    paginator.ordering = ("-title",)
    assert paginator._position({"title": "x"}) == "x"
    assert paginator._position(pagination.Record(title="y")) == "y"


def test_distinct_statements_are_counted_through_a_subquery(shelf: Any, protocol: str) -> None:
    shelf.seed(5)
    view = list_view(shelf, pagination.PageNumberPagination, queryset=select(shelf.Book).distinct())
    serve(shelf, ("/books/", view), PAGE_SIZE=2)
    with statements(shelf) as seen, shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert client.get("/books/").json()["count"] == 5
    assert any("count(" in sql.lower() and "(SELECT DISTINCT" in sql for sql in seen)


def test_rows_of_column_statements_and_literal_bounds(shelf: Any, monkeypatch: Any) -> None:
    shelf.seed(5)
    with shelf.app.test_request_context("/books/?page=2"):
        from cupola.context import get_request

        request = type("R", (), {"query_params": get_request().args, "url": "http://x/b/"})()
        Paged = type("Paged", (pagination.PageNumberPagination,), {"page_size": 2})
        rows = Paged().paginate_queryset(select(shelf.Book.id, shelf.Book.title), request)
        assert [tuple(row) for row in rows or []] == [(3, "Book 3"), (4, "Book 4")]
        first = select(shelf.Book.id).order_by(shelf.Book.id).limit(1)
        assert pagination.fetch(first) == [1]
        pairs = pagination.fetch(
            select(shelf.Book.id, shelf.Book.title).order_by(shelf.Book.id).limit(1)
        )
        assert [tuple(row) for row in pairs] == [(1, "Book 1")]
        monkeypatch.setattr(pagination, "_BOUND_LIMIT_DIALECTS", frozenset())
        books = Paged().paginate_queryset(select(shelf.Book), request)
        assert [book.id for book in books or []] == [3, 4]
        shelf.db.session.remove()


def test_no_count_page_below_one(shelf: Any, protocol: str) -> None:
    with client_for(shelf, protocol, pagination.NoCountPageNumberPagination, PAGE_SIZE=2) as c:
        assert c.get("/books/?page=0").json() == {"detail": "Invalid page."}
        assert c.get("/books/?page=x").json() == {"detail": "Invalid page."}


@pytest.mark.parametrize(
    "url",
    [
        "http://x/b/",
        "http://x/b/?",
        "http://x/b/?page=2",
        "http://x/b/?page",
        "http://x/b/?page=2&page=3",
        "http://x/b/?q=a%20b&page=2",
        "http://x/b/?pag=1",
        "http://x/b/?page=2#frag",
        "http://x/b/?page=%C3%A9",
    ],
)
def test_query_param_fast_path_agrees_with_re_encoding(url: str) -> None:
    from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

    def slow(url: str, key: str, value: Any | None) -> str:
        scheme, netloc, path, query, fragment = urlsplit(url)
        params = parse_qs(query, keep_blank_values=True)
        params.pop(key, None)
        if value is not None:
            params[key] = [str(value)]
        query = urlencode(sorted(params.items()), doseq=True)
        return urlunsplit((scheme, netloc, path, query, fragment))

    assert pagination.replace_query_param(url, "page", 5) == slow(url, "page", 5)
    assert pagination.remove_query_param(url, "page") == slow(url, "page", None)
    for key, value in [("page", "a b"), ("page", "é"), ("page", "1&x=2"), ("pa ge", 5)]:
        expected = slow(url.replace("page", key), key, value)
        assert pagination.replace_query_param(url.replace("page", key), key, value) == expected


def test_record_pages_read_in_the_sessions_transaction_when_one_is_open(shelf: Any) -> None:
    shelf.seed(3)
    seen: list[bool] = []

    class Columns(serializers.ModelSerializer):  # columns only: pages are read as records
        class Meta:
            model = shelf.Book
            fields = ["id", "title", "price"]

    class Listing(generics.ListAPIView):
        queryset = select(shelf.Book)
        serializer_class = Columns
        pagination_class = pagination.PageNumberPagination

        def list(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            if "flush" in request.query_params:  # a row the transaction has not committed
                shelf.db.session.add(shelf.Book(title="Unsaved", price=1))
                shelf.db.session.flush()
            response = super().list(request, *args, **kwargs)
            seen.append(shelf.db.session().in_transaction())
            return response

    serve(shelf, ("/books/", Listing.as_view("books")), PAGE_SIZE=10)
    with shelf.app.test_client("wsgi") as client:
        assert client.get("/books/").json()["count"] == 3
        body = client.get("/books/?flush=1").json()
        assert (body["count"], titles(body)[-1]) == (4, "Unsaved")
        assert client.get("/books/").json()["count"] == 3  # the flushed row was rolled back
    assert seen == [False, True, False]  # an idle session's transaction is not begun


def test_record_pages_carry_their_count_in_one_query_without_a_session(
    shelf: Any, protocol: str
) -> None:
    shelf.seed(5)
    opened: list[bool] = []

    class Columns(serializers.ModelSerializer):  # columns only: pages are read as records
        class Meta:
            model = shelf.Book
            fields = ["id", "title"]

    class Listing(generics.ListAPIView):
        queryset = select(shelf.Book)
        serializer_class = Columns
        pagination_class = pagination.PageNumberPagination

        def list(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            response = super().list(request, *args, **kwargs)
            opened.append(shelf.db.session.registry.has())
            return response

    serve(shelf, ("/books/", Listing.as_view("books")), PAGE_SIZE=2)
    with statements(shelf) as seen, shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        middle = client.get("/books/?page=2").json()
        last = client.get("/books/?page=3").json()
        past = client.get("/books/?page=4")
        assert client.get("/books/?page=last").json()["results"] == last["results"]
    assert (middle["count"], [book["id"] for book in middle["results"]]) == (5, [3, 4])
    assert middle["next"] == "http://localhost/books/?page=3"
    assert (last["count"], last["next"]) == (5, None)
    assert last["results"] == [{"id": 5, "title": "Book 5"}]
    assert (past.status_code, past.json()) == (404, {"detail": "Invalid page."})
    assert opened == [False, False, False]
    # One query a page: the count rides along as a scalar subquery.
    assert all("count(" in sql.lower() and "LIMIT" in sql for sql in seen[:3])


def test_an_empty_first_page_of_records_counts_zero(shelf: Any, protocol: str) -> None:
    class Columns(serializers.ModelSerializer):
        class Meta:
            model = shelf.Book
            fields = ["id"]

    class Listing(generics.ListAPIView):
        queryset = select(shelf.Book)
        serializer_class = Columns
        pagination_class = pagination.PageNumberPagination

    serve(shelf, ("/books/", Listing.as_view("books")), PAGE_SIZE=2)
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        body = client.get("/books/").json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}
