"""Serve an app on uvicorn: the development server of ``cupola run``, and ``cupola serve``.

With auto-reload, uvicorn imports the app afresh in a child process for every code change,
so it needs an import string rather than an object: :func:`asgi_app` is that entry point.
It reads the app spec and the debug flag from the environment the parent process sets.

``cupola serve --server uvicorn`` runs a small supervisor even for one worker: it holds the
listening sockets, starts the workers (uvicorn servers in spawned processes) and starts a
new one whenever one exits. ``--max-requests`` is uvicorn's ``limit_max_requests``: a
worker past its limit stops accepting (connections queued meanwhile wait in the
supervisor's socket for the next worker), answers every later request with
``Connection: close`` (:mod:`cupola.servers.recycle`) and exits once its connections are
closed, or after ``_LINGER`` seconds for a client that keeps one idle. uvicorn speaks ASGI
only, so the app is always served through ``app.asgi``.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import socket
import threading
import time
from collections.abc import Sequence
from functools import partial
from multiprocessing.context import SpawnProcess
from multiprocessing.synchronize import Event
from typing import TYPE_CHECKING, Any

import uvicorn
from uvicorn._subprocess import get_subprocess
from uvicorn.config import STARTUP_FAILURE

from cupola.cli.discovery import load_app
from cupola.servers.base import ServeOptions, ServerAdapter, load_served_app
from cupola.servers.recycle import Recycler

if TYPE_CHECKING:
    from cupola.app import Cupola
    from cupola.asgi import ASGIAdapter

__all__ = ["APP_ENV", "DEBUG_ENV", "UvicornAdapter", "asgi_app", "run", "served_app"]

#: The app spec the reloading child process loads (empty: the default discovery).
APP_ENV = "CUPOLA_RUN_APP"
#: ``"1"`` to force debug mode on in the child process, ``"0"`` to force it off.
DEBUG_ENV = "CUPOLA_RUN_DEBUG"

_IMPORT_STRING = "cupola.servers.uvicorn:asgi_app"
# NOTE: an open stream or websocket would otherwise hold a reload back indefinitely.
_GRACEFUL_SHUTDOWN_SECONDS = 3
_SERVE_FACTORY = "cupola.servers.uvicorn:served_app"
_BACKLOG = 2048
# Seconds a stopping worker keeps a connection its client leaves idle (as gunicorn does).
_LINGER = 2.0
_POLL = 0.02
# Set in a worker process when it recycles (the supervisor sets it before spawning).
_RECYCLE_ENV = "CUPOLA_SERVE_RECYCLE"
# The worker's recycler, so that its server can make responses close as it stops.
_recycler: Recycler | None = None
# uvicorn starts its workers with "spawn"; their events must come from the same context.
_SPAWN = multiprocessing.get_context("spawn")


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


def served_app() -> Any:
    """The ASGI app a ``cupola serve --server uvicorn`` worker serves (a uvicorn factory)."""
    global _recycler
    app = load_served_app("asgi")
    if os.environ.get(_RECYCLE_ENV) != "1":
        return app
    _recycler = Recycler(None)  # uvicorn counts the requests (limit_max_requests)
    return _recycler.wrap(app, "asgi")


class UvicornAdapter(ServerAdapter):
    """uvicorn: ASGI for every app, any number of ``--bind`` and ``--uds`` addresses."""

    name = "uvicorn"

    def check(self, options: ServeOptions) -> None:
        """Every interface is served (as ASGI); only the address checks apply."""

    def run(self, options: ServeOptions) -> int:
        """Serve until SIGTERM or SIGINT under uvicorn's supervisor."""
        os.environ.update(options.environ())
        limit = options.max_requests
        if limit:
            os.environ[_RECYCLE_ENV] = "1"
        config = uvicorn.Config(
            _SERVE_FACTORY,
            factory=True,
            workers=options.workers,
            lifespan="on",
            access_log=False,
            limit_max_requests=limit,
            limit_max_requests_jitter=limit // 20 if limit else 0,
            timeout_graceful_shutdown=options.graceful_timeout,
            backlog=_BACKLOG,
        )
        sockets = [_tcp_socket(host, port) for host, port in options.binds]
        if options.uds:
            sockets.append(_unix_socket(options.uds))
        try:
            return _supervise(config, sockets, options.workers)
        finally:
            for sock in sockets:
                sock.close()
            if options.uds and os.path.exists(options.uds):
                os.unlink(options.uds)


class _Server(uvicorn.Server):
    """uvicorn's server, answering the connections it holds before it stops."""

    def __init__(self, config: uvicorn.Config, leaving: Event) -> None:
        super().__init__(config)
        self.leaving = leaving

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # NOTE: uvicorn closes at once every connection with no request in progress: one
        # accepted just before, whose request is on its way, or a kept-alive one whose
        # client is sending its next request. Stop accepting first, then answer such
        # requests with "Connection: close" until no connection is left (at most _LINGER
        # seconds), and only then shut down as uvicorn does.
        for server in self.servers:
            server.close()
        self.leaving.set()  # the supervisor starts the replacement now
        if _recycler is not None:
            _recycler.retire()
        deadline = time.monotonic() + _LINGER
        while self.server_state.connections and time.monotonic() < deadline:
            for connection in list(self.server_state.connections):
                cycle = getattr(connection, "cycle", None)
                if cycle is not None and not cycle.response_complete:
                    connection.shutdown()  # the response in progress closes the connection
            await asyncio.sleep(_POLL)
        await super().shutdown(sockets)


def _run_worker(config: uvicorn.Config, leaving: Event, sockets: list[socket.socket]) -> None:
    _Server(config, leaving).run(sockets)


class _Worker:
    """One worker process, and the event it sets when it starts to stop."""

    def __init__(self, config: uvicorn.Config, sockets: list[socket.socket]) -> None:
        self.leaving = _SPAWN.Event()
        target = partial(_run_worker, config, self.leaving)
        self.process: SpawnProcess = get_subprocess(config, target, sockets)
        self.process.start()


def _supervise(config: uvicorn.Config, sockets: list[socket.socket], workers: int) -> int:
    """Keep ``workers`` uvicorn processes running until SIGTERM or SIGINT; the exit status.

    A worker that starts to stop (past ``--max-requests``) is replaced at once, while it
    answers the connections it still holds.
    """
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in _STOP_SIGNALS}
    current = [_Worker(config, sockets) for _ in range(workers)]
    leaving: list[SpawnProcess] = []
    status = 0
    try:
        while not stop.wait(0.05):
            leaving = [p for p in leaving if p.is_alive()]
            for index, worker in enumerate(current):
                if worker.leaving.is_set():
                    leaving.append(worker.process)
                elif worker.process.is_alive():
                    continue
                else:
                    worker.process.join()
                    if worker.process.exitcode == STARTUP_FAILURE:
                        stop.set()  # the app cannot load: every new worker would fail alike
                        status = 1
                        break
                if stop.is_set():  # SIGINT reaches the workers too (the terminal's group)
                    break
                current[index] = _Worker(config, sockets)  # retired, or crashed
    finally:
        processes = [w.process for w in current] + leaving
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes in-flight requests
        deadline = time.monotonic() + (config.timeout_graceful_shutdown or 30) + 5
        for process in processes:
            process.join(max(0.1, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status


_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _tcp_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(_BACKLOG)
    sock.set_inheritable(True)
    return sock


def _unix_socket(path: str) -> socket.socket:
    if os.path.exists(path):
        os.unlink(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(path)
    os.chmod(path, 0o666)  # as uvicorn's own --uds: the proxy in front must connect
    sock.listen(_BACKLOG)
    sock.set_inheritable(True)
    return sock
