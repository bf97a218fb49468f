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

from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Column, Connection, Insert, Table
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


def _listened(session: Session, mapper: Mapper[Any]) -> bool:
    dispatch = session.dispatch
    if any(getattr(dispatch, name) for name in _SESSION_EVENTS):
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


def _execute(connection: Connection, plan: _Plan, instance: Any) -> None:
    """Run the ``INSERT`` and set what the database chose, as committed values."""
    values = instance.__dict__
    columns = plan.columns
    params = {**plan.nulls}
    params.update((columns[key], value) for key, value in values.items() if key != _STATE_KEY)
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
    make_transient_to_detached(instance)
    session.add(instance)
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
    with engine.begin() as connection:
        _execute(connection, plan, instance)
    make_transient_to_detached(instance)
    session.add(instance)
    return True
