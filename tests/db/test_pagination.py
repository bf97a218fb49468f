"""db.paginate: pages from the query string, and 404 for pages that cannot exist."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import bindparam, select

from cupola.db import Pagination
from cupola.exceptions import NotFound

from .conftest import Setup


@pytest.fixture
def paged(setup: Setup) -> Setup:
    app, db, Book = setup.app, setup.db, setup.Book
    with app.app_context():
        db.session.add_all(Book(title=f"{n:03}") for n in range(1, 46))
        db.session.commit()

    @app.get("/books")
    def books() -> Any:
        page = db.paginate(
            select(Book).order_by(Book.title),
            max_per_page=30,
            error_out=request_flag("strict", True),
            count=request_flag("count", True),
        )
        return {
            "items": [b.title for b in page.items],
            "page": page.page,
            "per_page": page.per_page,
            "total": page.total,
            "pages": page.pages,
            "has_prev": page.has_prev,
            "has_next": page.has_next,
            "prev_num": page.prev_num,
            "next_num": page.next_num,
        }

    return setup


def request_flag(name: str, default: bool) -> bool:
    from cupola import request

    return request.args.get(name, "1" if default else "0") == "1"


def test_first_page_from_defaults(paged: Setup) -> None:
    body = paged.app.test_client().get("/books").json()
    assert body["items"][:2] == ["001", "002"] and len(body["items"]) == 20
    assert body | {"items": None} == {
        "items": None,
        "page": 1,
        "per_page": 20,
        "total": 45,
        "pages": 3,
        "has_prev": False,
        "has_next": True,
        "prev_num": None,
        "next_num": 2,
    }


def test_last_page(paged: Setup) -> None:
    body = paged.app.test_client().get("/books?page=3").json()
    assert body["items"] == ["041", "042", "043", "044", "045"]
    assert (body["total"], body["has_next"], body["next_num"], body["prev_num"]) == (
        45,
        False,
        None,
        2,
    )


def test_per_page_from_query_capped_by_max(paged: Setup) -> None:
    client = paged.app.test_client()
    assert len(client.get("/books?per_page=5").json()["items"]) == 5
    capped = client.get("/books?per_page=1000").json()
    assert (capped["per_page"], len(capped["items"]), capped["pages"]) == (30, 30, 2)


@pytest.mark.parametrize(
    "query", ["page=0", "page=-1", "page=4", "page=x", "page=1.5", "per_page=0", "per_page=y"]
)
def test_impossible_pages_are_404(paged: Setup, query: str) -> None:
    assert paged.app.test_client().get(f"/books?{query}").status_code == 404


BEYOND_SQL = 2**63  # more rows than a SQL LIMIT or OFFSET can name (signed 64 bits)


@pytest.mark.parametrize("page", [2**31, 2**62, BEYOND_SQL])
def test_a_page_past_any_table_is_404_not_a_database_error(paged: Setup, page: int) -> None:
    assert paged.app.test_client().get(f"/books?page={page}").status_code == 404


def test_sizes_and_pages_beyond_sql_read_what_there_is(paged: Setup) -> None:
    Book = paged.Book
    with paged.app.test_request_context("/"):
        whole = paged.db.paginate(select(Book).order_by(Book.id), per_page=BEYOND_SQL)
        assert (len(whole.items), whole.total, whole.has_next) == (45, 45, False)
        past = paged.db.paginate(select(Book), page=BEYOND_SQL, error_out=False)
        assert (past.items, past.total, past.page) == ([], 45, BEYOND_SQL)
        with pytest.raises(NotFound):
            paged.db.paginate(select(Book), page=2, per_page=BEYOND_SQL)
        paged.db.session.remove()  # a test request context runs no teardown


@pytest.mark.parametrize(
    ("query", "page", "first"),
    [("page=0", 1, "001"), ("page=x", 1, "001"), ("per_page=y", 1, "001"), ("page=9", 9, None)],
)
def test_without_error_out_defaults_apply(
    paged: Setup, query: str, page: int, first: str | None
) -> None:
    body = paged.app.test_client().get(f"/books?strict=0&{query}").json()
    assert body["page"] == page
    assert (body["items"] or [None])[0] == first


def test_without_count(paged: Setup) -> None:
    body = paged.app.test_client().get("/books?count=0&page=2").json()
    assert (body["total"], body["pages"], body["has_next"], body["next_num"]) == (None, 0, True, 3)


def test_empty_first_page_is_fine(setup: Setup) -> None:
    with setup.app.test_request_context("/?page=1"):
        page = setup.db.paginate(select(setup.Book))
        assert (page.items, page.total, page.pages, page.has_next) == ([], 0, 0, False)
        setup.db.session.remove()  # a test request context runs no teardown


def test_explicit_arguments_win_over_the_query(paged: Setup) -> None:
    with paged.app.test_request_context("/?page=3&per_page=2"):
        page = paged.db.paginate(select(paged.Book).order_by(paged.Book.id), page=2, per_page=10)
        assert [b.title for b in page] == [f"{n:03}" for n in range(11, 21)]
        paged.db.session.remove()


def test_iter_pages() -> None:
    assert list(Pagination([], page=1, per_page=10, total=30).iter_pages()) == [1, 2, 3]
    assert list(Pagination([], page=10, per_page=1, total=20).iter_pages()) == [
        1,
        2,
        None,
        8,
        9,
        10,
        11,
        12,
        13,
        14,
        None,
        19,
        20,
    ]
    assert list(Pagination([], page=1, per_page=10, total=0).iter_pages()) == []
    assert repr(Pagination([], page=1, per_page=10, total=0)) == (
        "<Pagination page=1 per_page=10 total=0>"
    )


def test_statements_of_one_shape_page_alike_and_values_are_never_reused(paged: Setup) -> None:
    db, Book = paged.db, paged.Book

    def titles(statement: Any, page: int, per_page: int) -> tuple[list[str], int | None]:
        result = db.paginate(statement, page=page, per_page=per_page)
        return [book.title for book in result.items], result.total

    with paged.app.app_context():
        ordered = select(Book).order_by(Book.title)
        assert titles(ordered, 1, 2) == (["001", "002"], 45)
        # The same shape again: each call's own page, per_page and count.
        assert titles(select(Book).order_by(Book.title), 3, 5) == (
            ["011", "012", "013", "014", "015"],
            45,
        )
        assert titles(select(Book).order_by(Book.title.desc()), 1, 1) == (["045"], 45)
        # Bound values (a where, .params()) and execution options are each call's own.
        for bound in ("010", "040"):
            statement = select(Book).where(Book.title > bound).order_by(Book.title)
            assert titles(statement, 1, 1) == ([f"{int(bound) + 1:03}"], 45 - int(bound))
        by_param = select(Book).where(Book.title > bindparam("low")).order_by(Book.title)
        for low in ("020", "030"):
            assert titles(by_param.params(low=low), 1, 1) == ([f"{int(low) + 1:03}"], 45 - int(low))
        first = db.paginate(select(Book).order_by(Book.title), page=1, per_page=1).items[0]
        refreshed = select(Book).order_by(Book.title).execution_options(populate_existing=True)
        with db.session.no_autoflush:
            first.title = "changed in memory"
            assert titles(refreshed, 1, 1) == (["001"], 45) and first.title == "001"
