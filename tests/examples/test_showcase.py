"""The bookshelf showcase answers every page and endpoint alike under WSGI and ASGI."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cupola.testing import TestClient

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `examples` is a package at the repository root
    sys.path.insert(0, str(ROOT))

from examples.showcase.app import app  # noqa: E402
from examples.showcase.books import store  # noqa: E402

LAYOUT = (
    '<link rel="stylesheet" href="/static/site.css">',
    '<a class="brand" href="/">Cupola Books</a>',
    '<footer class="site-footer">',
)


@pytest.fixture(params=["wsgi", "asgi"])
def client(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    with app.test_client(request.param) as test_client:
        yield test_client


def assert_page(response, *fragments: str, status: int = 200) -> None:
    assert response.status_code == status
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    for fragment in (*LAYOUT, *fragments):
        assert fragment in response.text, fragment


def test_index_extends_the_layout(client: TestClient) -> None:
    response = client.get("/")
    assert_page(response, "<title>Cupola Books</title>", "<h1>Welcome to Cupola Books</h1>")
    assert "5 classics on the shelf" in response.text
    assert response.text.count('class="card"') == 3
    assert '<a href="/books/2">Emma</a>' in response.text  # the first three by title
    assert "Moby-Dick" not in response.text


def test_book_list_shows_every_book_with_formatted_prices(client: TestClient) -> None:
    response = client.get("/books/")
    assert_page(response, "<title>Books · Cupola Books</title>", 'href="/books/" aria-current')
    for book in store.all():
        assert f'<a href="/books/{book.id}">{book.title}</a>' in response.text
    assert '<td class="num">$12.40</td>' in response.text  # the `price` template filter


def test_book_list_without_slash_redirects(client: TestClient) -> None:
    response = client.get("/books?q=emma")
    assert response.status_code == 308
    assert response.headers["location"] == "/books/?q=emma"


def test_book_list_search(client: TestClient) -> None:
    response = client.get("/books/", query={"q": "austen"})
    assert_page(response, 'value="austen"', ">Emma</a>", ">Pride and Prejudice</a>")
    assert "Moby-Dick" not in response.text


def test_book_list_search_without_match_escapes_the_query(client: TestClient) -> None:
    response = client.get("/books/", query={"q": "<b>nothing</b>"})
    assert_page(response, "No books match “&lt;b&gt;nothing&lt;/b&gt;”.")
    assert "<b>nothing</b>" not in response.text


def test_book_detail(client: TestClient) -> None:
    response = client.get("/books/4")
    assert_page(
        response,
        "<title>Moby-Dick · Cupola Books</title>",
        "<h1>Moby-Dick</h1>",
        "Herman Melville, 1851",
        '<p class="price">$11.00</p>',
    )


@pytest.mark.parametrize("path", ["/books/99", "/books/abc", "/no/such/page"])
def test_not_found_renders_the_404_template(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert_page(response, "<title>Page not found · Cupola Books</title>", status=404)
    assert "<h1>Page not found</h1>" in response.text


def test_authors_class_based_view(client: TestClient) -> None:
    response = client.get("/authors")
    assert_page(response, "<h1>Authors</h1>", 'href="/authors" aria-current')
    text = response.text
    assert text.count("<dt>") == 4
    # Authors alphabetically, each with their books by year.
    assert text.index("George Eliot") < text.index("Herman Melville") < text.index("Jane Austen")
    assert text.index("Pride and Prejudice") < text.index(">Emma</a>")


def test_authors_view_answers_head_and_refuses_post(client: TestClient) -> None:
    head = client.head("/authors")
    assert head.status_code == 200
    assert head.content == b""
    post = client.post("/authors")
    assert post.status_code == 405
    assert post.headers["allow"] == "GET, HEAD, OPTIONS"


def test_static_css(client: TestClient) -> None:
    response = client.get("/static/site.css")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/css; charset=utf-8"
    assert response.headers["cache-control"] == "max-age=3600"  # STATIC_MAX_AGE
    assert ".site-header" in response.text
    etag = response.headers["etag"]
    assert client.get("/static/site.css", headers={"if-none-match": etag}).status_code == 304


def test_api_book_list(client: TestClient) -> None:
    response = client.get("/api/books")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    books = response.json()
    assert [book["title"] for book in books] == [book.title for book in store.all()]
    assert books[0] == {
        "id": 2,
        "title": "Emma",
        "author": "Jane Austen",
        "year": 1815,
        "price": "7.50",
    }


def test_api_book_detail(client: TestClient) -> None:
    response = client.get("/api/books/3")
    assert response.status_code == 200
    assert response.json() == {
        "id": 3,
        "title": "Frankenstein",
        "author": "Mary Shelley",
        "year": 1818,
        "price": "6.25",
        "summary": "A scientist makes a creature, then abandons it, and both pay the price.",
    }


def test_api_not_found_is_json(client: TestClient) -> None:
    response = client.get("/api/books/99")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_every_route_is_registered() -> None:
    rules = {(rule.rule, rule.endpoint) for rule in app.iter_rules()}
    assert rules == {
        ("/", "index"),
        ("/authors", "authors"),
        ("/static/<path:filename>", "static"),
        ("/books/", "books.index"),
        ("/books/<int:book_id>", "books.show"),
        ("/api/books", "api.book_list"),
        ("/api/books/<int:book_id>", "api.book_detail"),
    }
