"""``cupola.rest._db``: the current app's session and the model facts REST messages need."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Mapped, mapped_column

from cupola import Cupola
from cupola.db import Database, get_database
from cupola.exceptions import ImproperlyConfigured
from cupola.rest import _db


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
