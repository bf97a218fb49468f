"""Running coroutines from sync code: one event loop kept per worker thread.

Under WSGI an ``async def`` view runs on the loop of the thread serving the request;
the loop is created on first use and reused, so per-request cost is one
``run_until_complete``. :func:`is_async_callable` tells which callables need a loop.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

_local = threading.local()


def thread_loop() -> asyncio.AbstractEventLoop:
    """Return this thread's event loop, creating it on first use."""
    loop: asyncio.AbstractEventLoop | None = getattr(_local, "loop", None)
    if loop is None or loop.is_closed():
        loop = _local.loop = asyncio.new_event_loop()
    return loop


def run_coroutine(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion on this thread's loop.

    Raises:
        RuntimeError: When called from inside a running event loop (await it instead).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return thread_loop().run_until_complete(coro)
    coro.close()
    raise RuntimeError(
        "Cannot run an async view synchronously inside a running event loop; "
        "serve the app through app.asgi instead."
    )


def is_async_callable(func: Any) -> bool:
    """Whether calling ``func`` returns a coroutine (functions, partials, callables)."""
    return inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(
        getattr(func, "__call__", None)  # noqa: B004  # callable objects with async __call__
    )
