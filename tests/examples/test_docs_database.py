"""The examples of docs/database.md, run against a SQLite file of the test's own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from cupola.testing import TestClient

from .test_docs_examples import exercises, load


@pytest.fixture
def example(
    tmp_path: Path, protocol: str
) -> Iterator[Callable[..., tuple[ModuleType, TestClient]]]:
    """``example("database/books.py")``: the module, its tables created, and a client."""
    loaded: list[tuple[ModuleType, TestClient]] = []  # closed in this order: client, pool

    def make(relative: str, driver: str = "sqlite") -> tuple[ModuleType, TestClient]:
        module = load(relative)
        module.app.config["DATABASE_URL"] = f"{driver}:///{tmp_path / 'example.db'}"
        with module.app.app_context():
            module.db.create_all()
        client = module.app.test_client(protocol).__enter__()  # type: ignore[arg-type]
        loaded.append((module, client))
        return module, client

    yield make
    for module, client in loaded:
        client.__exit__()
        client.close()
        with module.app.app_context():
            module.db.dispose()


@exercises("database/async_views.py")
def test_async_views(example: Callable[..., tuple[ModuleType, TestClient]]) -> None:
    _, client = example("database/async_views.py", "sqlite+aiosqlite")
    assert client.post("/visits/home").json() == {"path": "home", "visits": 1}
    assert client.post("/visits/home").json() == {"path": "home", "visits": 2}
    assert client.post("/visits/about").json() == {"path": "about", "visits": 1}
    assert client.get("/visits").json() == {"home": 2, "about": 1}


@exercises("database/books.py")
def test_books(example: Callable[[str], tuple[ModuleType, TestClient]]) -> None:
    _, client = example("database/books.py")
    created = client.post("/books", json={"title": "Emma", "author": "Jane Austen"})
    assert created.status_code == 201
    assert created.json() == {"id": 1, "title": "Emma", "author": "Jane Austen"}
    client.post("/books", json={"title": "Persuasion", "author": "Jane Austen"})
    assert client.post("/books", json={"title": "Emma", "author": "X"}).status_code == 409
    assert client.get("/books/2").json()["title"] == "Persuasion"
    missing = client.get("/books/9")
    assert missing.status_code == 404 and "No book with this id." in missing.text
    listing = client.get("/books?per_page=1").json()
    assert listing == {
        "books": [{"id": 1, "title": "Emma", "author": "Jane Austen"}],
        "page": 1,
        "pages": 2,
        "total": 2,
        "next": 2,
    }
    assert client.get("/books?page=3&per_page=1").status_code == 404
    assert client.get("/books?page=zero").status_code == 404


@exercises("database/atomic.py")
def test_atomic(example: Callable[[str], tuple[ModuleType, TestClient]]) -> None:
    module, client = example("database/atomic.py")
    with module.app.app_context():
        module.db.session.add_all([module.Account(id=1, balance=10), module.Account(id=2)])
        module.db.session.add(module.Account(id=3, balance=0))
        module.db.session.commit()
    assert client.post("/transfer/1/3/4").json() == {"balance": 6}
    refused = client.post("/transfer/1/3/7")
    assert refused.status_code == 409 and "Insufficient funds." in refused.text
    with module.app.app_context():
        balances = {a.id: a.balance for a in module.db.session.query(module.Account)}
    assert balances[1] == 6 and balances[3] == 4


@exercises("database/typed.py")
def test_typed(example: Callable[[str], tuple[ModuleType, TestClient]]) -> None:
    module, client = example("database/typed.py")
    assert module.ReadingList.__tablename__ == "reading_list"
    with module.app.app_context():
        module.db.session.add(module.ReadingList(id=1, name="Summer"))
        module.db.session.commit()
    assert client.get("/lists/1").json() == {"id": 1, "name": "Summer"}
    assert client.get("/lists/2").status_code == 404


@exercises("database/raw_sql.py")
def test_raw_sql(example: Callable[[str], tuple[ModuleType, TestClient]]) -> None:
    module, client = example("database/raw_sql.py")
    with module.app.app_context():
        module.create_tables()
    assert client.post("/visits/home").json() == {"path": "home", "hits": 1}
    assert client.post("/visits/home").json() == {"path": "home", "hits": 2}
    assert client.post("/visits/x' OR '1'='1").json() == {"path": "x' OR '1'='1", "hits": 1}
    assert client.post("/visits/home/dry-run").json() == {"deleted": "home"}
    assert client.get("/visits").json() == {"home": 2, "x' OR '1'='1": 1}
