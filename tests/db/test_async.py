"""db.async_session: an AsyncSession per context for async views, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, make_url, select

from cupola import Cupola
from cupola.db import Database
from cupola.exceptions import ImproperlyConfigured

from .conftest import Setup, build


@pytest.fixture
def async_setup(database_url: str) -> Any:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        url = url.set(drivername="sqlite+aiosqlite")
    s = build(url.render_as_string(hide_password=False))
    with s.app.app_context():
        s.db.create_all()  # through the synchronous driver
    yield s
    with s.app.app_context():
        s.db.drop_all()
        s.db.dispose()


@pytest.mark.parametrize("protocol", ["wsgi", "asgi"])
def test_async_views_use_the_async_session(async_setup: Setup, protocol: str) -> None:
    s = async_setup
    db, Book = s.db, s.Book

    @s.app.post("/books/<title>")
    async def add(title: str) -> Any:
        db.async_session.add(Book(title=title))
        await db.async_session.commit()
        return {"count": await db.async_session.scalar(select(func.count()).select_from(Book))}

    @s.app.get("/books")
    def listing() -> Any:  # a sync view reads the same database through db.session
        return {"titles": sorted(db.session.scalars(select(Book.title)))}

    with s.app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert client.post("/books/a").json() == {"count": 1}
        assert client.post("/books/b").json() == {"count": 2}
        assert client.get("/books").json() == {"titles": ["a", "b"]}
        assert client.post("/books/a").status_code == 409
    with s.app.app_context():
        assert db.async_engine.sync_engine.pool.checkedout() == 0


def test_a_sync_url_has_no_async_session() -> None:
    app = Cupola(__name__, config={"DATABASE_URL": "sqlite://"})
    db = Database(app)
    with app.app_context(), pytest.raises(ImproperlyConfigured, match="asyncio driver"):
        db.async_session()


def test_the_async_session_takes_options_when_first_made(async_setup: Setup) -> None:
    s = async_setup

    @s.app.get("/options")
    async def options() -> Any:
        session = s.db.async_session(expire_on_commit=False)
        assert s.db.async_session() is session  # later calls get the same session
        return {"expire_on_commit": session.sync_session.expire_on_commit}

    with s.app.test_client("asgi") as client:
        assert client.get("/options").json() == {"expire_on_commit": False}
