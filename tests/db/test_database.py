"""Database: CRUD, sessions per context, rollback, atomic requests, errors as 409/503."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from sqlalchemy import ForeignKey, event, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from cupola import Cupola, abort, request
from cupola.db import Database
from cupola.exceptions import ImproperlyConfigured, NotFound

from .conftest import Setup


def crud_routes(s: Setup) -> None:
    app, db, Book = s.app, s.db, s.Book

    @app.post("/books")
    def create() -> Any:
        book = Book(title=request.json["title"])
        db.session.add(book)
        db.session.commit()
        return {"id": book.id, "title": book.title}, 201

    @app.get("/books/<int:book_id>")
    def show(book_id: int) -> Any:
        book = db.get_or_404(Book, book_id, description="No such book.")
        return {"id": book.id, "title": book.title}

    @app.put("/books/<int:book_id>")
    def rename(book_id: int) -> Any:
        book = db.get_or_404(Book, book_id)
        book.title = request.json["title"]
        db.session.commit()
        return {"id": book.id, "title": book.title}

    @app.delete("/books/<int:book_id>")
    def remove(book_id: int) -> Any:
        db.session.delete(db.get_or_404(Book, book_id))
        db.session.commit()
        return "", 204

    @app.get("/search")
    def search() -> Any:
        query = select(Book).where(Book.title == request.args.get("title", ""))
        return {"titles": [b.title for b in db.session.scalars(query)]}


def test_crud(setup: Setup) -> None:
    crud_routes(setup)
    client = setup.app.test_client()
    created = client.post("/books", json={"title": "Dune"})
    assert created.status_code == 201
    book_id = created.json()["id"]
    assert client.get(f"/books/{book_id}").json() == {"id": book_id, "title": "Dune"}
    assert client.put(f"/books/{book_id}", json={"title": "Emma"}).json()["title"] == "Emma"
    assert client.delete(f"/books/{book_id}").status_code == 204
    missing = client.get(f"/books/{book_id}")
    assert missing.status_code == 404
    assert "No such book." in missing.text


def test_table_names_are_snake_case() -> None:
    db = Database()

    class BookReview(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)

    class HTTPLog(db.Model):
        __tablename__ = "logs"
        id: Mapped[int] = mapped_column(primary_key=True)

    class Special(BookReview):  # single-table inheritance: no table of its own
        pass

    assert BookReview.__tablename__ == "book_review"
    assert HTTPLog.__tablename__ == "logs"
    assert Special.__table__ is BookReview.__table__


def test_duplicate_key_is_409_without_sql(setup: Setup) -> None:
    crud_routes(setup)
    client = setup.app.test_client()
    assert client.post("/books", json={"title": "Dune"}).status_code == 201
    duplicate = client.post("/books", json={"title": "Dune"})
    assert duplicate.status_code == 409
    for leak in ("INSERT", "Dune", "UNIQUE", "unique", "book"):
        assert leak not in duplicate.text
    assert client.post("/books", json={"title": "Emma"}).status_code == 201  # recovered


@pytest.mark.parametrize(
    "attack",
    [
        "' OR '1'='1",
        "Dune'; DROP TABLE book; --",
        '" OR 1=1 --',
        "x' UNION SELECT name FROM sqlite_master --",
    ],
)
def test_sql_injection_is_inert(setup: Setup, attack: str) -> None:
    crud_routes(setup)
    client = setup.app.test_client()
    client.post("/books", json={"title": "Dune"})
    assert client.get("/search", query={"title": attack}).json() == {"titles": []}
    assert client.post("/books", json={"title": attack}).status_code == 201
    assert client.get("/search", query={"title": attack}).json() == {"titles": [attack]}
    assert client.get("/search", query={"title": "Dune"}).json() == {"titles": ["Dune"]}


def test_uncommitted_work_is_rolled_back_at_teardown(setup: Setup) -> None:
    app, db, Book = setup.app, setup.db, setup.Book

    @app.post("/fail")
    def fail() -> Any:
        db.session.add(Book(title="Lost"))
        db.session.flush()
        raise RuntimeError("boom")

    @app.post("/forget")
    def forget() -> Any:
        db.session.add(Book(title="Forgotten"))
        db.session.flush()
        return "ok"

    client = app.test_client()
    assert client.post("/fail").status_code == 500
    assert client.post("/forget").status_code == 200
    with app.app_context():
        assert db.session.scalars(select(Book)).all() == []
        assert db.engine.pool.checkedout() == 1  # this context's own session
    with app.app_context():
        assert db.engine.pool.checkedout() == 0


class TestAtomicRequests:
    @pytest.fixture
    def atomic(self, make_setup: Any) -> Setup:
        s: Setup = make_setup(DATABASE_ATOMIC_REQUESTS=True)
        app, db, Book = s.app, s.db, s.Book

        @app.post("/add/<title>")
        def add(title: str) -> Any:
            db.session.add(Book(title=title))
            db.session.flush()
            outcome = request.args.get("then")
            if outcome == "abort":
                abort(400)
            if outcome == "raise":
                raise RuntimeError("boom")
            if outcome == "503":
                return "down", 503
            if outcome == "duplicate":
                db.session.add(Book(title=title))
                db.session.flush()
            return {"added": title}

        @app.errorhandler(400)
        def bad_request(exc: Exception) -> Any:
            db.session.add(Book(title="written by the handler"))
            return "bad", 400

        return s

    def titles(self, s: Setup) -> list[str]:
        with s.app.app_context():
            return sorted(s.db.session.scalars(select(s.Book.title)))

    def test_success_commits_without_commit(self, atomic: Setup) -> None:
        assert atomic.app.test_client().post("/add/a").status_code == 200
        assert self.titles(atomic) == ["a"]

    @pytest.mark.parametrize(("then", "status"), [("raise", 500), ("503", 503), ("duplicate", 409)])
    def test_errors_roll_back(self, atomic: Setup, then: str, status: int) -> None:
        response = atomic.app.test_client().post(f"/add/a?then={then}")
        assert response.status_code == status
        assert self.titles(atomic) == []

    def test_a_raising_view_is_rolled_back_before_its_handler(self, atomic: Setup) -> None:
        assert atomic.app.test_client().post("/add/a?then=abort").status_code == 400
        assert self.titles(atomic) == ["written by the handler"]

    def test_commit_failure_answers_409(self, make_setup: Any) -> None:
        s: Setup = make_setup(DATABASE_ATOMIC_REQUESTS=True)

        @s.app.post("/pair")
        def pair() -> Any:
            s.db.session.add_all([s.Book(title="same"), s.Book(title="same")])
            return "not flushed yet"

        assert s.app.test_client().post("/pair").status_code == 409
        assert self.titles(s) == []


def test_query_helpers(setup: Setup) -> None:
    db, Book = setup.db, setup.Book
    with setup.app.app_context():
        db.session.add_all([Book(title="a"), Book(title="b")])
        db.session.commit()
        assert db.first_or_404(select(Book).order_by(Book.title)).title == "a"
        assert db.one_or_404(select(Book).where(Book.title == "b")).title == "b"
        for helper in (db.first_or_404, db.one_or_404):
            with pytest.raises(NotFound):
                helper(select(Book).where(Book.title == "zzz"))
        with pytest.raises(NotFound):
            db.get_or_404(Book, 999)


def test_needs_a_context() -> None:
    db = Database(Cupola(__name__))
    with pytest.raises(RuntimeError, match="app_context"):
        db.create_all()
    with pytest.raises(RuntimeError, match="app_context"):
        db.session.execute(text("select 1"))


def test_one_database_per_app_and_unknown_app() -> None:
    app = Cupola(__name__)
    db = Database(app)
    db.init_app(app)  # again: nothing happens
    with pytest.raises(ImproperlyConfigured, match="already has a Database"):
        Database(app)
    with Cupola(__name__).app_context(), pytest.raises(ImproperlyConfigured, match="init_app"):
        _ = db.engine


def test_invalid_url_names_the_fix() -> None:
    app = Cupola(__name__, config={"DATABASE_URL": "not a url"})
    db = Database(app)
    with app.app_context(), pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        _ = db.engine


def test_default_is_sqlite_in_the_instance_folder(tmp_path: Any) -> None:
    app = Cupola(__name__, instance_path=str(tmp_path / "instance"))
    db = Database(app)
    with app.app_context():
        assert db.engine.url.database == str(tmp_path / "instance" / "app.db")
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.dispose()


def test_sessions_are_per_context(setup: Setup) -> None:
    app, db = setup.app, setup.db
    seen: list[Session] = []

    def in_thread() -> None:
        with app.app_context():
            seen.append(db.session())

    with app.app_context():
        mine = db.session()
        assert db.session() is mine
        thread = threading.Thread(target=in_thread)
        thread.start()
        thread.join()
        with app.app_context():
            assert db.session() is not mine
        assert db.session() is mine
    assert seen[0] is not mine


def test_async_view_and_sync_hooks_share_the_session(setup: Setup) -> None:
    app, db, Book = setup.app, setup.db, setup.Book

    @app.before_request
    def stage() -> None:
        db.session.add(Book(title=request.args["title"]))

    @app.get("/async")
    async def view() -> Any:
        await asyncio.sleep(0)
        db.session.commit()
        return {"n": len(db.session.scalars(select(Book)).all())}

    for protocol in ("wsgi", "asgi"):
        with app.test_client(protocol) as client:
            assert client.get("/async", query={"title": protocol}).status_code == 200
    with app.app_context():
        assert sorted(db.session.scalars(select(Book.title))) == ["asgi", "wsgi"]


def test_session_options_for_this_context(setup: Setup) -> None:
    with setup.app.app_context():
        session = setup.db.session(autoflush=False)
        assert session.autoflush is False and setup.db.session() is session
        setup.db.session.add(setup.Book(title="a"))
        setup.db.session.commit()
        assert setup.db.session.scalars(select(setup.Book.title)).all() == ["a"]


def test_joined_inheritance_gets_its_own_table() -> None:
    db = Database()

    class Person(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        kind: Mapped[str]
        __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "person"}

    class Employee(Person):
        id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
        __mapper_args__ = {"polymorphic_identity": "employee"}

    assert Employee.__tablename__ == "employee"


def test_in_memory_sqlite_is_shared_by_sessions() -> None:
    app = Cupola(__name__, config={"DATABASE_URL": "sqlite://"})
    db = Database(app)

    class Note(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)

    with app.app_context():
        db.create_all()
        db.session.add(Note(id=1))
        db.session.commit()
    with app.app_context():
        assert db.session.get(Note, 1) is not None
        db.dispose()


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"DATABASE_URL": "mysql+notadriver://x/y"}, "driver"),
        ({"DATABASE_URL": "postgresql+pg8000://x/y"}, "driver"),
        ({"DATABASE_URL": "sqlite://", "DATABASE_ENGINE_OPTIONS": {"bogus": 1}}, "option"),
    ],
)
def test_engine_errors_name_the_fix(config: dict[str, Any], message: str) -> None:
    app = Cupola(__name__, config=config)
    db = Database(app)
    with app.app_context(), pytest.raises(ImproperlyConfigured, match=message):
        _ = db.engine


def test_public_names() -> None:
    import cupola.db

    assert cupola.db.__all__ == [
        "NAMING_CONVENTION",
        "Database",
        "Pagination",
        "SnakeCaseTableName",
        "get_database",
    ]


def test_get_database_finds_the_apps_database() -> None:
    from cupola.db import get_database

    app = Cupola(__name__)
    with pytest.raises(ImproperlyConfigured, match="has no Database"):
        get_database(app)
    db = Database(app)
    assert get_database(app) is db


def test_a_closed_session_serves_the_next_request_only_as_new(setup: Setup) -> None:
    app, db, Book = setup.app, setup.db, setup.Book
    seen: list[tuple[Session, int, bool]] = []

    @app.get("/s/<action>")
    def view(action: str) -> Any:
        session = db.session()
        seen.append((session, len(session.identity_map), session.in_transaction()))
        session.add(Book(title=f"{action}-{len(seen)}"))
        session.flush()  # pending work, never committed: rolled back at teardown
        if action == "info":
            session.info["user"] = "alice"
        elif action == "option":
            session.autoflush = False
        elif action == "listener":
            event.listen(session, "before_flush", lambda *args: None)
        return {}

    with app.test_client() as client:
        for action in ("plain", "plain", "info", "after", "option", "after", "listener", "after"):
            assert client.get(f"/s/{action}").status_code == 200
    sessions = [session for session, _, _ in seen]
    assert sessions[1] is sessions[0]  # closed at teardown, then reused
    assert sessions[3] is not sessions[2]  # a request's info never reaches the next one
    assert sessions[5] is not sessions[4] and sessions[5].autoflush is True
    assert sessions[7] is not sessions[6]
    assert all(count == 0 and not begun for _, count, begun in seen)
    with app.app_context():
        assert db.session.scalars(select(Book)).all() == []


def test_get_or_404_is_session_get(setup: Setup) -> None:
    db, Book = setup.db, setup.Book
    statements: list[str] = []
    with setup.app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        db.session.add_all([Book(id=1, title="a"), Book(id=2, title="b")])
        db.session.commit()  # every object expired
        book = db.get_or_404(Book, 1)  # expired: refreshed through the identity map
        assert book.title == "a"
        statements.clear()
        assert db.get_or_404(Book, 1) is book and statements == []  # identity map, no SQL
        assert db.get_or_404(Book, "1") is book  # the key's type coerces the value
        db.session.add(Book(id=3, title="pending"))
        assert db.get_or_404(Book, 3).title == "pending"  # autoflushed first
        db.session.delete(db.get_or_404(Book, 2))
        db.session.flush()
        for missing in (2, 999):
            with pytest.raises(NotFound):
                db.get_or_404(Book, missing)
        db.session.rollback()
        assert db.get_or_404(Book, 2).title == "b"
        with pytest.raises(NotFound):
            db.get_or_404(Book, {"id": 999})  # other identifier forms: session.get itself
        assert db.get_or_404(Book, (1,)) is book


def test_get_or_404_loads_subclasses(database_url: str) -> None:
    app = Cupola(__name__, config={"DATABASE_URL": database_url})
    db = Database(app)

    class Person(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        kind: Mapped[str]
        __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "person"}

    class Employee(Person):
        id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
        __mapper_args__ = {"polymorphic_identity": "employee"}

    with app.app_context():
        db.create_all()
        try:
            db.session.add_all([Person(id=1), Employee(id=2)])
            db.session.commit()
            db.session.expunge_all()
            assert type(db.get_or_404(Person, 2)) is Employee
            db.session.expunge_all()
            assert type(db.get_or_404(Employee, 2)) is Employee
            with pytest.raises(NotFound):
                db.get_or_404(Employee, 1)
        finally:
            db.session.remove()
            db.drop_all()
            db.dispose()
