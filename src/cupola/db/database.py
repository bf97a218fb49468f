"""``Database``: SQLAlchemy 2 for a Cupola app, in the manner of Flask-SQLAlchemy.

``db = Database(app)`` (or ``db.init_app(app)`` in an app factory) gives the app an engine
built from its ``DATABASE_*`` configuration, a declarative base ``db.Model``, and
``db.session``, a session per request that teardown closes (rolling back whatever was not
committed). With ``DATABASE_ATOMIC_REQUESTS`` every request is one transaction, committed
when the response is not a server error and the view did not raise. Everything that reaches
the database needs an app or request context, which tells it which app's engine to use.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Callable, Coroutine
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine, Select, bindparam, inspect, select
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import DeclarativeBase, Mapper, Session, sessionmaker

from cupola.concurrency import run_coroutine
from cupola.context import get_app_context
from cupola.db.engines import create_app_async_engine, create_app_engine
from cupola.db.errors import AtomicRequestsMiddleware, register_error_handlers
from cupola.db.model import make_model_class
from cupola.db.pagination import Pagination, paginate
from cupola.db.session import ContextScopedSession
from cupola.exceptions import ImproperlyConfigured, NotFound

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from cupola.db.aio import AsyncContextScopedSession
    from cupola.http.response import Response
    from cupola.types import Application, ExtensibleApplication

__all__ = ["EXTENSION", "Database", "get_database"]

#: The key under which an app's ``extensions`` hold its :class:`Database`.
EXTENSION = "cupola.db"

T = TypeVar("T")
E = TypeVar("E")

#: The bound primary key value of the statements of :meth:`Database.get_or_404`.
_KEY = "cupola_primary_key"


class Database:
    """SQLAlchemy for one or more Cupola apps.

    Args:
        app: The app to set up now; or call :meth:`init_app` later.
        model_class: A ``DeclarativeBase`` subclass to use as ``db.Model`` (its metadata
            holds the tables); by default a fresh base with snake_case table names.
        session_options: Extra arguments for every ``Session`` (``expire_on_commit``...).

    Example:
        >>> from sqlalchemy.orm import Mapped, mapped_column
        >>> db = Database()
        >>> class Author(db.Model):
        ...     id: Mapped[int] = mapped_column(primary_key=True)
        ...     name: Mapped[str]
        >>> Author.__tablename__
        'author'
    """

    def __init__(
        self,
        app: ExtensibleApplication | None = None,
        *,
        model_class: type[DeclarativeBase] | None = None,
        session_options: dict[str, Any] | None = None,
    ) -> None:
        self.Model = make_model_class(model_class)
        self._engines: weakref.WeakKeyDictionary[Application, Engine] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        self._session_options = session_options or {}
        #: The session of the active request or app context (a ``scoped_session``).
        self.session = ContextScopedSession(
            sessionmaker(**self._session_options), lambda: self.engine
        )
        self._async_engines: weakref.WeakKeyDictionary[Application, AsyncEngine] = (
            weakref.WeakKeyDictionary()
        )
        self._by_key: dict[Any, tuple[Mapper[Any], Select[Any]] | None] = {}
        if app is not None:
            self.init_app(app)

    def __repr__(self) -> str:
        return f"<Database {len(self._engines)} app(s)>"

    def init_app(self, app: ExtensibleApplication) -> None:
        """Set up ``app``: session teardown, atomic requests and error responses.

        Raises:
            ImproperlyConfigured: When another ``Database`` is set up on ``app``.
        """
        current = app.extensions.get(EXTENSION)
        if current is self:
            return
        if current is not None:
            raise ImproperlyConfigured(
                "This app already has a Database; one Database serves an app (it can hold "
                "every model)."
            )
        app.extensions[EXTENSION] = self
        app.after_request(self._commit_atomic)
        app.teardown_request(self._teardown)
        app.add_middleware(AtomicRequestsMiddleware)
        register_error_handlers(app, self)

        async def close_async_engine() -> None:
            # Asyncio connections must be closed on the loop that opened them: the server's.
            engine = self._async_engines.pop(app, None)
            if engine is not None:
                await engine.dispose()

        app.on_shutdown(close_async_engine)

    @cached_property
    def async_session(self) -> AsyncContextScopedSession:
        """The ``AsyncSession`` of the active context, for async views (an asyncio URL).

        Raises:
            ImproperlyConfigured: When SQLAlchemy's asyncio support is not installed.
        """
        try:
            from sqlalchemy.ext.asyncio import async_sessionmaker

            from cupola.db.aio import AsyncContextScopedSession
        except ImportError as exc:
            raise ImproperlyConfigured(
                f"db.async_session needs SQLAlchemy's asyncio support ({exc}): "
                "pip install 'cupola[asyncio]'."
            ) from None
        factory = async_sessionmaker(**self._session_options)
        return AsyncContextScopedSession(factory, lambda: self.async_engine)

    # -- engine and tables ------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        """The current app's engine, created from its configuration on first use.

        Raises:
            RuntimeError: Outside an app or request context.
            ImproperlyConfigured: When the current app was not set up with this database.
        """
        app = get_app_context().app
        engine: Engine | None = self._engines.get(app)
        if engine is None:
            engine = self._create_engine(app, self._engines, create_app_engine)
        return engine

    @property
    def async_engine(self) -> AsyncEngine:
        """The current app's asyncio engine (``DATABASE_URL`` names an asyncio driver).

        Raises:
            RuntimeError: Outside an app or request context.
            ImproperlyConfigured: When the URL's driver is not an asyncio one.
        """
        app = get_app_context().app
        engine: AsyncEngine | None = self._async_engines.get(app)
        if engine is None:
            engine = self._create_engine(app, self._async_engines, create_app_async_engine)
        return engine

    def _create_engine(
        self,
        app: Application,
        engines: weakref.WeakKeyDictionary[Application, E],
        create: Callable[[Application], E],
    ) -> E:
        if app.extensions.get(EXTENSION) is not self:
            raise ImproperlyConfigured(
                f"{app!r} was not set up with this Database: call db.init_app(app)."
            )
        with self._lock:  # two first requests at once must not build two pools
            engine = engines.get(app)
            if engine is None:
                engine = engines[app] = create(app)
        return engine

    def dispose(self) -> None:
        """Close this context's session and the app's pooled connections (before forking).

        Call it outside an event loop; an ASGI server's shutdown closes asyncio connections.
        """
        self.session.remove()
        self.engine.dispose()
        engine = self._async_engines.pop(get_app_context().app, None)
        if engine is not None:  # its connections belong to this thread's loop (WSGI)
            run_coroutine(engine.dispose())

    def create_all(self) -> None:
        """Create every table of ``db.Model`` that does not exist yet (app context needed)."""
        self.Model.metadata.create_all(self.engine)

    def drop_all(self) -> None:
        """Drop every table of ``db.Model`` (app context needed)."""
        self.Model.metadata.drop_all(self.engine)

    # -- request lifecycle ------------------------------------------------------------------

    def _commit_atomic(self, response: Response) -> Response:
        registry = self.session.registry
        if not get_app_context().app.config["DATABASE_ATOMIC_REQUESTS"] or not registry.has():
            return response
        session = registry()
        if response.status_code >= 500:
            session.rollback()
            return response
        try:
            session.commit()
        except Exception:
            session.rollback()
            raise
        return response

    def _teardown(self, exc: BaseException | None) -> Coroutine[Any, Any, None] | None:
        self.session.remove()
        if "async_session" not in self.__dict__:  # PERF: never used, never created
            return None
        closing = self.async_session.release()
        if closing is None:
            return None
        # NOTE: a sync hook keeps sync routes sync. On the loop of an async route, the
        # pipeline awaits what a teardown hook returns; elsewhere (a sync route that made
        # an AsyncSession) the close runs on this thread's loop.
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            run_coroutine(closing)
            return None
        return closing

    # -- queries for views -------------------------------------------------------------------

    def get_or_404(self, entity: type[T], ident: Any, *, description: str | None = None) -> T:
        """Return the ``entity`` row with primary key ``ident``, or answer 404.

        Raises:
            NotFound: When there is no such row.
        """
        row = self._get(self.session(), entity, ident)
        if row is None:
            raise NotFound(description)
        return row

    def _get(self, session: Session, entity: type[T], ident: Any) -> T | None:
        """``session.get(entity, ident)``, the same row by one statement per entity.

        PERF: ``session.get`` builds a new statement and its cache key on each call (about
        40 us on SQLite). For a one-column primary key not in the identity map, the same
        select by a bound key does the same work with the statement built once.
        """
        try:
            by_key = self._by_key[entity]
        except KeyError:
            by_key = self._by_key[entity] = _select_by_key(entity)
        if by_key is None or ident is None or isinstance(ident, tuple | list | dict):
            return session.get(entity, ident)
        mapper, statement = by_key
        if mapper.identity_key_from_primary_key((ident,)) in session.identity_map:
            return session.get(entity, ident)  # no SQL, or a refresh when expired
        row: T | None = session.scalars(statement, {_KEY: ident}).one_or_none()
        return row

    def first_or_404(self, statement: Select[Any], *, description: str | None = None) -> Any:
        """Return the first result of ``statement``, or answer 404.

        Raises:
            NotFound: When there are no results.
        """
        row = self.session.scalars(statement).first()
        if row is None:
            raise NotFound(description)
        return row

    def one_or_404(self, statement: Select[Any], *, description: str | None = None) -> Any:
        """Return the only result of ``statement``, or answer 404.

        Raises:
            NotFound: When there are no results.
            sqlalchemy.exc.MultipleResultsFound: When there are several.
        """
        try:
            return self.session.scalars(statement).one()
        except NoResultFound:
            raise NotFound(description) from None

    def paginate(
        self,
        statement: Select[Any],
        *,
        page: int | None = None,
        per_page: int | None = None,
        max_per_page: int | None = None,
        error_out: bool = True,
        count: bool = True,
    ) -> Pagination:
        """Return one page of ``statement``'s results.

        Args:
            statement: A ``select()``; give it an ``order_by`` so that pages are stable.
            page: The page number, from 1; by default the ``page`` query argument, else 1.
            per_page: Items per page; by default the ``per_page`` query argument, else 20.
            max_per_page: The most items a page may hold, whatever ``per_page`` asks.
            error_out: Answer 404 for a page or ``per_page`` that is not a whole number or
                is below 1, and for a page past the last; otherwise fall back to the
                defaults (and an empty page past the last).
            count: Count all rows (one more query) to fill ``total`` and ``pages``.

        Raises:
            NotFound: With ``error_out``, for an invalid or out-of-range page.

        Example:
            >>> page = db.paginate(select(Book).order_by(Book.id))  # doctest: +SKIP
        """
        return paginate(
            self.session(),
            statement,
            page=page,
            per_page=per_page,
            max_per_page=max_per_page,
            error_out=error_out,
            count=count,
        )


def get_database(app: Application) -> Database:
    """The :class:`Database` set up on ``app`` (for batteries that query the app's models).

    Raises:
        ImproperlyConfigured: When no ``Database`` was set up on ``app``.
    """
    database = app.extensions.get(EXTENSION)
    if not isinstance(database, Database):
        raise ImproperlyConfigured(
            f"{app!r} has no Database: create one with db = Database(app) (or "
            "db.init_app(app)) before using its models here."
        )
    return database


def _select_by_key(entity: Any) -> tuple[Mapper[Any], Select[Any]] | None:
    """The mapper of ``entity`` and its select by a bound primary key, if one column."""
    mapper = inspect(entity, raiseerr=False)
    if not isinstance(mapper, Mapper) or len(mapper.primary_key) != 1:
        return None
    column = mapper.primary_key[0]
    return mapper, select(entity).where(column == bindparam(_KEY, type_=column.type))
