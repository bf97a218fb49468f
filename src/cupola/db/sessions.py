"""Server-side sessions in the app's database: ``SESSION_BACKEND = "database"``.

:class:`DatabaseStore` keeps each session as one row of the ``cupola_session`` table (id,
data, expiry as Unix seconds), created on first use. Expired rows are never returned and are
purged as the store is written to. It writes on its own connection, outside ``db.session``,
so a request whose transaction rolls back still keeps its session, and it shares sessions
between every process that uses the same database, as the Redis store does.

The table is not one of ``db.Model``'s, so migrations leave it alone.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    Connection,
    Float,
    LargeBinary,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.mysql import LONGBLOB

from cupola.exceptions import ImproperlyConfigured
from cupola.sessions.stores import SWEEP_INTERVAL, SessionStore

if TYPE_CHECKING:
    from cupola.db.database import Database
    from cupola.types import Application

__all__ = ["TABLE_NAME", "DatabaseStore"]

#: The table that holds the sessions.
TABLE_NAME = "cupola_session"

#: Session bytes: MySQL's plain ``BLOB`` stops at 64 KiB, so it gets a ``LONGBLOB`` there.
SESSION_DATA = LargeBinary().with_variant(LONGBLOB(), "mysql", "mariadb")

metadata = MetaData()
sessions_table = Table(
    TABLE_NAME,
    metadata,
    Column("id", String(64), primary_key=True),
    Column("data", SESSION_DATA, nullable=False),
    Column("expires", Float, nullable=False, index=True),
)


class DatabaseStore(SessionStore):
    """Sessions in a table of the app's database.

    Args:
        db: The app's :class:`~cupola.db.Database`; its engine is the current app's.
        clock: Seconds since the epoch (tests pass a fake one); shared by every process,
            so it must be wall-clock time.

    Example:
        >>> app.config["SESSION_BACKEND"] = "database"  # doctest: +SKIP
    """

    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self._clock = clock
        self._lock = threading.Lock()
        self._created: set[int] = set()  # engines whose table is known to exist
        self._next_sweep = clock() + SWEEP_INTERVAL

    @classmethod
    def for_app(cls, app: Application | None) -> DatabaseStore:
        """The store for ``app``'s :class:`~cupola.db.Database`.

        Raises:
            ImproperlyConfigured: When the app has no database.
        """
        db = app.extensions.get("cupola.db") if app is not None else None
        if db is None:
            raise ImproperlyConfigured(
                "SESSION_BACKEND = 'database' needs a database: create Database(app) first."
            )
        return cls(db)

    def _connect(self) -> Any:
        engine = self.db.engine
        if id(engine) not in self._created:
            with self._lock:
                metadata.create_all(engine, checkfirst=True)
                self._created.add(id(engine))
        return engine.begin()

    def get(self, sid: str) -> bytes | None:
        """Return the data stored under ``sid``, or ``None`` when missing or expired."""
        query = select(sessions_table.c.data).where(
            sessions_table.c.id == sid, sessions_table.c.expires > self._clock()
        )
        with self._connect() as connection:
            data: bytes | None = connection.execute(query).scalar_one_or_none()
        return data

    def set(self, sid: str, data: bytes, ttl: int) -> None:
        """Store ``data`` under ``sid`` for ``ttl`` seconds."""
        now = self._clock()
        values = {"data": data, "expires": now + ttl}
        with self._connect() as connection:
            self._upsert(connection, sid, values)
            if now >= self._next_sweep:
                # Abandoned sessions are never asked for again; without a purge they pile up.
                self._next_sweep = now + SWEEP_INTERVAL
                connection.execute(delete(sessions_table).where(sessions_table.c.expires <= now))

    def _upsert(self, connection: Connection, sid: str, values: dict[str, Any]) -> None:
        changed = connection.execute(
            update(sessions_table).where(sessions_table.c.id == sid).values(values)
        )
        if not changed.rowcount:
            # NOTE: a new id is 256 random bits, so no other request inserts it meanwhile.
            connection.execute(insert(sessions_table).values(id=sid, **values))

    def delete(self, sid: str) -> None:
        """Remove ``sid`` (nothing happens when it is missing)."""
        with self._connect() as connection:
            connection.execute(delete(sessions_table).where(sessions_table.c.id == sid))

    def touch(self, sid: str, ttl: int) -> None:
        """Let ``sid`` live ``ttl`` seconds from now, without rewriting its data."""
        now = self._clock()
        query = (
            update(sessions_table)
            .where(sessions_table.c.id == sid, sessions_table.c.expires > now)
            .values(expires=now + ttl)
        )
        with self._connect() as connection:
            connection.execute(query)
