"""The logging panel: the log records emitted while a request ran.

One handler on the root logger, added once per process when an app is first built with
``DEBUG`` on, keeps a record only while a followed request runs. It sees the records that
pass their logger's level (the root logger's ``WARNING`` by default): set a lower level on
your loggers to see more.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from cupola.debug.toolbar.history import current_record
from cupola.debug.toolbar.panels.base import Panel, dropped_note, keep, table

if TYPE_CHECKING:
    from cupola.debug.toolbar.history import RequestRecord
    from cupola.http.request import Request
    from cupola.http.response import Response
    from cupola.types import Application

__all__ = ["LoggingPanel"]

#: Characters of each message kept.
MAX_MESSAGE = 2000


class _Collector(logging.Handler):
    """Adds each record emitted during a followed request to that request's record."""

    def emit(self, record: logging.LogRecord) -> None:
        followed = current_record()
        if followed is None:
            return
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not break the request
            message = str(record.msg)
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            message += f" [{type(error).__name__}: {error}]"
        where = f"{record.pathname}:{record.lineno}"
        entry = (record.levelname, record.name, message[:MAX_MESSAGE], where)
        keep(followed.data("logging"), "records", entry)


_collector = _Collector(logging.NOTSET)
_lock = threading.Lock()


class LoggingPanel(Panel):
    """The request's log records."""

    name = "logging"
    title = "Logging"

    def enable(self, app: Application) -> None:
        """Add the collecting handler to the root logger (once)."""
        root = logging.getLogger()
        with _lock:
            if _collector not in root.handlers:
                root.addHandler(_collector)

    def process_response(self, record: RequestRecord, request: Request, response: Response) -> None:
        """Make sure the panel has its list, even when nothing was logged."""
        record.data("logging").setdefault("records", [])

    def subtitle(self, stats: dict[str, Any]) -> str:
        """How many records."""
        return str(len(stats.get("records", [])))

    def render(self, stats: dict[str, Any]) -> str:
        """One row per record."""
        rows = stats.get("records", [])
        return table(("Level", "Logger", "Message", "Where"), rows) + dropped_note(stats)
