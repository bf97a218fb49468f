"""Serve an app on granian, the default server of ``cupola serve``.

Granian (a Rust HTTP server) runs the app's WSGI callable, or its ASGI one when the app has
WebSocket routes. Two things granian does not do on its own are added here:

- ``--max-requests``: each worker counts its requests and, past its limit, tells the main
  process through a pipe; the main process starts a replacement, then stops the old
  worker gracefully (granian's own respawn path). The workers then share one listening
  socket held by the main process, so connections queued while a worker retires wait for
  the next one instead of being reset (granian's default per-worker ``SO_REUSEPORT``
  sockets drop their queue when a worker exits, unless ``net.ipv4.tcp_migrate_req`` is on).
- WSGI shutdown functions: granian's worker processes end through ``multiprocessing``,
  which skips :mod:`atexit`, where the WSGI adapter puts ``on_shutdown`` functions; they
  are run at the worker's exit instead.
"""

from __future__ import annotations

import atexit
import os
import random
import socket
import threading
from collections.abc import Callable
from functools import partial
from multiprocessing import util as mp_util
from pathlib import Path
from typing import Any, cast

from granian.constants import Interfaces
from granian.http import HTTP1Settings
from granian.net import SocketSpec  # type: ignore[attr-defined]  # re-exported from _granian
from granian.server.mp import MPServer

from cupola.servers.base import ServeOptions, ServerAdapter, load_served_app

__all__ = ["GranianAdapter", "counted"]

# NOTE: granian's header read timeout is capped at 60 s.
_MAX_HEADER_TIMEOUT_MS = 60_000
# Seconds the replacement worker gets to load the app before the old one stops accepting.
_RESPAWN_DELAY = 1.0


class GranianAdapter(ServerAdapter):
    """granian: WSGI or ASGI, one address (``--bind`` or ``--uds``)."""

    name = "granian"
    many_binds = False

    def run(self, options: ServeOptions) -> int:
        """Serve until SIGTERM or SIGINT; granian exits non-zero when a worker failed."""
        os.environ.update(options.environ())
        host, port = options.binds[0] if options.binds else ("127.0.0.1", 8000)
        asgi = options.interface == "asgi"
        settings: dict[str, Any] = {
            "address": host,
            "port": port,
            "uds": Path(options.uds) if options.uds else None,
            "interface": Interfaces.ASGI if asgi else Interfaces.WSGI,
            "workers": options.workers,
            "websockets": asgi,
            "http1_settings": HTTP1Settings(
                header_read_timeout=min(options.timeout * 1000, _MAX_HEADER_TIMEOUT_MS)
            ),
            "workers_kill_timeout": max(1, options.graceful_timeout),
            "log_access": False,
        }
        if options.threads and not asgi:
            settings["blocking_threads"] = options.threads
        server = _Server("cupola", max_requests=options.max_requests, **settings)
        server.serve(target_loader=server.loader(options.interface), wrap_loader=False)
        return 0


class _Server(MPServer):
    """granian's multi-process server, able to retire a worker after N requests."""

    def __init__(self, target: str, *, max_requests: int | None, **settings: Any) -> None:
        super().__init__(target, **settings)
        self.max_requests = max_requests
        self._retiring: list[int] = []
        self._lock = threading.Lock()
        self._report_fd: int | None = None

    def loader(self, interface: str) -> Callable[[], Any]:
        """The function each worker calls to load the app (picklable: a partial)."""
        if self.max_requests is not None:
            read_fd, self._report_fd = os.pipe()
            threading.Thread(target=self._listen, args=(read_fd,), daemon=True).start()
        return partial(_worker_app, interface, self.max_requests, self._report_fd)

    def _listen(self, read_fd: int) -> None:
        """Read the PIDs of workers past their limit; wake the main loop to replace them."""
        with os.fdopen(read_fd, "rb", buffering=0) as pipe:
            for line in pipe:
                pid = int(line)
                with self._lock:
                    found = [w.idx for w in self.wrks if cast(Any, w)._id() == pid]
                    self._retiring.extend(i for i in found if i not in self._retiring)
                # NOTE: granian's main loop handles its RSS signal by calling
                # _handle_rss_signal, overridden below; the RSS monitor itself stays off.
                self.rss_signal = True
                self.main_loop_interrupt.set()

    def _handle_rss_signal(self, spawn_target: Any, target_loader: Any) -> None:
        with self._lock:
            retiring, self._retiring = self._retiring, []
        if retiring:
            self._respawn_workers(retiring, spawn_target, target_loader, delay=_RESPAWN_DELAY)

    def _watch_workers_rss(self) -> None:
        if self.workers_rss is not None:  # pragma: no cover - cupola serve never sets it
            cast(Any, super())._watch_workers_rss()

    def _init_shared_socket(self) -> None:
        if self.max_requests is None or self.bind_uds:
            cast(Any, super())._init_shared_socket()
            return
        # One listening socket for every worker (as granian does on other platforms).
        shared: Any = SocketSpec(self.bind_addr, self.bind_port, self.backlog).build()
        self._shd = shared
        self._sfd = shared.get_fd()
        self._ssp = None
        sock = socket.socket(fileno=self._sfd)
        sock.set_inheritable(True)
        self._sso = sock


def _worker_app(interface: str, max_requests: int | None, report_fd: int | None) -> Any:
    """Load the app in a worker; count its requests when it must retire after N."""
    if interface == "wsgi":
        # NOTE: multiprocessing runs its finalizers, not atexit, when the worker ends.
        mp_util.Finalize(None, atexit._run_exitfuncs, exitpriority=0)
    app = load_served_app("asgi" if interface == "asgi" else "wsgi")
    if max_requests is None or report_fd is None:
        return app
    # A little jitter, so workers started together do not all retire together.
    limit = max_requests + random.randint(0, max_requests // 20)
    return counted(app, interface, limit, partial(_report, report_fd))


def _report(fd: int) -> None:
    os.write(fd, f"{os.getpid()}\n".encode())


def counted(app: Any, interface: str, limit: int, on_limit: Callable[[], None]) -> Any:
    """Wrap ``app`` so that ``on_limit()`` is called once, at its ``limit``-th request.

    Args:
        app: A WSGI or ASGI callable.
        interface: ``"wsgi"`` or ``"asgi"`` (ASGI counts HTTP requests and WebSockets).
        limit: The request that triggers ``on_limit``.
        on_limit: Called once, in the request that reaches the limit.
    """
    count = 0

    def tick() -> None:
        nonlocal count
        count += 1
        if count == limit:
            on_limit()

    if interface == "asgi":

        async def counted_asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] != "lifespan":
                tick()
            await app(scope, receive, send)

        return counted_asgi

    def counted_wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        tick()
        return app(environ, start_response)

    return counted_wsgi
