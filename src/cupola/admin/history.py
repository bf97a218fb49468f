"""The admin's history: who added, changed or deleted which row, and when.

The log lives in a table of the application's own database, ``cupola_admin_log``, declared on
the database's metadata so that ``db.create_all()`` creates it and ``cupola db migrate``
writes its migration. Each entry keeps the object's description and key, so the history
of a row outlives the row.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, insert, select

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["ADDED", "CHANGED", "DELETED", "TABLE_NAME", "LogEntry", "history_table"]

TABLE_NAME = "cupola_admin_log"
ADDED, CHANGED, DELETED = "added", "changed", "deleted"


def history_table(metadata: MetaData) -> Table:
    """The log table on ``metadata``, declared once."""
    existing = metadata.tables.get(TABLE_NAME)
    if existing is not None:
        return existing
    return Table(
        TABLE_NAME,
        metadata,
        Column("id", Integer, primary_key=True),
        Column("action_time", DateTime(timezone=True), nullable=False),
        Column("user_id", String(64), nullable=False),
        Column("username", String(150), nullable=False),
        Column("model", String(100), nullable=False, index=True),
        Column("object_id", String(64), nullable=False, index=True),
        Column("object_repr", String(200), nullable=False),
        Column("action", String(10), nullable=False),
        Column("changed_fields", Text, nullable=False, default="[]"),
    )


class LogEntry:
    """Writes and reads the log entries of one table."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def record(
        self,
        session: Session,
        user: Any,
        model: str,
        object_id: Any,
        description: str,
        action: str,
        changed: list[str] | None = None,
    ) -> None:
        """Add an entry in ``session``'s transaction (committed with the change it logs)."""
        session.execute(
            insert(self.table).values(
                action_time=datetime.now(UTC),
                user_id=str(user.get_id()),
                username=str(getattr(user, "username", user.get_id()))[:150],
                model=model,
                object_id=str(object_id),
                object_repr=description[:200],
                action=action,
                changed_fields=json.dumps(changed or []),
            )
        )

    def for_object(self, session: Session, model: str, object_id: Any) -> list[dict[str, Any]]:
        """The entries of one row, oldest first, with ``changed_fields`` as a list."""
        rows = session.execute(
            select(self.table)
            .where(self.table.c.model == model, self.table.c.object_id == str(object_id))
            .order_by(self.table.c.action_time, self.table.c.id)
        ).mappings()
        return [{**row, "changed_fields": json.loads(row["changed_fields"])} for row in rows]

    def recent(self, session: Session, limit: int = 10) -> list[dict[str, Any]]:
        """The latest entries over every model, newest first."""
        rows = session.execute(
            select(self.table).order_by(self.table.c.id.desc()).limit(limit)
        ).mappings()
        return [dict(row) for row in rows]
