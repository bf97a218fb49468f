"""Saving a new plain row with one Core ``INSERT`` instead of the ORM's flush.

``ModelSerializer.create`` builds a model instance and commits it. When nothing the ORM's
unit of work adds is needed (one table, column values only, no flush or insert listeners,
nothing else pending in the session), the row is inserted on the session's connection and
the instance attached to the session as persistent, as a flush would leave it: the same
``INSERT`` statement and the same state (new key and Python-side defaults set; server
defaults read by ``RETURNING`` where the backend has it, else expired), at a fraction of a
flush's cost. Anything else goes through ``session.add()`` and ``flush()``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Column, Connection, Engine, Insert, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.default import DefaultDialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapper, Session, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state, set_committed_value

from cupola.rest import _db

__all__ = ["insert", "insert_committed"]

#: Session events a Core INSERT would not fire: with a listener, saving flushes.
_SESSION_EVENTS = (
    "before_flush",
    "after_flush",
    "after_flush_postexec",
    "before_attach",
    "after_attach",
    "transient_to_pending",
    "pending_to_persistent",
    "detached_to_persistent",
)
#: Engine and dialect events a Core INSERT and commit fire: with a listener (the SQL
#: panel's, say), the row is never written on the DBAPI connection directly.
_ENGINE_EVENTS = (
    "engine_connect",
    "begin",
    "before_execute",
    "before_cursor_execute",
    "after_cursor_execute",
    "after_execute",
    "commit",
    "rollback",
)
_DIALECT_EVENTS = ("do_execute", "handle_error")
_STATE_KEY = "_sa_instance_state"


class _Plan(NamedTuple):
    statement: Insert
    columns: dict[str, str]  # attribute key → column key
    attributes: dict[str, str]  # column key → attribute key
    nulls: dict[str, None]  # columns without any default: NULL when not given, as the ORM


@lru_cache(maxsize=256)
def _plan(mapper: Mapper[Any]) -> _Plan | None:
    """How to insert a row of ``mapper``, or ``None`` when only a flush will do."""
    table = mapper.local_table
    if (
        mapper.inherits is not None
        or mapper.polymorphic_on is not None
        or mapper.version_id_col is not None
        or not isinstance(table, Table)
        or mapper.persist_selectable is not table
    ):
        return None
    columns: dict[str, str] = {}
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        if len(attr.columns) == 1 and isinstance(column, Column) and column.table is table:
            columns[attr.key] = column.key
    statement = table.insert()
    if any(c.server_default is not None for c in table.columns if not c.primary_key):
        # NOTE: as the ORM's flush (eager_defaults="auto"): server defaults by RETURNING
        # where the backend supports it.
        statement = statement.return_defaults()
    nulls = dict.fromkeys(
        c.key
        for c in table.columns
        if not c.primary_key and c.default is None and c.server_default is None
    )
    return _Plan(statement, columns, {value: key for key, value in columns.items()}, nulls)


#: The listeners of those events on a session's dispatcher, read in one call.
_session_listeners = operator.attrgetter(*_SESSION_EVENTS)


def _listened(session: Session, mapper: Mapper[Any]) -> bool:
    if any(_session_listeners(session.dispatch)):
        return True
    return bool(mapper.dispatch.before_insert or mapper.dispatch.after_insert)


def _plan_for(session: Session, instance: Any) -> _Plan | None:
    """The plan to insert ``instance``, or ``None`` when it needs the unit of work."""
    state = instance_state(instance)
    plan = _plan(state.mapper)
    if plan is None or state.key is not None or state.session_id is not None:
        return None
    columns = plan.columns
    if any(key not in columns and key != _STATE_KEY for key in instance.__dict__):
        return None  # relationships or other attributes: the unit of work handles them
    if session.new or session.deleted or session.identity_map.check_modified():
        return None  # the flush writes those first
    return None if _listened(session, state.mapper) else plan


class _Direct(NamedTuple):
    """An ``INSERT`` of some columns as the DBAPI runs it, compiled once per dialect."""

    sql: str
    keys: tuple[str, ...]  # the columns, in the order of the statement's parameters
    processors: tuple[Callable[[Any], Any] | None, ...]  # each column type's bind processor
    named: bool  # parameters by name (else by position)
    returning: bool  # the new key comes back as a row (else as the cursor's lastrowid)
    key_column: str


@lru_cache(maxsize=256)
def _direct(table: Table, dialect: Dialect, given: frozenset[str]) -> _Direct | None:
    """The ``INSERT`` of the columns ``given`` for ``dialect``'s DBAPI.

    ``None`` unless every other column is the table's one autoincrement key, read back by
    ``lastrowid`` or ``RETURNING``: defaults and other keys are left to Core.
    """
    key_column = table.autoincrement_column
    others = {column.key for column in table.columns} - given
    if key_column is None or others != {key_column.key} or not isinstance(dialect, DefaultDialect):
        return None
    statement = table.insert()
    returning = not dialect.postfetch_lastrowid
    if returning:
        if not dialect.insert_returning:
            return None
        statement = statement.returning(key_column)
    compiled = statement.compile(dialect=dialect, column_keys=sorted(given))
    keys = tuple(compiled.positiontup or compiled.bind_names.values())
    if compiled.escaped_bind_names or set(keys) != given:
        return None
    processors = tuple(
        table.columns[key].type.dialect_impl(dialect).bind_processor(dialect) for key in keys
    )
    return _Direct(
        str(compiled), keys, processors, not compiled.positional, returning, key_column.key
    )


def _parameters(plan: _Plan, instance: Any) -> dict[str, Any]:
    """The row's values by column key: the instance's, and NULL for columns it lacks."""
    columns = plan.columns
    params = {**plan.nulls}
    params.update(
        (columns[key], value) for key, value in instance.__dict__.items() if key != _STATE_KEY
    )
    return params


def _insert_directly(engine: Engine, plan: _Plan, instance: Any) -> bool:
    """Insert and commit the row on a pooled DBAPI connection, without Core's execution.

    PERF: a Core ``Connection`` and its execution context cost more than the INSERT and
    the commit on SQLite. Only for engines nobody listens to or logs, and tables
    :func:`_direct` can write.

    Returns:
        Whether the row was written; ``False`` leaves everything to Core.
    """
    if engine.echo or _listened_to(engine):
        return False
    params = _parameters(plan, instance)
    direct = _direct(plan.statement.table, engine.dialect, frozenset(params))
    if direct is None:
        return False
    values = [
        value if process is None else process(value)
        for value, process in zip(
            map(params.__getitem__, direct.keys), direct.processors, strict=True
        )
    ]
    arguments = dict(zip(direct.keys, values, strict=True)) if direct.named else tuple(values)
    new_key = _run(engine, direct, arguments)
    attributes = plan.attributes
    set_committed_value(instance, attributes[direct.key_column], new_key)
    given = instance.__dict__
    for key in plan.nulls:
        if attributes[key] not in given:
            set_committed_value(instance, attributes[key], None)
    return True


def _listened_to(engine: Engine) -> bool:
    # PERF: SQLAlchemy marks an engine (or its class) and a dialect once anything has
    # listened to them, for its own execution to check; only then are their events read.
    if not (engine._has_events or engine.dialect._has_events):
        return False
    events, dialect_events = engine.dispatch, engine.dialect.dispatch
    return any(getattr(events, name) for name in _ENGINE_EVENTS) or any(
        getattr(dialect_events, name) for name in _DIALECT_EVENTS
    )


def _run(engine: Engine, direct: _Direct, arguments: Any) -> Any:
    """Execute and commit ``direct``; the new key. DBAPI errors are raised as Core's."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(direct.sql, arguments)
            new_key = cursor.fetchall()[0][0] if direct.returning else cursor.lastrowid
        finally:
            cursor.close()
        connection.commit()
    except engine.dialect.loaded_dbapi.Error as error:
        lost = engine.dialect.is_disconnect(error, connection.dbapi_connection, None)
        if lost:
            connection.invalidate(error)
        raise DBAPIError.instance(
            direct.sql,
            arguments,
            error,
            engine.dialect.loaded_dbapi.Error,
            connection_invalidated=lost,
            dialect=engine.dialect,
        ) from error
    finally:
        connection.close()
    return new_key


def _execute(connection: Connection, plan: _Plan, instance: Any) -> None:
    """Run the ``INSERT`` and set what the database chose, as committed values."""
    values = instance.__dict__
    params = _parameters(plan, instance)
    result = connection.execute(plan.statement, params)
    attributes = plan.attributes
    new_key: Any = result.inserted_primary_key
    mapper = instance_state(instance).mapper
    for column, value in zip(mapper.primary_key, new_key, strict=True):
        set_committed_value(instance, attributes[str(column.key)], value)
    sent: Any = result.last_inserted_params()  # one row's: with the Python-side defaults
    written: dict[str, Any] = dict(sent)
    generated = result.returned_defaults
    if generated is not None:
        written.update(generated._mapping)
    for key, value in written.items():
        attribute = attributes.get(key)
        if attribute is not None and attribute not in values:
            set_committed_value(instance, attribute, value)


def insert(session: Session, instance: Any) -> bool:
    """Insert the new ``instance`` in the session's transaction and attach it, persistent.

    Returns:
        Whether it was inserted; ``False`` leaves it untouched, for ``add()`` and ``flush()``.
    """
    plan = _plan_for(session, instance)
    if plan is None:
        return False
    mapper = instance_state(instance).mapper
    _execute(session.connection(bind_arguments={"mapper": mapper}), plan, instance)
    _attach(session, instance)
    return True


def insert_committed(session: Session, instance: Any) -> bool:
    """Insert and commit the new ``instance`` when ``session`` has no transaction open.

    The row is written in a transaction of its own on the session's engine, as committing
    the session would do when nothing else is in it, without the session's transaction
    to begin and end; the instance is then attached to the session, persistent.

    Returns:
        Whether it was inserted and committed; ``False`` leaves it untouched.
    """
    engine = _db.idle_engine(session, instance_state(instance).mapper)
    if engine is None:
        return False
    plan = _plan_for(session, instance)
    if plan is None:
        return False
    if not _insert_directly(engine, plan, instance):
        with engine.begin() as connection:
            _execute(connection, plan, instance)
    _attach(session, instance)
    return True


def _attach(session: Session, instance: Any) -> None:
    """Make the row just written persistent in ``session``, as ``add()`` after a flush.

    PERF: what ``add()`` does to the detached instance, without beginning the session's
    transaction when it has none (as after a commit): the instance has no relationship to
    cascade to, and no listener of the attach events is set (see :func:`_listened`).
    """
    make_transient_to_detached(instance)
    state = instance_state(instance)
    session.identity_map.add(state)
    state.session_id = session.hash_key
