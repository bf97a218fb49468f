"""``cupola.rest._db``: the current app's session and the model facts REST messages need."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import String, create_engine, select
from sqlalchemy.orm import Mapped, mapped_column

from cupola import Cupola
from cupola.db import Database, get_database
from cupola.exceptions import ImproperlyConfigured
from cupola.rest import _db, generics, pagination, serializers


def test_session_is_the_apps_db_session(tmp_path: object) -> None:
    app = Cupola(__name__, config={"DATABASE_URL": "sqlite://"})
    db = Database(app)
    with app.app_context():
        assert get_database(app) is db
        assert _db.session() is db.session()
    bare = Cupola(__name__)
    with bare.app_context(), pytest.raises(ImproperlyConfigured, match="has no Database"):
        _db.session()
    with pytest.raises(RuntimeError):
        _db.session()


def test_model_facts() -> None:
    db = Database()

    class ReadingList(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)

    class HTTPLog(db.Model):
        key: Mapped[str] = mapped_column(primary_key=True)

    class Pair(db.Model):
        a: Mapped[int] = mapped_column(primary_key=True)
        b: Mapped[int] = mapped_column(primary_key=True)

    assert _db.verbose_name(ReadingList) == "reading list"
    assert _db.verbose_name(HTTPLog) == "http log"
    assert _db.primary_key_name(HTTPLog) == "key"
    assert _db.primary_key(ReadingList).name == "id"
    assert _db.statement_model(select(ReadingList)) is ReadingList
    with pytest.raises(ImproperlyConfigured, match="2 columns"):
        _db.primary_key(Pair)
    with pytest.raises(ImproperlyConfigured, match="not a SQLAlchemy model"):
        _db.mapper(int)
    with pytest.raises(ImproperlyConfigured, match="select\\(Model\\)"):
        _db.statement_model(select(1))  # type: ignore[arg-type]


def record_list_app(tmp_path: Path, **session_options: Any) -> tuple[Cupola, Database, Any]:
    """An app listing its notes as records (a column-only serializer), one page at a time."""
    url = f"sqlite:///{tmp_path / 'notes.db'}"
    if session_options.pop("bound", False):
        session_options["bind"] = create_engine(url)
    app = Cupola(__name__, config={"DATABASE_URL": url, "ALLOWED_HOSTS": ["*"]})
    db = Database(app, session_options=session_options)

    class Note(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        text: Mapped[str] = mapped_column(String(50))

    class NoteSerializer(serializers.ModelSerializer):
        class Meta:
            model = Note
            fields = ["id", "text"]

    class Notes(generics.ListAPIView):
        queryset = select(Note)
        serializer_class = NoteSerializer
        pagination_class = pagination.PageNumberPagination

    app.config["REST"] = {"PAGE_SIZE": 2}
    app.add_url_rule("/notes/", view_func=Notes.as_view("notes"))
    with app.app_context():
        db.create_all()
        db.session.add_all([Note(text=f"note {i}") for i in range(3)])
        db.session.commit()
        db.session.remove()
    return app, db, Note


@pytest.mark.parametrize("options", [{"bound": True}, {"binds": "Note"}, {}])
def test_record_pages_are_read_whatever_the_sessions_bind(
    tmp_path: Path, options: dict[str, Any]
) -> None:
    app, db, note = record_list_app(tmp_path, **{k: v for k, v in options.items() if k == "bound"})
    if "binds" in options:  # a session bound per model: pages run in the session
        with app.app_context():
            db.session.remove()
        engine = create_engine(app.config["DATABASE_URL"])
        db.session.session_factory.configure(binds={note: engine})
    with app.test_client() as client:
        body = client.get("/notes/?page=2").json()
    assert body["count"] == 3
    assert body["results"] == [{"id": 3, "text": "note 2"}]


def test_record_pages_join_a_session_bound_to_a_connection(tmp_path: Path) -> None:
    app, db, note = record_list_app(tmp_path)
    with app.app_context():
        engine = db.engine
    with engine.connect() as connection, app.test_request_context("/notes/"):
        transaction = connection.begin()  # as a test suite wraps each test in a transaction
        connection.execute(note.__table__.insert(), {"text": "unsaved"})
        db.session(bind=connection)
        with _db.reading(note) as reading:
            texts = reading.execute(select(note.text).order_by(note.id)).scalars().all()
        assert texts == ["note 0", "note 1", "note 2", "unsaved"]
        db.session.remove()
        transaction.rollback()
