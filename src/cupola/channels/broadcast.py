"""Sending a message to a group from anywhere: views, CLI commands, background threads.

:func:`async_broadcast` is for async code. :func:`broadcast` is for sync code: under ASGI a
sync view runs in a worker thread, so the message is handed to the server's event loop
(recorded by the ASGI adapter at lifespan startup); elsewhere (WSGI, CLI commands, threads
of your own) it runs on one background loop per process. With a Redis layer the message
reaches the group's members in every process.
"""

from __future__ import annotations

import asyncio
import os
import threading
from typing import TYPE_CHECKING, Any

from cupola.channels.layers import get_channel_layer
from cupola.context import get_app_context

if TYPE_CHECKING:
    from cupola.types import Application

_portal: asyncio.AbstractEventLoop | None = None
_portal_lock = threading.Lock()


async def async_broadcast(
    group: str, message: dict[str, Any], *, app: Application | None = None
) -> None:
    """Send ``message`` to every channel in ``group``, from async code.

    Args:
        group: The group name.
        message: A dict with a ``"type"`` naming the consumers' handler.
        app: The app whose layer to use; ``current_app`` when omitted.

    Example:
        >>> await async_broadcast("books", {"type": "book.added"})  # doctest: +SKIP
    """
    await get_channel_layer(app).group_send(group, message)


def broadcast(
    group: str, message: dict[str, Any], *, app: Application | None = None, timeout: float = 10.0
) -> None:
    """Send ``message`` to every channel in ``group``, from sync code; wait until it is sent.

    Args:
        group: The group name.
        message: A dict with a ``"type"`` naming the consumers' handler.
        app: The app whose layer to use; ``current_app`` when omitted (pass it from
            threads that have no app context).
        timeout: Seconds to wait for the layer before giving up.

    Raises:
        RuntimeError: When called on a running event loop (use :func:`async_broadcast`).
        TimeoutError: When the layer did not take the message within ``timeout``.

    Example:
        >>> broadcast("books", {"type": "book.added", "title": "Dune"})  # doctest: +SKIP
    """
    if asyncio._get_running_loop() is not None:
        raise RuntimeError(
            "broadcast() waits for the channel layer and would block this event loop; "
            "in async code use `await async_broadcast(group, message)`."
        )
    app = app if app is not None else get_app_context().app
    layer = get_channel_layer(app)
    loop = app.event_loop
    if loop is None or not loop.is_running():
        loop = _portal_loop()
    future = asyncio.run_coroutine_threadsafe(layer.group_send(group, message), loop)
    try:
        future.result(timeout)
    except TimeoutError:
        future.cancel()  # do not deliver it later, after the caller was told it failed
        raise


def _portal_loop() -> asyncio.AbstractEventLoop:
    """The process's background loop for broadcasts from outside a server, started once."""
    global _portal
    with _portal_lock:
        if _portal is None:
            _portal = asyncio.new_event_loop()
            threading.Thread(
                target=_portal.run_forever, name="cupola-broadcast", daemon=True
            ).start()
        return _portal


def _forget_portal() -> None:
    # A forked child has the parent's loop object but not its thread.
    global _portal
    _portal = None


os.register_at_fork(after_in_child=_forget_portal)
