"""Serve an app on uvicorn, the development server behind ``cupola run``.

With auto-reload, uvicorn imports the app afresh in a child process for every code change,
so it needs an import string rather than an object: :func:`asgi_app` is that entry point.
It reads the app spec and the debug flag from the environment the parent process sets.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import uvicorn

from cupola.cli.discovery import load_app

if TYPE_CHECKING:
    from cupola.app import Cupola
    from cupola.asgi import ASGIAdapter

__all__ = ["APP_ENV", "DEBUG_ENV", "asgi_app", "run"]

#: The app spec the reloading child process loads (empty: the default discovery).
APP_ENV = "CUPOLA_RUN_APP"
#: ``"1"`` to force debug mode on in the child process, ``"0"`` to force it off.
DEBUG_ENV = "CUPOLA_RUN_DEBUG"

_IMPORT_STRING = "cupola.servers.uvicorn:asgi_app"
# NOTE: an open stream or websocket would otherwise hold a reload back indefinitely.
_GRACEFUL_SHUTDOWN_SECONDS = 3


def asgi_app() -> ASGIAdapter:
    """Load the app named by ``$CUPOLA_RUN_APP`` and return its ASGI application.

    Uvicorn calls this factory in each (re)started worker process
    (``uvicorn cupola.servers.uvicorn:asgi_app --factory``).

    Returns:
        ``app.asgi``, with ``DEBUG`` set from ``$CUPOLA_RUN_DEBUG`` (on when unset).
    """
    app = load_app(os.environ.get(APP_ENV) or None)
    app.config["DEBUG"] = os.environ.get(DEBUG_ENV, "1") == "1"
    return app.asgi


def run(
    app: Cupola,
    spec: str | None,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    reload: bool = True,
    debug: bool = True,
    reload_dirs: Sequence[str] = (),
) -> None:
    """Serve ``app`` on uvicorn until interrupted.

    Args:
        app: The loaded app, served as is when not reloading.
        spec: The spec ``app`` was loaded from, for the reloading child process.
        host: The interface to bind.
        port: The TCP port to bind.
        reload: Restart the server when a file under ``reload_dirs`` changes.
        debug: Set ``config["DEBUG"]``.
        reload_dirs: Folders to watch (the current folder when empty).
    """
    if not reload:
        app.config["DEBUG"] = debug
        uvicorn.run(
            app.asgi,
            host=host,
            port=port,
            timeout_graceful_shutdown=_GRACEFUL_SHUTDOWN_SECONDS,
        )
        return
    os.environ[APP_ENV] = spec or ""
    os.environ[DEBUG_ENV] = "1" if debug else "0"
    uvicorn.run(
        _IMPORT_STRING,
        factory=True,
        host=host,
        port=port,
        reload=True,
        reload_dirs=list(reload_dirs) or None,
        timeout_graceful_shutdown=_GRACEFUL_SHUTDOWN_SECONDS,
    )
