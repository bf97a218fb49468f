"""``ModelSerializer.create``: a row of plain columns written on the DBAPI connection.

With no session open and nobody listening to the engine, such a row skips Core's execution;
it must end exactly as Core's INSERT leaves it. Every test runs on SQLite, PostgreSQL and
MariaDB (see ``conftest.py``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from cupola.rest import serializers

from .conftest import Shelf

PRINTED = datetime.datetime(2024, 5, 6, 7, 8, 9)


def edition_serializer(shelf: Shelf) -> type[serializers.ModelSerializer]:
    fields = ["id", "book_id", "number", "printed_at"]
    meta = type("Meta", (), {"model": shelf.Edition, "fields": fields})
    return type("EditionSerializer", (serializers.ModelSerializer,), {"Meta": meta})


def save_edition(shelf: Shelf, **data: Any) -> tuple[Any, dict[str, Any]]:
    serializer = edition_serializer(shelf)(data=data)
    assert serializer.is_valid(), serializer.errors
    # The unique (book, number) check read in the session's transaction: end it, so that
    # the save finds no transaction open.
    shelf.db.session.commit()
    edition = serializer.save()
    return edition, serializer.data


@contextmanager
def through_core(shelf: Shelf) -> Iterator[None]:
    """A listener on the engine: rows then go through Core's execution."""

    def listener(*args: Any) -> None:
        pass

    event.listen(shelf.db.engine, "before_cursor_execute", listener)
    try:
        yield
    finally:
        event.remove(shelf.db.engine, "before_cursor_execute", listener)


def state(shelf: Shelf, edition: Any) -> tuple[Any, ...]:
    status = inspect(edition)
    stored = shelf.db.session.get(shelf.Edition, edition.id)
    return status.persistent, stored is edition, edition.number, edition.printed_at


@pytest.mark.parametrize("printed_at", [PRINTED.isoformat(), None])
def test_a_row_of_plain_columns_ends_as_cores_insert_leaves_it(
    shelf: Shelf, printed_at: str | None
) -> None:
    shelf.add(shelf.Book(id=1, title="Dune", price=9))
    shelf.db.session.remove()  # no session open: the row may skip Core
    direct, direct_data = save_edition(shelf, book_id=1, number=1, printed_at=printed_at)
    direct_state = state(shelf, direct)
    shelf.db.session.remove()
    with through_core(shelf):
        core, core_data = save_edition(shelf, book_id=1, number=2, printed_at=printed_at)
    core_state = state(shelf, core)
    assert direct_state == (True, True, 1, printed_at and PRINTED)
    assert core_state == (True, True, 2, printed_at and PRINTED)
    assert (direct.id, core.id) == (1, 2)
    assert {**direct_data, "id": 2, "number": 2} == core_data
    shelf.db.session.expunge_all()
    rows = shelf.db.session.execute(select(shelf.Edition.__table__)).all()
    printed = printed_at and PRINTED
    assert [tuple(row) for row in rows] == [(1, 1, 1, printed), (2, 1, 2, printed)]


def test_a_database_error_is_sqlalchemys_and_nothing_is_written(shelf: Shelf) -> None:
    shelf.db.session.remove()
    with pytest.raises(IntegrityError):  # no book 404: the foreign key refuses the row
        save_edition(shelf, book_id=404, number=1, printed_at=None)
    shelf.db.session.rollback()
    count = select(func.count()).select_from(shelf.Edition)
    assert shelf.db.session.execute(count).scalar_one() == 0
    shelf.add(shelf.Book(id=1, title="Dune", price=9))
    shelf.db.session.remove()
    edition, _ = save_edition(shelf, book_id=1, number=3, printed_at=None)  # the pool recovered
    assert edition.id is not None and edition.number == 3


def test_columns_left_out_are_null_and_defaults_are_cores(shelf: Shelf) -> None:
    dune = shelf.Book(title="Dune", price=9)
    shelf.add(dune)
    meta = type("Meta", (), {"model": shelf.Edition, "fields": ["id", "book_id", "number"]})
    short = type("ShortEdition", (serializers.ModelSerializer,), {"Meta": meta})
    serializer = short(data={"book_id": dune.id, "number": 5})
    shelf.db.session.remove()
    assert serializer.is_valid(), serializer.errors
    shelf.db.session.commit()
    edition = serializer.save()
    assert (edition.number, edition.printed_at) == (5, None)  # no SELECT: set as committed
    meta = type("Meta", (), {"model": shelf.Book, "fields": ["id", "title", "price"]})
    books = type("Books", (serializers.ModelSerializer,), {"Meta": meta})
    serializer = books(data={"title": "Emma", "price": "5"})
    assert serializer.is_valid(), serializer.errors
    shelf.db.session.commit()
    book = serializer.save()  # in_stock has a Python-side default: Core's INSERT sets it
    assert book.in_stock is True
    shelf.db.session.expunge_all()
    assert shelf.db.session.get(shelf.Book, book.id).in_stock is True


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_backend_without_lastrowid_or_returning_goes_through_core(
    shelf: Shelf, monkeypatch: pytest.MonkeyPatch
) -> None:
    shelf.add(shelf.Book(id=1, title="Dune", price=9))
    shelf.db.session.remove()
    # PostgreSQL has no lastrowid; without RETURNING, Core reads the key from the sequence.
    monkeypatch.setattr(shelf.db.engine.dialect, "insert_returning", False)
    edition, data = save_edition(shelf, book_id=1, number=1, printed_at=None)
    assert data == {"id": edition.id, "book_id": 1, "number": 1, "printed_at": None}
    assert edition.id is not None


def test_column_names_the_driver_needs_escaped(shelf: Shelf) -> None:
    class Odd(shelf.db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        list_price: Mapped[int] = mapped_column("list price (net)")

    shelf.db.create_all()
    meta = type("Meta", (), {"model": Odd, "fields": ["id", "list_price"]})
    odd = type("OddSerializer", (serializers.ModelSerializer,), {"Meta": meta})
    shelf.db.session.remove()
    serializer = odd(data={"list_price": 7})
    assert serializer.is_valid(), serializer.errors
    row = serializer.save()
    shelf.db.session.expunge_all()
    assert shelf.db.session.get(Odd, row.id).list_price == 7
