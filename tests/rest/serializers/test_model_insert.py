"""``ModelSerializer.create``: a plain new row is one ``INSERT``, left as a flush leaves it.

Every test runs on SQLite, PostgreSQL and MariaDB (see ``conftest.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from sqlalchemy import event, inspect, select

from cupola.rest import serializers

from .conftest import Shelf


def book_serializer(shelf: Shelf) -> type[serializers.ModelSerializer]:
    meta = type("Meta", (), {"model": shelf.Book, "fields": ["id", "title", "price", "in_stock"]})
    return type("BookSerializer", (serializers.ModelSerializer,), {"Meta": meta})


@contextmanager
def statements(shelf: Shelf) -> Iterator[list[str]]:
    """The SQL statements run on the shelf's engine meanwhile, by first word."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2].split(None, 1)[0].upper())

    event.listen(shelf.db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(shelf.db.engine, "before_cursor_execute", record)


def test_a_plain_new_row_is_one_insert_and_persistent(shelf: Shelf) -> None:
    serializer = book_serializer(shelf)(data={"title": "Dune", "price": "9.99"})
    assert serializer.is_valid(), serializer.errors
    with statements(shelf) as seen:
        book = serializer.save()
        data = serializer.data
        unset = (book.in_stock, book.blurb, book.published)  # a default, and NULL columns
    assert seen == ["INSERT"]
    assert inspect(book).persistent and book in shelf.db.session
    assert data == {"id": book.id, "title": "Dune", "price": "9.99", "in_stock": True}
    assert unset == (True, None, None)
    assert shelf.db.session.get(shelf.Book, book.id) is book  # in the identity map
    shelf.db.session.expunge_all()
    stored = shelf.db.session.scalars(select(shelf.Book)).one()
    assert (stored.title, stored.price, stored.in_stock) == ("Dune", Decimal("9.99"), True)


def test_insert_listeners_are_run_by_the_flush(shelf: Shelf) -> None:
    inserted: list[str] = []

    def listener(mapper: Any, connection: Any, target: Any) -> None:
        inserted.append(target.title)

    event.listen(shelf.Book, "before_insert", listener)
    try:
        serializer = book_serializer(shelf)(data={"title": "Emma", "price": "5"})
        assert serializer.is_valid(), serializer.errors
        serializer.save()
    finally:
        event.remove(shelf.Book, "before_insert", listener)
    assert inserted == ["Emma"]


def test_pending_rows_are_written_first(shelf: Shelf) -> None:
    serializer = book_serializer(shelf)(data={"title": "Emma", "price": "5"})
    assert serializer.is_valid(), serializer.errors
    # The new author is only pending: the book's INSERT must come after the author's.
    shelf.db.session.add(shelf.Author(id=77, name="Austen"))
    book = serializer.save(author_id=77)
    shelf.db.session.expunge_all()
    stored = shelf.db.session.get(shelf.Book, book.id)
    assert stored is not None and stored.author.name == "Austen"


def price_serializer(shelf: Shelf) -> type[serializers.ModelSerializer]:
    """Fields whose validation runs no query: the session has no transaction at save()."""
    meta = type("Meta", (), {"model": shelf.Book, "fields": ["id", "price", "in_stock"]})
    return type("PriceSerializer", (serializers.ModelSerializer,), {"Meta": meta})


def test_without_a_transaction_the_row_is_committed_on_its_own(shelf: Shelf) -> None:
    session = shelf.db.session()
    serializer = price_serializer(shelf)(data={"price": "3.50"})
    assert serializer.is_valid(), serializer.errors
    assert not session.in_transaction()
    with statements(shelf) as seen:
        book = serializer.save(title="Persuasion")
        data = serializer.data
    assert seen == ["INSERT"]
    assert inspect(book).persistent and book in session
    assert data == {"id": book.id, "price": "3.50", "in_stock": True}
    session.rollback()  # nothing to undo: the row was committed
    assert session.scalars(select(shelf.Book.title)).all() == ["Persuasion"]


def test_commit_listeners_see_the_session_commit(shelf: Shelf) -> None:
    session = shelf.db.session()
    commits: list[Any] = []
    event.listen(session, "after_commit", commits.append)
    serializer = price_serializer(shelf)(data={"price": "1"})
    assert serializer.is_valid(), serializer.errors
    serializer.save(title="Sanditon")
    assert commits == [session]


def test_a_row_committed_on_its_own_leaves_the_session_as_a_commit_does(shelf: Shelf) -> None:
    session = shelf.db.session()
    saved = []
    with statements(shelf) as seen:
        for price in ("1", "2"):
            serializer = price_serializer(shelf)(data={"price": price})
            assert serializer.is_valid(), serializer.errors
            saved.append(serializer.save(title=f"Emma {price}"))
            assert not session.in_transaction()  # no transaction begun to attach the row
    assert seen == ["INSERT", "INSERT"]  # the second row too is committed on its own
    assert all(inspect(book).persistent and book in session for book in saved)
    assert [session.get(shelf.Book, book.id) for book in saved] == saved
    session.rollback()  # expires the rows, which read back as written
    assert [book.price for book in saved] == [Decimal("1"), Decimal("2")]
