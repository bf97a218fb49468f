"""``ModelSerializer.create``: the rows a single ``INSERT`` cannot save go through the flush.

SQLite alone: which path a save takes does not depend on the backend.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import String, event, func, inspect, select, text
from sqlalchemy.orm import Mapped, column_property, mapped_column

from cupola import Cupola
from cupola.db import Database
from cupola.rest import serializers

from .test_model_insert import statements


@dataclass
class Desk:
    """The app, its database and the models of one test."""

    app: Cupola
    db: Database
    Note: Any
    Draft: Any


def build(url: str) -> Desk:
    app = Cupola(__name__, config={"DATABASE_URL": url, "ALLOWED_HOSTS": ["*"]})
    db = Database(app)

    class Note(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str] = mapped_column(String(50))
        status: Mapped[str] = mapped_column(String(20), server_default="draft")
        shout: Mapped[str] = column_property(func.upper(title))  # an expression, no column

    class Draft(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str] = mapped_column(String(50))
        version: Mapped[int] = mapped_column()
        __mapper_args__ = {"version_id_col": version}

    return Desk(app, db, Note, Draft)


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    made = build(f"sqlite:///{tmp_path / 'desk.db'}")
    with made.app.app_context():
        made.db.create_all()
        try:
            yield made
        finally:
            made.db.session.rollback()
            made.db.drop_all()
            made.db.dispose()


def serializer_for(model: Any) -> type[serializers.ModelSerializer]:
    meta = type("Meta", (), {"model": model, "fields": ["id", "title"]})
    return type(f"{model.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})


def save(model: Any, **data: Any) -> Any:
    serializer = serializer_for(model)(data=data)
    assert serializer.is_valid(), serializer.errors
    return serializer.save()


def stored(desk: Desk, model: Any) -> list[tuple[Any, ...]]:
    desk.db.session.expunge_all()
    return [tuple(row) for row in desk.db.session.execute(select(model.__table__)).all()]


def test_server_defaults_are_set_by_the_insert_and_expressions_read_back(desk: Desk) -> None:
    with statements(desk) as seen:  # type: ignore[arg-type]
        note = save(desk.Note, title="hello")
        status = note.status
    assert seen == ["INSERT"]  # the server default came back with the row
    assert inspect(note).persistent and status == "draft"
    assert note.shout == "HELLO"  # the column property is not written, but read when asked
    assert stored(desk, desk.Note) == [(note.id, "hello", "draft")]


@pytest.mark.parametrize("open_transaction", [False, True])
def test_a_versioned_row_is_flushed_with_its_first_version(
    desk: Desk, open_transaction: bool
) -> None:
    session = desk.db.session()
    if open_transaction:
        session.execute(text("SELECT 1"))
    assert session.in_transaction() is open_transaction
    draft = save(desk.Draft, title="Outline")
    assert inspect(draft).persistent and draft.version == 1  # set by the ORM's flush
    assert stored(desk, desk.Draft) == [(draft.id, "Outline", 1)]


def test_flush_listeners_of_the_session_see_the_new_row(desk: Desk) -> None:
    session = desk.db.session()
    flushed: list[Any] = []

    def before_flush(session: Any, context: Any, instances: Any) -> None:
        flushed.extend(session.new)

    event.listen(session, "before_flush", before_flush)
    try:
        note = save(desk.Note, title="seen")
    finally:
        event.remove(session, "before_flush", before_flush)
    assert flushed == [note]
    assert stored(desk, desk.Note) == [(note.id, "seen", "draft")]
