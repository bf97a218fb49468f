"""What the toolbar remembers: one record per request or WebSocket session, the last N kept.

A :class:`RequestRecord` is created when a request from an internal address comes in and is
the *current record* (a context variable) while the request runs, so that instrumentation
anywhere (SQL events, template renders, cache calls, log records) adds to the right request
even when a view runs in a worker thread. :class:`History` keeps the last
``DEBUG_TOOLBAR_HISTORY`` records of an app for ``/__debug__/``.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from cupola.debug.masking import masked_url

if TYPE_CHECKING:
    from cupola.http.request import Request

__all__ = ["History", "RequestRecord", "WebSocketRecord", "current_record"]

#: The record of the request being handled, when the toolbar follows it.
_current: ContextVar[RequestRecord | None] = ContextVar("cupola_debug_record", default=None)

#: Frames a WebSocket record keeps (the first ones and a count of the rest).
MAX_FRAMES = 500
#: Characters of a frame's text kept for the timeline.
FRAME_PREVIEW = 200


def current_record() -> RequestRecord | None:
    """The record of the request being handled, or ``None`` when none is followed."""
    return _current.get()


def new_id() -> str:
    """A short random id for a record (sent as ``X-Debug-Id``)."""
    return secrets.token_hex(8)


class RequestRecord:
    """Everything the panels collected about one HTTP request.

    Attributes:
        id: The record's id, sent as the ``X-Debug-Id`` header.
        method: The request method.
        path: The path with its query string.
        started: When the request came in (seconds since the epoch).
        status: The response's status, once known.
        content_type: The response's ``Content-Type``, once known.
        stats: Each panel's findings, by panel name.
    """

    kind = "http"

    def __init__(self, request: Request) -> None:
        self.id = new_id()
        self.method = request.method
        self.path = masked_url(request.full_path)
        self.started = time.time()
        self.status: int | None = None
        self.content_type: str | None = None
        self.is_file = False  # a file response (static files, send_file)
        self.duration_ms: float | None = None
        self.stats: dict[str, dict[str, Any]] = {}

    def data(self, panel: str) -> dict[str, Any]:
        """The dict panel ``panel`` fills for this request (created on first use)."""
        found = self.stats.get(panel)
        if found is None:
            found = self.stats[panel] = {}
        return found

    @property
    def is_json(self) -> bool:
        """Whether the response was JSON (an API call)."""
        content_type = (self.content_type or "").split(";")[0].strip()
        return content_type == "application/json" or content_type.endswith("+json")

    def activate(self) -> None:
        """Make this the current record."""
        _current.set(self)

    @staticmethod
    def deactivate() -> None:
        """Follow no request any more in this context."""
        _current.set(None)


class WebSocketRecord:
    """One WebSocket session: its handshake and a timeline of frames.

    Attributes:
        id: The record's id.
        path: The path with its query string.
        started: When the handshake came in (seconds since the epoch).
        frames: ``(seconds since start, direction, ASGI type, size, preview)`` entries.
        dropped: Frames not kept beyond :data:`MAX_FRAMES`.
        close_code: The close code, once closed.
    """

    kind = "websocket"
    method = "WS"

    def __init__(self, request: Request) -> None:
        self.id = new_id()
        self.path = masked_url(request.full_path)
        self.started = time.time()
        self._clock = time.perf_counter()
        self.frames: list[tuple[float, str, str, int, str]] = []
        self.dropped = 0
        self.close_code: int | None = None
        self.refused: int | None = None  # the HTTP status a refused handshake got
        self.headers = list(request.headers.items())
        self.endpoint = request.endpoint

    @property
    def status(self) -> str:
        """``open``, ``closed (code)``, or ``refused (HTTP status)``."""
        if self.refused is not None:
            return f"refused ({self.refused})"
        return "open" if self.close_code is None else f"closed ({self.close_code})"

    @property
    def duration_ms(self) -> float:
        """Milliseconds since the handshake, or until the last frame once closed."""
        if (self.close_code is not None or self.refused is not None) and self.frames:
            return self.frames[-1][0] * 1000
        return (time.perf_counter() - self._clock) * 1000

    def frame(self, direction: str, message: dict[str, Any]) -> None:
        """Add an ASGI message sent (``"out"``) or received (``"in"``) to the timeline."""
        kind = str(message.get("type", "?"))
        text = message.get("text")
        data = message.get("bytes")
        if text is not None:
            size, preview = len(text.encode()), text[:FRAME_PREVIEW]
        elif data is not None:
            size, preview = len(data), f"<{len(data)} bytes>"
        else:
            size, preview = 0, _control_preview(message)
        if kind in ("websocket.close", "websocket.disconnect"):
            self.close_code = int(message.get("code") or 1000)
        elif kind == "websocket.http.response.start":
            self.refused = int(message.get("status") or 403)
        if len(self.frames) >= MAX_FRAMES:
            self.dropped += 1
            return
        self.frames.append((time.perf_counter() - self._clock, direction, kind, size, preview))


def _control_preview(message: dict[str, Any]) -> str:
    if "status" in message:
        return f"HTTP {message['status']}"
    if "code" in message:
        reason = message.get("reason") or ""
        return f"code {message['code']}" + (f": {reason}" if reason else "")
    if message.get("subprotocol"):
        return f"subprotocol {message['subprotocol']}"
    return ""


Record = RequestRecord | WebSocketRecord


class History:
    """The last ``size`` records of an app, newest first; safe to use from many threads.

    Args:
        size: How many records to keep (at least 1).
    """

    def __init__(self, size: int) -> None:
        self.size = max(1, int(size))
        self._records: OrderedDict[str, Record] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, record: Record) -> None:
        """Keep ``record``, forgetting the oldest beyond the size."""
        with self._lock:
            self._records[record.id] = record
            while len(self._records) > self.size:
                self._records.popitem(last=False)

    def get(self, record_id: str) -> Record | None:
        """The record with id ``record_id``, if it is still kept."""
        return self._records.get(record_id)

    def records(self) -> list[Record]:
        """Every kept record, newest first."""
        with self._lock:
            return list(reversed(self._records.values()))

    def __len__(self) -> int:
        return len(self._records)
