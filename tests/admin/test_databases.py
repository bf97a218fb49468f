"""The admin's queries and writes on SQLite, PostgreSQL and MariaDB alike."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from cupola.testing import TestClient
from tests.db.conftest import (  # noqa: F401  # fixtures
    database_url,
    mysql_database_url,
    mysql_url,
    postgres_schema_url,
    postgres_url,
)

from .conftest import Site, build_site, log_in, token


@pytest.fixture
def site_on(database_url: str) -> Iterator[Site]:  # noqa: F811
    site = build_site(database_url)
    yield site
    with site.app.app_context():
        site.db.drop_all()
        site.db.dispose()


def titles(html: str) -> list[str]:
    return re.findall(
        r'<td><a href="/admin/book/\d+/change/">\d+</a></td>\s*<td>([^<]*)</td>', html
    )


def test_search_filter_sort_and_write(site_on: Site) -> None:
    client: TestClient = site_on.app.test_client()
    assert log_in(client).status_code == 302
    assert titles(client.get("/admin/book/?q=ELIOT").text) == ["Middlemarch", "Silas Marner"]
    assert titles(client.get("/admin/book/?q=7.5").text) == []  # searches title and author only
    assert titles(client.get("/admin/book/?in_stock=0").text) == ["Persuasion"]
    assert titles(client.get("/admin/book/?o=-price&author=1").text) == ["Emma", "Persuasion"]
    assert "4 books" in client.get("/admin/book/").text
    add = client.get("/admin/book/add/").text
    taken = {"title": "Emma", "author": "1", "price": "1.00", "csrf_token": token(add)}
    refused = client.post("/admin/book/add/", data=taken)
    assert refused.status_code == 200 and "Book with this Title already exists." in refused.text
    created = client.post("/admin/book/add/", data={**taken, "title": "Adam Bede"})
    assert created.status_code == 302
    delete = client.get("/admin/book/5/delete/").text
    assert (
        client.post("/admin/book/5/delete/", data={"csrf_token": token(delete)}).status_code == 302
    )
    history = client.get("/admin/book/5/history/").text
    assert re.findall(r"<td>staff</td>\s*<td>([^<]*)</td>", history) == ["Added.", "Deleted."]
