"""Creating an app's SQLAlchemy engine from its ``DATABASE_*`` configuration.

``DATABASE_URL`` names the database; without it the app gets a SQLite file in its instance
folder, as does a relative SQLite path. SQLite connections run in WAL mode (readers do not
block the writer) with foreign keys enforced. Server databases get a connection pool sized by
configuration, whose connections are checked before use so that the app recovers by itself
after the database restarts. MySQL and MariaDB connections speak ``utf8mb4`` (all of Unicode)
unless the URL names a charset, and are replaced before the server's idle timeout drops them.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.exc import NoSuchModuleError
from sqlalchemy.pool import StaticPool

from cupola.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from cupola.types import Application

__all__ = ["create_app_async_engine", "create_app_engine", "database_url", "is_async"]

#: The synchronous driver used for ``db.session`` and migrations when the URL names an
#: asyncio one (which only ``db.async_session`` uses).
SYNC_DRIVERS = {
    "aiosqlite": "pysqlite",
    "asyncpg": "psycopg",
    "psycopg_async": "psycopg",
    "aiomysql": "pymysql",
    "asyncmy": "pymysql",
}

#: The SQLite file used when ``DATABASE_URL`` is not set, in the app's instance folder.
DEFAULT_FILENAME = "app.db"

#: Seconds after which a pooled MySQL/MariaDB connection is replaced when
#: ``DATABASE_POOL_RECYCLE`` is not set: well below the server's default ``wait_timeout``
#: (8 hours), after which it drops idle connections ("MySQL server has gone away"). The
#: pre-ping covers servers configured with a shorter timeout.
MYSQL_POOL_RECYCLE = 3600

_MYSQL_BACKENDS = frozenset({"mysql", "mariadb"})


def database_url(app: Application) -> URL:
    """The URL of the app's database, a relative SQLite path resolved in the instance folder.

    Raises:
        ImproperlyConfigured: When ``DATABASE_URL`` is not a valid database URL.
    """
    raw = app.config.get("DATABASE_URL") or f"sqlite:///{DEFAULT_FILENAME}"
    try:
        url = make_url(raw)
    except Exception as exc:  # sqlalchemy raises ArgumentError and ValueError alike
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a database URL ({exc}); use e.g. 'sqlite:///app.db' or "
            "'postgresql+psycopg://user:password@host/name'."
        ) from None
    database = url.database or ""
    sqlite_file = url.get_backend_name() == "sqlite" and not _in_memory(url)
    if sqlite_file and not os.path.isabs(database):
        os.makedirs(app.instance_path, exist_ok=True)
        url = url.set(database=os.path.join(app.instance_path, database))
    if url.get_backend_name() in _MYSQL_BACKENDS and "charset" not in url.query:
        # NOTE: MySQL's "utf8" holds three bytes a character at most: no emoji, no rare CJK.
        url = url.update_query_dict({"charset": "utf8mb4"})
    return url


def _in_memory(url: URL) -> bool:
    database = url.database or ""
    return database in ("", ":memory:") or url.query.get("mode") == "memory"


def _engine_options(app: Application, url: URL) -> dict[str, Any]:
    config = app.config
    options: dict[str, Any] = {"echo": bool(config.get("DATABASE_ECHO"))}
    if url.get_backend_name() == "sqlite":
        if _in_memory(url):
            # One shared connection, or every session would see its own empty database.
            options.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
            return options | dict(config.get("DATABASE_ENGINE_OPTIONS") or {})
    else:
        # NOTE: a file needs no liveness check; a server may have restarted since.
        options["pool_pre_ping"] = True
    pool = {
        "pool_size": config.get("DATABASE_POOL_SIZE"),
        "max_overflow": config.get("DATABASE_MAX_OVERFLOW"),
        "pool_timeout": config.get("DATABASE_POOL_TIMEOUT"),
        "pool_recycle": config.get("DATABASE_POOL_RECYCLE"),
    }
    if pool["pool_recycle"] is None and url.get_backend_name() in _MYSQL_BACKENDS:
        pool["pool_recycle"] = MYSQL_POOL_RECYCLE
    options.update({key: value for key, value in pool.items() if value is not None})
    return options | dict(config.get("DATABASE_ENGINE_OPTIONS") or {})


def is_async(url: URL) -> bool:
    """Whether ``url`` names an asyncio driver (``sqlite+aiosqlite``, ``postgresql+asyncpg``)."""
    return url.get_driver_name() in SYNC_DRIVERS


def _sync(url: URL) -> URL:
    if not is_async(url):
        return url
    return url.set(drivername=f"{url.get_backend_name()}+{SYNC_DRIVERS[url.get_driver_name()]}")


def create_app_engine(app: Application) -> Engine:
    """Create the (synchronous) engine ``app``'s configuration describes.

    An asyncio URL gets the same database through the matching synchronous driver.

    Raises:
        ImproperlyConfigured: For an invalid URL, or a driver that is not installed.
    """
    url = _sync(database_url(app))
    try:
        engine = create_engine(url, **_engine_options(app, url))
    except (ImportError, NoSuchModuleError) as exc:
        raise ImproperlyConfigured(
            f"The database driver for {url.drivername!r} is not installed ({exc}); for "
            "PostgreSQL: pip install 'cupola[postgres]' and use 'postgresql+psycopg://'; for "
            "MySQL or MariaDB: pip install 'cupola[mysql]' and use 'mysql+pymysql://'."
        ) from None
    except TypeError as exc:
        raise ImproperlyConfigured(f"Invalid DATABASE_* engine option: {exc}") from None
    _listen(engine, url)
    return engine


def create_app_async_engine(app: Application) -> AsyncEngine:
    """Create the asyncio engine for ``db.async_session``.

    Raises:
        ImproperlyConfigured: When ``DATABASE_URL`` names no asyncio driver.
    """
    url = database_url(app)
    if url.get_backend_name() == "postgresql" and url.get_driver_name() == "psycopg":
        url = url.set(drivername="postgresql+psycopg_async")  # psycopg 3 does both
    elif url.get_backend_name() in _MYSQL_BACKENDS and url.get_driver_name() == "pymysql":
        url = url.set(drivername=f"{url.get_backend_name()}+aiomysql")  # PyMySQL's asyncio twin
    if not is_async(url):
        raise ImproperlyConfigured(
            f"db.async_session needs an asyncio driver, and {url.drivername!r} is not one: "
            "use 'sqlite+aiosqlite:///…' (pip install 'cupola[asyncio]'), "
            "'postgresql+psycopg://…', 'postgresql+asyncpg://…' or 'mysql+pymysql://…'."
        )
    try:
        from sqlalchemy.ext.asyncio import create_async_engine

        engine = create_async_engine(url, **_engine_options(app, url))
    except (ImportError, NoSuchModuleError) as exc:
        raise ImproperlyConfigured(
            f"The database driver for {url.drivername!r} is not installed ({exc})."
        ) from None
    _listen(engine.sync_engine, url)
    return engine


def _listen(engine: Engine, url: URL) -> None:
    if url.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas(wal=not _in_memory(url)))


def _sqlite_pragmas(*, wal: bool) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            if wal:
                cursor.execute("PRAGMA journal_mode=WAL")
        finally:
            cursor.close()

    return on_connect
