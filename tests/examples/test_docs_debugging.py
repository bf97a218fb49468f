"""The debugging page's examples do what docs/debugging.md says."""

from __future__ import annotations

import re
from typing import Any

import pytest


@pytest.mark.example("debugging/toolbar.py")
def test_toolbar_example(example: Any) -> None:
    client = example.client
    created = client.post("/api/books", json={"title": "Emma"})
    assert created.status_code == 201
    api_id = created.headers["X-Debug-Id"]

    page = client.get("/")
    assert "<h1>1 books</h1>" in page.text
    assert page.text.count('id="cupola-debug-toolbar"') == 1
    assert page.text.index('id="cupola-debug-toolbar"') < page.text.index("</body>")

    history = client.get("/__debug__/").text
    assert f'<a href="/__debug__/{api_id}">/api/books</a>' in history
    assert '<span class="cdt-kind api">JSON API</span>' in history

    details = client.get(f"/__debug__/{api_id}").text
    assert re.search(r"<td>INSERT INTO book \(title\) VALUES \(\?\)</td>", details)
    assert "<td>(&#x27;Emma&#x27;,)</td>" in details
    assert "Book &#x27;Emma&#x27; added" in details  # the logging panel
    assert "<td>Endpoint</td><td>add_book</td>" in details
    data = client.get(f"/__debug__/{api_id}?format=json").json()
    assert data["panels"]["sql"]["queries"][0]["sql"] == "INSERT INTO book (title) VALUES (?)"

    shelf = client.get(f"/__debug__/{page.headers['X-Debug-Id']}").text
    assert "<td>shelf.html</td><td>books, visits</td>" in shelf
    assert "<td>incr</td><td>visits</td>" in shelf
    assert "FROM book ORDER BY book.title" in shelf


@pytest.mark.example("debugging/error_page.py")
def test_error_page_example(example: Any) -> None:
    response = example.client.get("/books/7/price")
    assert response.status_code == 500
    text = response.text
    assert "<h1>RuntimeError</h1>" in text and "book 7 has no price" in text
    assert "KeyError: &#x27;price&#x27;" in text
    assert "<th>api_key</th><td><code>********</code>" in text
    assert "<th>book</th><td><code>{&#x27;id&#x27;: 7, &#x27;title&#x27;: &#x27;Emma&#x27;}" in text
    example.app.debug = False
    hidden = example.client.get("/books/7/price").text
    assert "Internal Server Error" in hidden and "RuntimeError" not in hidden


@pytest.mark.example("debugging/error_template.py")
def test_error_template_example(example: Any) -> None:
    client = example.client
    unauthorized = client.get("/members")
    assert unauthorized.status_code == 401
    assert "<title>Unauthorized · Bookshop</title>" in unauthorized.text
    assert "<header>Bookshop</header>" in unauthorized.text
    assert "<h1>401 · Unauthorized</h1>" in unauthorized.text
    not_allowed = client.post("/")
    assert not_allowed.status_code in (403, 405)  # CSRF refuses the POST first
    assert "<header>Bookshop</header>" in not_allowed.text
    assert "<header>Bookshop</header>" in client.get("/missing").text
