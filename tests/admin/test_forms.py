"""Add and change forms built from the columns: validation, defaults, relationships, read-only."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from cupola.testing import TestClient

from .conftest import Site, token

GOOD = {"title": "Adam Bede", "author": "2", "price": "8.40", "subtitle": "", "in_stock": "y"}


def post(client: TestClient, url: str, **fields: str) -> Any:
    return client.post(url, data={**fields, "csrf_token": token(client.get(url).text)})


def count_books(site: Site) -> int:
    with site.app.app_context():
        return site.db.session.scalar(select(func.count()).select_from(site.Book)) or 0


def test_the_add_form_is_built_from_the_columns(staff: TestClient) -> None:
    page = staff.get("/admin/book/add/").text
    assert (
        'class="form-control" id="title" maxlength="40" name="title" required type="text"' in page
    )
    assert '<select class="form-select" id="author" name="author" required>' in page
    assert '<option value="1">Jane Austen</option>' in page  # related rows, no raw key field
    assert 'name="author_id"' not in page
    assert 'checked class="form-check-input" id="in_stock"' in page  # the column default
    assert 'id="year"' not in page  # read-only: never in the form
    assert 'id="id"' not in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "This field is required."),
        ("title", "x" * 41, "Ensure this value has at most 40 characters."),
        ("title", "Emma", "Book with this Title already exists."),
        ("price", "cheap", "Enter a decimal number."),
        ("price", "1.234", "Ensure that there are no more than 2 decimal places."),
        ("author", "99", "Not a valid choice."),
    ],
)
def test_invalid_input_comes_back_with_field_errors(
    site: Site, staff: TestClient, field: str, value: str, message: str
) -> None:
    response = post(staff, "/admin/book/add/", **{**GOOD, field: value})
    assert response.status_code == 200
    assert message in response.text
    assert f'id="{field}-errors"' in response.text
    assert count_books(site) == 4  # nothing saved


def test_add_with_an_error_then_correctly(site: Site, staff: TestClient) -> None:
    refused = post(staff, "/admin/book/add/", **{**GOOD, "title": ""})
    assert "Please correct the errors below." in refused.text
    assert 'value="8.40"' in refused.text  # what was typed comes back
    saved = post(staff, "/admin/book/add/", **GOOD)
    assert (saved.status_code, saved.headers["location"]) == (302, "/admin/book/")
    assert "The book “Adam Bede” was added successfully." in staff.get("/admin/book/").text
    with site.app.app_context():
        book = site.db.session.scalar(select(site.Book).where(site.Book.title == "Adam Bede"))
        assert (book.author.name, book.price, book.subtitle, book.in_stock) == (
            "George Eliot",
            Decimal("8.40"),
            None,  # an empty nullable field saves NULL
            True,
        )


def test_change_keeps_its_own_unique_value_and_ignores_read_only_fields(
    site: Site, staff: TestClient
) -> None:
    page = staff.get("/admin/book/1/change/").text
    assert 'value="Emma"' in page and '<option selected value="1">Jane Austen</option>' in page
    changed = post(
        staff, "/admin/book/1/change/", title="Emma", author="1", price="7.75", year="1999"
    )
    assert changed.status_code == 302
    with site.app.app_context():
        book = site.db.session.get(site.Book, 1)
        assert (book.price, book.year, book.in_stock) == (Decimal("7.75"), None, False)


def test_a_unique_value_of_another_row_is_refused_on_change(site: Site, staff: TestClient) -> None:
    response = post(staff, "/admin/book/1/change/", **{**GOOD, "title": "Persuasion"})
    assert response.status_code == 200
    assert "Book with this Title already exists." in response.text


def test_save_and_continue_editing(staff: TestClient) -> None:
    response = post(staff, "/admin/author/add/", name="Anne Brontë", _continue="1")
    assert response.status_code == 302
    assert response.headers["location"].endswith("/change/")


def test_the_change_page_shows_read_only_values(staff: TestClient) -> None:
    page = staff.get("/admin/book/2/change/").text
    assert '<span class="form-label">ID</span> <span>2</span>' in page
    assert '<span class="form-label">Year</span> <span>\u2013</span>' in page
    assert '<a class="button" href="/admin/book/2/history/">History</a>' in page
