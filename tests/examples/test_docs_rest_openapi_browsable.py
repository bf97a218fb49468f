"""The browsable API, OpenAPI and coming-from-DRF pages' examples do what the pages say."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from cupola.auth import hash_password

from .conftest import load_example

HTML = {"Accept": "text/html"}


def _loaded(relative: str, tmp_path: Path, protocol: str) -> Iterator[Any]:
    module = load_example(relative)
    module.app.config["DATABASE_URL"] = f"sqlite:///{tmp_path / 'shelf.db'}"
    module.app.config["PASSWORD_HASH_PARAMS"] = {"n": 2**8, "r": 8, "p": 1}
    with module.app.app_context():
        module.db.create_all()
        module.db.session.add(module.Book(title="Dune", price="9.99"))
        if hasattr(module, "User"):
            module.db.session.add(module.User(username="ada", password_hash=hash_password("pw")))
        module.db.session.commit()
    with module.app.test_client(protocol) as client:
        module.client = client
        yield module
    with module.app.app_context():
        module.db.dispose()


@pytest.fixture
def browsable(tmp_path: Path, protocol: str) -> Iterator[Any]:
    yield from _loaded("rest/browsable_shelf.py", tmp_path, protocol)


@pytest.fixture
def documented(tmp_path: Path, protocol: str) -> Iterator[Any]:
    yield from _loaded("rest/openapi_shelf.py", tmp_path, protocol)


def _csrf(text: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', text)
    assert match is not None
    return match.group(1)


@pytest.mark.example("rest/browsable_shelf.py")
def test_browsable_shelf(browsable: Any) -> None:
    client = browsable.client
    page = client.get("/api/books/", headers=HTML).text
    assert "<h1>Book List</h1>" in page
    assert 'href="/login?next=%2Fapi%2Fbooks%2F"' in page
    assert 'id="form-post"' not in page
    token = _csrf(client.get("/login").text)
    client.post("/login", data={"username": "ada", "password": "pw", "csrf_token": token})
    page = client.get("/api/books/", headers=HTML).text
    assert 'id="form-post"' in page and 'action="/logout"' in page
    failed = client.post(
        "/api/books/", data={"title": "", "price": "1", "csrf_token": _csrf(page)}, headers=HTML
    )
    assert failed.status_code == 400
    assert "This field may not be blank." in failed.text
    detail = client.get("/api/books/1/", headers=HTML).text
    put = client.post(
        "/api/books/1/",
        data={
            "_method": "PUT",
            "title": "Dune Messiah",
            "price": "8.00",
            "csrf_token": _csrf(detail),
        },
    )
    assert put.json() == {"id": 1, "title": "Dune Messiah", "price": "8.00"}
    assert client.get("/api/books/1/").json()["title"] == "Dune Messiah"


@pytest.mark.example("rest/openapi_shelf.py")
def test_openapi_shelf(documented: Any) -> None:
    client = documented.client
    document = client.get("/openapi.json").json()
    validate(document)
    assert document["info"] == {"title": "Shelf API", "version": "1.0.0"}
    assert list(document["paths"]) == ["/api/books/", "/api/books/{id}/", "/api/stats/"]
    stats = document["paths"]["/api/stats/"]["get"]
    assert (stats["operationId"], stats["tags"]) == ("listShelfStats", ["stats"])
    summary = document["components"]["schemas"]["Book"]["properties"]["summary"]
    assert summary == {
        "type": ["string", "null"],
        "maxLength": 2000,
        "minLength": 1,
        "description": "A paragraph about the book.",
    }
    assert document["components"]["securitySchemes"] == {
        "Basic": {"type": "http", "scheme": "basic"}
    }
    assert document["paths"]["/api/books/"]["post"]["security"] == [{"Basic": []}]
    assert client.get("/api/stats/").json() == {"books": 1}
    docs = client.get("/api-docs/")
    assert docs.status_code == 200 and '"schemaUrl": "/openapi.json"' in docs.text


@pytest.fixture
def ported(tmp_path: Path, protocol: str) -> Iterator[Any]:
    yield from _loaded("rest/from_drf.py", tmp_path, protocol)


@pytest.mark.example("rest/from_drf.py")
def test_ported_viewset(ported: Any) -> None:
    client = ported.client
    assert client.get("/api/").json() == {"books": "http://localhost/api/books/"}
    listed = client.get("/api/books/").json()
    assert listed == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [{"id": 1, "title": "Dune", "price": "9.99", "in_stock": True}],
    }
    client.patch("/api/books/1/", json={"in_stock": False})
    assert client.get("/api/books/1/").json()["in_stock"] is False
    restocked = client.post("/api/books/1/restock/")
    assert restocked.json()["in_stock"] is True
    duplicate = client.post("/api/books/", json={"title": "Dune", "price": "1.00"})
    assert duplicate.json() == {"title": ["book with this title already exists."]}
