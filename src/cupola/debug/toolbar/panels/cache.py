"""The cache panel: each ``cupola.cache`` call of a request, with hits and misses.

When the app is built with ``DEBUG`` on, the methods of its cache backend are wrapped on
that instance (once); a wrapper records a call only while a followed request runs. Calls a
backend makes to itself (``get_many`` through ``get``) count once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from cupola.cache import Cache, get_cache
from cupola.cache.base import MISSING
from cupola.debug.toolbar.history import current_record
from cupola.debug.toolbar.panels.base import Panel, dropped_note, keep, ms, table
from cupola.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from cupola.debug.toolbar.history import RequestRecord
    from cupola.http.request import Request
    from cupola.http.response import Response
    from cupola.types import Application

__all__ = ["CachePanel", "instrument"]

_METHODS = ("get", "set", "add", "delete", "incr", "decr", "has", "clear")
_MANY = ("get_many", "set_many", "delete_many")
_MARK = "_cupola_debug_instrumented"
_inside = threading.local()


def _outcome(method: str, args: tuple[Any, ...], result: Any) -> tuple[int, int]:
    """``(hits, misses)`` of a read call."""
    if method == "get":
        return (0, 1) if result is MISSING else (1, 0)
    if method == "has":
        return (1, 0) if result else (0, 1)
    if method == "get_many":
        return len(result), max(len(args[0]) - len(result), 0)
    return 0, 0


def _keys(method: str, args: tuple[Any, ...]) -> str:
    if not args or method == "clear":
        return ""
    first = args[0]
    if method in _MANY:
        return ", ".join(map(str, first))
    return str(first)


def _wrap(method: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(func)
    def recorded(*args: Any, **kwargs: Any) -> Any:
        record = current_record()
        if record is None or getattr(_inside, "active", False):
            return func(*args, **kwargs)
        default = None
        if method == "get":  # tell a miss from a stored default
            default = args[1] if len(args) > 1 else kwargs.pop("default", None)
            args = args[:1]
            kwargs["default"] = MISSING
        elif method in ("get_many", "delete_many") and args:
            args = (list(args[0]), *args[1:])  # counted once, even from a generator
        _inside.active = True
        started = time.perf_counter()
        try:
            result = func(*args, **kwargs)
        finally:
            _inside.active = False
        duration = (time.perf_counter() - started) * 1000
        hits, misses = _outcome(method, args, result)
        keep(record.data("cache"), "calls", (method, _keys(method, args), hits, misses, duration))
        if method == "get" and result is MISSING:
            return default
        return result

    return recorded


def instrument(backend: Cache) -> None:
    """Wrap ``backend``'s methods on the instance, once."""
    if getattr(backend, _MARK, False):
        return
    try:
        for method in (*_METHODS, *_MANY):
            setattr(backend, method, _wrap(method, getattr(backend, method)))
        setattr(backend, _MARK, True)
    except AttributeError:  # a backend with __slots__: its calls go unrecorded
        return


class CachePanel(Panel):
    """The request's cache calls."""

    name = "cache"
    title = "Cache"

    def enable(self, app: Application) -> None:
        """Instrument the app's cache backend (made now from ``CACHE_URL``)."""
        try:
            instrument(get_cache(app))
        except ImproperlyConfigured:  # reported when the app uses its cache
            return

    def process_response(self, record: RequestRecord, request: Request, response: Response) -> None:
        """Total the hits and misses."""
        data = record.data("cache")
        calls = data.setdefault("calls", [])
        data["hits"] = sum(call[2] for call in calls)
        data["misses"] = sum(call[3] for call in calls)
        data["total_ms"] = sum(call[4] for call in calls)

    def subtitle(self, stats: dict[str, Any]) -> str:
        """Calls, hits and misses."""
        calls = len(stats.get("calls", []))
        return f"{calls} calls, {stats.get('hits', 0)} hits, {stats.get('misses', 0)} misses"

    def render(self, stats: dict[str, Any]) -> str:
        """One row per call."""
        rows = [
            (method, keys, hits, misses, ms(duration))
            for method, keys, hits, misses, duration in stats.get("calls", [])
        ]
        summary = (
            f"<p>{len(rows)} calls · {stats.get('hits', 0)} hits · "
            f"{stats.get('misses', 0)} misses · {ms(stats.get('total_ms', 0))}</p>"
        )
        headings = ("Call", "Keys", "Hits", "Misses", "Time")
        return summary + table(headings, rows) + dropped_note(stats)
