"""How the REST toolkit reaches the database: the current app's session and model facts.

Serializers, validators and generic views run their statements on ``session()``, the
``db.session`` of the ``Database`` set up on the current app, so they work in a request and
in ``app.app_context()`` alike. ``primary_key`` and ``verbose_name`` give the facts DRF
takes from Django's model ``_meta``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Column, Connection, Engine, Select, inspect
from sqlalchemy.orm import Mapper, Session

from cupola.context import get_app_context
from cupola.db.database import get_database
from cupola.exceptions import ImproperlyConfigured

__all__ = [
    "idle_engine",
    "primary_key",
    "primary_key_name",
    "reading",
    "session",
    "statement_model",
    "verbose_name",
]


def session() -> Session:
    """The current app's ``db.session`` (the session of this request or app context).

    Raises:
        RuntimeError: Outside an app or request context.
        ImproperlyConfigured: When the app has no ``Database``.
    """
    # PERF: the registry is what db.session() without arguments returns, without its two
    # wrappers.
    return get_database(get_app_context().app).session.registry()


#: Session events of its transaction's life: with a listener, statements always run in the
#: session's transaction, never on a connection of their own.
_TRANSACTION_EVENTS = (
    "after_transaction_create",
    "after_transaction_end",
    "after_begin",
    "before_commit",
    "after_commit",
    "after_rollback",
    "after_soft_rollback",
)


def idle_engine(current: Session, model: Any) -> Engine | None:
    """The engine of ``model`` when ``current`` has no transaction open, else ``None``.

    Statements then may run in a transaction of their own on one of the engine's
    connections, as they would in the session's next transaction, without the session's
    transaction to begin and end. ``None`` too for a session bound to a connection (its
    statements join that connection's transaction) or with transaction listeners.
    """
    if current.in_transaction():
        return None
    bind = current.get_bind(mapper=model)
    if not isinstance(bind, Engine):
        return None
    return None if _listens_to_transactions(current) else bind


def _unopened_engine() -> Engine | None:
    """The engine of the session this context would open, while it has none open.

    ``None`` when the context has a session, or when a new one could bind elsewhere
    (``binds``/``bind`` session options) or listens to its transactions.
    """
    scoped = get_database(get_app_context().app).session
    if scoped.registry.has():
        return None
    options = scoped.session_factory.kw
    if options.get("bind") is not None or options.get("binds"):
        return None
    return None if _listens_to_transactions(scoped.blank()) else scoped.bound_engine()


#: The listeners of those events on a session's dispatcher, read in one call.
_transaction_listeners = operator.attrgetter(*_TRANSACTION_EVENTS)


def _listens_to_transactions(current: Session) -> bool:
    return any(_transaction_listeners(current.dispatch))


@contextmanager
def reading(model: Any) -> Iterator[Connection]:
    """A connection to read rows of ``model`` with: the session's, or one of its own.

    PERF: with no session open in this context, or the session idle (see
    :func:`idle_engine`), Core reads run on a connection of the engine, closed afterwards:
    no session is opened for them, nor its transaction begun.
    """
    engine = _unopened_engine()
    if engine is None:
        current = session()
        engine = idle_engine(current, model)
        if engine is None:
            yield current.connection()
            return
    with engine.connect() as connection:
        yield connection


def mapper(model: Any) -> Mapper[Any]:
    """The SQLAlchemy mapper of ``model``.

    Raises:
        ImproperlyConfigured: When ``model`` is not a mapped class.
    """
    found = inspect(model, raiseerr=False)
    if not isinstance(found, Mapper):
        raise ImproperlyConfigured(f"{model!r} is not a SQLAlchemy model (a mapped class).")
    return found


def primary_key(model: Any) -> Column[Any]:
    """The single primary-key column of ``model``.

    Raises:
        ImproperlyConfigured: For a model whose primary key spans several columns.
    """
    columns = mapper(model).primary_key
    if len(columns) != 1:
        raise ImproperlyConfigured(
            f"{model.__name__} has a primary key of {len(columns)} columns; the REST toolkit "
            "needs one (add a surrogate key, or override get_object())."
        )
    column: Column[Any] = columns[0]  # type: ignore[assignment] # mapped tables have Columns
    return column


def primary_key_name(model: Any) -> str:
    """The attribute name of ``model``'s primary key (``"id"``)."""
    return mapper(model).get_property_by_column(primary_key(model)).key


def statement_model(statement: Select[Any]) -> Any:
    """The model a ``select(Model)`` statement selects.

    Raises:
        ImproperlyConfigured: When the statement selects no mapped class.
    """
    for description in statement.column_descriptions:
        entity = description.get("entity")
        if entity is not None:
            return entity
    raise ImproperlyConfigured(f"A queryset must be select(Model); got {statement}.")


_WORD_START = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=.)(?=[A-Z][^A-Z])")


def verbose_name(model: Any) -> str:
    """The model's name for messages, as Django derives it: ``ReadingList`` → ``reading list``."""
    return _WORD_START.sub(" ", model.__name__).lower()
