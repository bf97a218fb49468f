"""The SQL panel: each query a request ran, with its duration and parameters.

When the app is built with ``DEBUG`` on, SQLAlchemy's ``before_cursor_execute`` and
``after_cursor_execute`` events are listened to on the app's ``cupola.db`` engines (the
sync engine, and the asyncio one's when ``DATABASE_URL`` names an asyncio driver); a query
is recorded only while a followed request runs (the current record is a context variable,
so views in worker threads count too). Queries repeated with the same parameters are flagged
as duplicates, the same statement with other parameters as similar (the N+1 pattern).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event

from cupola.db.engines import database_url, is_async
from cupola.debug.masking import MASK, is_secret, safe_repr
from cupola.debug.toolbar.history import current_record
from cupola.debug.toolbar.panels.base import Panel, dropped_note, keep, ms, table
from cupola.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from cupola.debug.toolbar.history import RequestRecord
    from cupola.http.request import Request
    from cupola.http.response import Response
    from cupola.types import Application

__all__ = ["SQLPanel"]

_START = "cupola_debug_started"
_lock = threading.Lock()


def _before(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
) -> None:
    if current_record() is not None:
        conn.info.setdefault(_START, []).append(time.perf_counter())


def _after(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
) -> None:
    record = current_record()
    started = conn.info.get(_START)
    if record is None or not started:
        return
    duration = (time.perf_counter() - started.pop()) * 1000
    url = conn.engine.url.render_as_string(hide_password=True)
    keep(
        record.data("sql"),
        "queries",
        {
            "sql": statement,
            "params": safe_repr("parameters", _masked_params(parameters, context, many)),
            "duration_ms": duration,
            "database": url,
            "many": many,
        },
    )


def _masked_params(parameters: Any, context: Any, many: bool) -> Any:
    """Mask parameters bound to secret-looking names (a ``password`` column…).

    A driver with positional parameters gets a tuple; the compiled statement's
    ``positiontup`` names each position.
    """
    if many and isinstance(parameters, (list, tuple)):
        return [_masked_params(each, context, False) for each in parameters]
    if isinstance(parameters, dict):
        return {k: MASK if is_secret(k) else v for k, v in parameters.items()}
    names = getattr(getattr(context, "compiled", None), "positiontup", None)
    if names and isinstance(parameters, (list, tuple)) and len(names) == len(parameters):
        return tuple(MASK if is_secret(n) else v for n, v in zip(names, parameters, strict=True))
    return parameters


def listen(engine: Engine) -> None:
    """Listen to ``engine``'s cursor events (once per engine)."""
    with _lock:
        if not event.contains(engine, "before_cursor_execute", _before):
            event.listen(engine, "before_cursor_execute", _before)
            event.listen(engine, "after_cursor_execute", _after)


def app_engines(app: Application) -> list[Engine]:
    """The engines ``cupola.db`` gives ``app`` (made now if need be); none without it."""
    db = app.extensions.get("cupola.db")
    if db is None:
        return []
    try:
        with app.app_context():
            engines: list[Engine] = [db.engine]
            if is_async(database_url(app)):
                engines.append(db.async_engine.sync_engine)
    except ImproperlyConfigured:  # reported when the app uses its database
        return []
    return engines


class SQLPanel(Panel):
    """The request's SQL queries."""

    name = "sql"
    title = "SQL"

    def enable(self, app: Application) -> None:
        """Listen to the cursor events of the app's ``cupola.db`` engines."""
        for engine in app_engines(app):
            listen(engine)

    def process_response(self, record: RequestRecord, request: Request, response: Response) -> None:
        """Count the queries and flag repeated ones."""
        data = record.data("sql")
        queries = data.setdefault("queries", [])
        same = Counter((q["sql"], q["params"]) for q in queries)
        statements = Counter(q["sql"] for q in queries)
        for query in queries:
            query["duplicate"] = same[(query["sql"], query["params"])] > 1
            query["similar"] = statements[query["sql"]] > 1 and not query["duplicate"]
        data["total_ms"] = sum(q["duration_ms"] for q in queries)
        data["duplicates"] = sum(count - 1 for count in same.values() if count > 1)

    def subtitle(self, stats: dict[str, Any]) -> str:
        """How many queries, and how long they took."""
        queries = stats.get("queries", [])
        return f"{len(queries)} in {ms(stats.get('total_ms', 0))}"

    def render(self, stats: dict[str, Any]) -> str:
        """One row per query, duplicates flagged."""
        queries = stats.get("queries", [])
        if not queries:
            return '<p class="cdt-empty">No SQL queries.</p>'
        note = (
            f'<p class="cdt-warn">{stats["duplicates"]} duplicate queries.</p>'
            if stats.get("duplicates")
            else ""
        )
        rows = [
            (
                index,
                query["sql"],
                query["params"],
                ms(query["duration_ms"]),
                "duplicate" if query["duplicate"] else "similar" if query["similar"] else "",
            )
            for index, query in enumerate(queries, 1)
        ]
        headings = ("#", "Statement", "Parameters", "Time", "Flag")
        return note + table(headings, rows, css="cdt-sql") + dropped_note(stats)
