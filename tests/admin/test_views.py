"""Deleting (one row, or selected rows after a confirmation), history, permission hooks."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from cupola.admin import ModelAdmin
from cupola.testing import TestClient

from .conftest import Site, token


def count(site: Site, model: Any) -> int:
    with site.app.app_context():
        return site.db.session.scalar(select(func.count()).select_from(model)) or 0


def test_delete_asks_then_deletes(site: Site, staff: TestClient) -> None:
    page = staff.get("/admin/book/2/delete/")
    assert "Are you sure you want to delete the book “Persuasion”?" in page.text
    assert count(site, site.Book) == 4  # a GET deletes nothing
    done = staff.post("/admin/book/2/delete/", data={"csrf_token": token(page.text)})
    assert (done.status_code, done.headers["location"]) == (302, "/admin/book/")
    assert count(site, site.Book) == 3
    assert "The book “Persuasion” was deleted successfully." in staff.get("/admin/book/").text


def test_delete_selected_confirms_then_deletes(site: Site, staff: TestClient) -> None:
    listing = staff.get("/admin/book/").text
    chosen = {"action": "delete_selected", "_selected_action": ["1", "3"]}
    confirm = staff.post("/admin/book/", data={**chosen, "csrf_token": token(listing)})
    assert confirm.status_code == 200
    assert "<li>Book: Emma</li>" in confirm.text and "<li>Book: Middlemarch</li>" in confirm.text
    assert '<input type="hidden" name="post" value="yes">' in confirm.text
    assert count(site, site.Book) == 4
    done = staff.post(
        "/admin/book/", data={**chosen, "post": "yes", "csrf_token": token(confirm.text)}
    )
    assert done.status_code == 302
    assert count(site, site.Book) == 2
    assert "Successfully deleted 2 books." in staff.get("/admin/book/").text


def test_delete_selected_without_a_selection(staff: TestClient) -> None:
    listing = staff.get("/admin/book/").text
    done = staff.post(
        "/admin/book/", data={"action": "delete_selected", "csrf_token": token(listing)}
    )
    assert done.status_code == 302
    assert "Items must be selected" in staff.get("/admin/book/").text


def test_history_lists_every_change_also_after_deletion(site: Site, staff: TestClient) -> None:
    add = staff.get("/admin/author/add/").text
    staff.post("/admin/author/add/", data={"name": "Anne Brontë", "csrf_token": token(add)})
    change = staff.get("/admin/author/3/change/").text
    staff.post("/admin/author/3/change/", data={"name": "Anne Bronte", "csrf_token": token(change)})
    delete = staff.get("/admin/author/3/delete/").text
    staff.post("/admin/author/3/delete/", data={"csrf_token": token(delete)})
    history = staff.get("/admin/author/3/history/")
    assert history.status_code == 200
    assert "Change history: Anne Bronte" in history.text
    actions = re.findall(r"<td>staff</td>\s*<td>([^<]*)</td>", history.text)
    assert actions == ["Added.", "Changed Name.", "Deleted."]
    assert re.search(
        r"<time datetime=\"[^\"]+\">\w+ \d{1,2}, \d{4}, \d\d:\d\d:\d\d</time>", history.text
    )
    assert "Deleted author “Anne Bronte”" in staff.get("/admin/").text  # recent actions


def test_every_post_needs_the_csrf_token(site: Site, client: TestClient) -> None:
    from .conftest import log_in

    # A browser that says nothing of the request's origin must send the token.
    strict = site.app.test_client(client.protocol, enforce_csrf_checks=True)  # type: ignore[arg-type]
    with strict:
        log_in(strict)
        assert strict.post("/admin/book/2/delete/").status_code == 403
        assert strict.post("/admin/book/add/", data={"title": "X"}).status_code == 403
    cross_site = {"Sec-Fetch-Site": "cross-site"}
    log_in(client)
    assert client.post("/admin/book/2/delete/", headers=cross_site).status_code == 403
    assert count(site, site.Book) == 4


class ReadOnlyBooks(ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@pytest.fixture
def read_only(site: Site) -> Site:
    site.admin.registry.pop("book")
    site.admin.register(site.Book, ReadOnlyBooks)
    return site


def test_refused_permissions_hide_links_and_forged_requests_change_nothing(
    read_only: Site, staff: TestClient
) -> None:
    listing = staff.get("/admin/book/").text
    assert "/admin/book/add/" not in listing and "delete_selected" not in listing
    assert "/admin/book/add/" not in staff.get("/admin/").text
    view = staff.get("/admin/book/1/change/").text
    assert "View book" in view and "disabled" in view and "Save" not in view
    forged = {"csrf_token": token(listing)}
    assert staff.get("/admin/book/add/").status_code == 403
    assert staff.post("/admin/book/add/", data={**forged, "title": "New"}).status_code == 403
    assert staff.post("/admin/book/1/change/", data={**forged, "title": "Xx"}).status_code == 403
    assert staff.post("/admin/book/1/delete/", data=forged).status_code == 403
    bulk = {**forged, "action": "delete_selected", "_selected_action": "1", "post": "yes"}
    assert staff.post("/admin/book/", data=bulk).status_code == 403
    assert count(read_only, read_only.Book) == 4
    with read_only.app.app_context():
        assert read_only.db.session.get(read_only.Book, 1).title == "Emma"


def test_a_model_hidden_from_view(site: Site, staff: TestClient) -> None:
    class Hidden(ModelAdmin):
        def has_view_permission(self, request: Any) -> bool:
            return False

    site.admin.registry.pop("author")
    site.admin.register(site.Author, Hidden)
    assert "/admin/author/" not in staff.get("/admin/").text
    assert staff.get("/admin/author/").status_code == 403
    assert staff.get("/admin/author/1/change/").status_code == 403
