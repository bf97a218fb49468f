"""The examples of docs/rest/ generic views, viewsets, pagination and filtering pages.

Each runs on a SQLite file of the test's own, on both protocols.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from cupola.testing import TestClient

from .test_docs_examples import load


@pytest.fixture
def shelf(request: pytest.FixtureRequest, tmp_path: Path, protocol: str) -> Iterator[Any]:
    """The test's marked example with its tables created; ``.client`` drives its app."""
    marker = request.node.get_closest_marker("example")
    assert marker is not None
    module: ModuleType = load(marker.args[0])
    module.app.config["DATABASE_URL"] = f"sqlite:///{tmp_path / 'example.db'}"
    with module.app.app_context():
        module.db.create_all()
    client: TestClient = module.app.test_client(protocol)  # type: ignore[arg-type]
    with client:
        module.client = client
        yield module
    with module.app.app_context():
        module.db.dispose()


def add(module: Any, *rows: Any) -> None:
    with module.app.app_context():
        module.db.session.add_all(rows)
        module.db.session.commit()


@pytest.mark.example("rest/generic_views/app.py")
def test_generic_views(shelf: Any) -> None:
    client = shelf.client
    created = client.post("/books/", json={"title": "Emma", "price": "12.50"})
    assert created.status_code == 201
    assert created.json() == {"id": 1, "title": "Emma", "price": "12.50", "in_stock": True}
    client.post("/books/", json={"title": "Persuasion", "price": "8.00"})
    duplicate = client.post("/books/", json={"title": "Emma", "price": "1"})
    assert duplicate.json() == {"title": ["book with this title already exists."]}
    assert [b["title"] for b in client.get("/books/").json()] == ["Emma", "Persuasion"]
    assert client.patch("/books/2/", json={"in_stock": False}).json()["in_stock"] is False
    assert client.get("/titles/Emma/").json()["id"] == 1
    assert client.get("/cheap/").json() == [
        {"id": 2, "title": "Persuasion", "price": "8.00", "in_stock": False}
    ]
    assert client.get("/books/9/").json() == {"detail": "No Book matches the given query."}
    assert client.get("/books/nine/").json() == {"detail": "Not found."}
    assert client.delete("/books/1/").status_code == 204
    assert client.get("/books/1/").status_code == 404


@pytest.mark.example("rest/viewsets/app.py")
def test_viewsets(shelf: Any) -> None:
    client = shelf.client
    for title, price in [("Emma", "12.50"), ("Persuasion", "8.00")]:
        assert client.post("/api/books/", json={"title": title, "price": price}).status_code == 201
    assert client.get("/api/").json() == {"books": "http://localhost/api/books/"}
    listed = client.get("/api/books/").json()
    assert listed["count"] == 2 and listed["next"] is None
    client.patch("/api/books/2/", json={"in_stock": False})
    assert [b["id"] for b in client.get("/api/books/out-of-stock/").json()] == [2]
    restocked = client.post("/api/books/2/restock/")
    assert restocked.json()["in_stock"] is True
    assert restocked.headers["allow"] == "POST, OPTIONS"
    assert client.get("/api/books/out-of-stock/").json() == []
    assert client.put("/api/books/").status_code == 405


@pytest.mark.example("rest/pagination/app.py")
def test_pagination(shelf: Any) -> None:
    add(shelf, *(shelf.Event(name=f"Event {i}") for i in range(1, 6)))
    client = shelf.client
    assert client.get("/events/?page=2").json() == {
        "count": 5,
        "next": "http://localhost/events/?page=3",
        "previous": "http://localhost/events/",
        "results": [{"id": 3, "name": "Event 3"}, {"id": 4, "name": "Event 4"}],
    }
    assert client.get("/events/?page=last").json()["results"] == [{"id": 5, "name": "Event 5"}]
    assert client.get("/events/?page=9").json() == {"detail": "Invalid page."}
    assert len(client.get("/sized/?size=4").json()["results"]) == 4
    window = client.get("/window/?limit=2&offset=1").json()
    assert [e["id"] for e in window["results"]] == [2, 3]
    assert window["next"] == "http://localhost/window/?limit=2&offset=3"
    first = client.get("/timeline/").json()
    assert [e["id"] for e in first["results"]] == [5, 4] and first["previous"] is None
    second = client.get(first["next"]).json()
    assert [e["id"] for e in second["results"]] == [3, 2]
    quick = client.get("/quick/?page=3").json()
    assert quick == {
        "next": None,
        "previous": "http://localhost/quick/?page=2",
        "results": [{"id": 5, "name": "Event 5"}],
    }


@pytest.mark.example("rest/filtering/app.py")
def test_filtering(shelf: Any) -> None:
    ann = shelf.Author(name="Ann Gold")
    bob = shelf.Author(name="Bob Ray")
    add(
        shelf,
        shelf.Book(title="The River", price=9, author=ann),
        shelf.Book(title="Gold Rush", price=5, author=bob),
        shelf.Book(title="River of Gold", price=12, author=bob),
    )
    client = shelf.client

    def titles(query: str) -> list[str]:
        return [book["title"] for book in client.get(f"/books/?{query}").json()]

    assert titles("") == ["Gold Rush", "River of Gold", "The River"]
    assert titles("search=gold+river") == ["River of Gold", "The River"]
    assert titles("search=%22river+of%22") == ["River of Gold"]
    assert titles("search=bob") == ["Gold Rush", "River of Gold"]
    assert titles("ordering=-price") == ["River of Gold", "The River", "Gold Rush"]
    assert titles("ordering=author_id") == ["Gold Rush", "River of Gold", "The River"]
