"""The timing panel: the request's wall and CPU time, and each middleware hook's share.

Middleware hooks are wrapped once, when the app is built with ``DEBUG`` on
(:func:`timed_hook`); the wrapper adds its timing to the current record, if any.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from cupola.concurrency import is_async_callable
from cupola.debug.toolbar.history import current_record
from cupola.debug.toolbar.panels.base import Panel, ms, table

if TYPE_CHECKING:
    from cupola.debug.toolbar.history import RequestRecord
    from cupola.http.request import Request
    from cupola.http.response import Response

__all__ = ["TimerPanel", "timed_hook"]


def _add(middleware: str, hook: str, wall: float, cpu: float) -> None:
    record = current_record()
    if record is not None:
        timings = record.data("timer").setdefault("middleware", [])
        timings.append((middleware, hook, wall * 1000, cpu * 1000))


def timed_hook(middleware: str, hook: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a middleware hook so that each call's wall and CPU time is recorded."""
    if is_async_callable(func):

        @wraps(func)
        async def timed_async(*args: Any) -> Any:
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                return await func(*args)
            finally:
                _add(middleware, hook, time.perf_counter() - wall, time.thread_time() - cpu)

        wrapper: Callable[..., Any] = timed_async
    else:

        @wraps(func)
        def timed_sync(*args: Any) -> Any:
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                return func(*args)
            finally:
                _add(middleware, hook, time.perf_counter() - wall, time.thread_time() - cpu)

        wrapper = timed_sync
    return wrapper


class TimerPanel(Panel):
    """Wall-clock and CPU time of the request, and of each middleware hook."""

    name = "timer"
    title = "Time"

    def process_request(self, record: RequestRecord, request: Request) -> None:
        """Start the clocks."""
        data = record.data("timer")
        data["start"] = (time.perf_counter(), time.thread_time(), time.process_time())
        data["thread"] = threading.get_ident()

    def process_response(self, record: RequestRecord, request: Request, response: Response) -> None:
        """Stop the clocks; CPU time is the thread's, or the process's across threads."""
        data = record.data("timer")
        wall, thread_cpu, process_cpu = data.pop("start")
        data["wall_ms"] = (time.perf_counter() - wall) * 1000
        if data.pop("thread") == threading.get_ident():
            data["cpu_ms"], data["cpu_scope"] = (time.thread_time() - thread_cpu) * 1000, "thread"
        else:
            data["cpu_ms"], data["cpu_scope"] = (
                (time.process_time() - process_cpu) * 1000,
                "process",
            )
        record.duration_ms = data["wall_ms"]

    def subtitle(self, stats: dict[str, Any]) -> str:
        """The total wall time."""
        return ms(stats.get("wall_ms"))

    def render(self, stats: dict[str, Any]) -> str:
        """Totals, then one row per middleware hook call."""
        timings = stats.get("middleware", [])
        spent = sum(row[2] for row in timings)
        totals = table(
            ("Measure", "Value"),
            [
                ("Wall time", ms(stats.get("wall_ms"))),
                (f"CPU time ({stats.get('cpu_scope', 'thread')})", ms(stats.get("cpu_ms"))),
                ("In middleware hooks", ms(spent)),
                ("Routing, view and the rest", ms((stats.get("wall_ms") or 0) - spent)),
            ],
            css="cdt-pairs",
        )
        rows = [(name, hook, ms(wall), ms(cpu)) for name, hook, wall, cpu in timings]
        per_hook = table(("Middleware", "Hook", "Wall", "CPU"), rows)
        return f"{totals}<h4>Middleware</h4>{per_hook}"
