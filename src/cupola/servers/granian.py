"""Serve an app on granian, the default server of ``cupola serve``.

Granian (a Rust HTTP server) runs the app's WSGI callable, or its ASGI one when the app has
WebSocket routes. Two things granian does not do on its own are added here:

- ``--max-requests``: each worker counts its requests (:mod:`cupola.servers.recycle`) and,
  at its limit, answers with ``Connection: close`` from then on and tells the main process
  through a pipe. The main process starts a replacement and waits until it has loaded the
  app; only then does it stop the old worker, and never while that worker may still be
  handed a connection or hold one with a request on its way. On Linux over TCP each worker
  has its own listening socket in one ``SO_REUSEPORT`` group
  (:mod:`cupola.servers.reuseport`): the old worker's socket stops receiving new
  connections, the old worker answers the connections it holds (each closed after its
  answer) and gets SIGTERM once it holds none (or after ``_LINGER`` seconds for a client
  that keeps an idle connection open). Elsewhere, and on a Unix socket, the workers share
  the main process's listening socket, so connections queued meanwhile wait for the next
  worker, but one the old worker accepted just before it stops may be closed unanswered.
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
import time
from collections.abc import Callable
from functools import partial
from multiprocessing import util as mp_util
from pathlib import Path
from typing import Any, cast

from granian.constants import Interfaces
from granian.http import HTTP1Settings
from granian.net import SocketSpec  # type: ignore[attr-defined]  # re-exported from _granian
from granian.server.mp import MPServer

from cupola.servers import reuseport
from cupola.servers.base import ServeOptions, ServerAdapter, load_served_app
from cupola.servers.recycle import Recycler

__all__ = ["GranianAdapter"]

# NOTE: granian's header read timeout is capped at 60 s.
_MAX_HEADER_TIMEOUT_MS = 60_000
# Seconds a replacement worker gets to load the app before the old one is stopped anyway.
_READY_TIMEOUT = 60.0
# Seconds a retiring worker keeps a connection its client leaves idle (as gunicorn does).
_LINGER = 2.0
# Seconds for handshakes the kernel gave the retiring worker's socket before it was steered
# away from it to reach that socket's accept queue (where they are then counted).
_HANDSHAKES = 0.05
_POLL = 0.01


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
        self._ready: set[int] = set()
        self._changed = threading.Condition()
        self._report_fd: int | None = None
        self._group: reuseport.ReusePortGroup | None = None
        # granian's WorkerProcess objects (untyped) → the listening socket each one serves
        self._sockets: dict[Any, socket.socket] = {}

    def loader(self, interface: str) -> Callable[..., Any]:
        """The function each worker calls to load the app (picklable: a partial)."""
        if self.max_requests is not None:
            read_fd, self._report_fd = os.pipe()
            threading.Thread(target=self._listen, args=(read_fd,), daemon=True).start()
        return partial(_worker_app, interface, self.max_requests, self._report_fd)

    def _listen(self, read_fd: int) -> None:
        """Read the workers' reports: ``ready PID`` and ``limit PID``."""
        with os.fdopen(read_fd, "rb", buffering=0) as pipe:
            for line in pipe:
                what, _, pid_text = line.decode().partition(" ")
                pid = int(pid_text)
                with self._changed:
                    if what == "ready":
                        self._ready.add(pid)
                    else:
                        found = [w.idx for w in self.wrks if cast(Any, w)._id() == pid]
                        self._retiring.extend(i for i in found if i not in self._retiring)
                    self._changed.notify_all()
                if what == "limit":
                    # NOTE: granian's main loop handles its RSS signal by calling
                    # _handle_rss_signal, overridden below; the RSS monitor itself stays off.
                    self.rss_signal = True
                    self.main_loop_interrupt.set()

    def _handle_rss_signal(self, spawn_target: Any, target_loader: Any) -> None:
        with self._changed:
            retiring, self._retiring = self._retiring, []
        if retiring:
            self._respawn_workers(retiring, spawn_target, target_loader)

    def _watch_workers_rss(self) -> None:
        if self.workers_rss is not None:  # pragma: no cover - cupola serve never sets it
            cast(Any, super())._watch_workers_rss()

    def _init_shared_socket(self) -> None:
        if self.max_requests is None or not reuseport.SUPPORTED or self.bind_uds:
            # granian's own: one socket per worker built in the worker (Linux, TCP), or
            # one the workers share (a Unix socket, other platforms)
            cast(Any, super())._init_shared_socket()
            return
        state = cast(Any, self)
        state._ssp = state._shd = state._sfd = state._sso = None
        self._group = reuseport.ReusePortGroup()  # one socket per worker, see _spawn_worker

    def _build_socket(self) -> tuple[Any, socket.socket]:
        holder: Any = SocketSpec(self.bind_addr, self.bind_port, self.backlog).build()
        sock = socket.socket(fileno=holder.get_fd())
        sock.set_inheritable(True)
        return holder, sock

    def _drop_shared_socket(self) -> None:
        if self._group is None:
            cast(Any, super())._drop_shared_socket()
            return
        for sock in list(self._group.sockets):
            self._group.remove(sock)
        self._sockets.clear()

    def _spawn_worker(  # type: ignore[override]  # MPServer's has no socket_loader
        self, idx: int, target: Any, callback_loader: Any
    ) -> Any:
        if self._group is None:
            return super()._spawn_worker(idx, target, callback_loader)
        holder, sock = self._build_socket()
        self._group.add(sock, self.backlog)
        # NOTE: workers are forked: each inherits every socket of the group and must close
        # the others, or a socket would outlive its worker in the group (see _worker_app).
        others = tuple(s for s in self._group.sockets if s is not sock)
        state = cast(Any, self)  # read by MPServer._spawn_worker
        state._shd, state._sfd, state._sso = holder, sock.fileno(), sock
        worker = super()._spawn_worker(idx, target, partial(callback_loader, others=others))
        self._sockets[worker] = sock
        return worker

    def _respawn_workers(
        self, workers: list[int], spawn_target: Any, target_loader: Any, delay: float = 0
    ) -> None:
        """Replace each worker in turn; the old one stops once the new one has loaded."""
        if self.max_requests is None:
            cast(Any, super())._respawn_workers(workers, spawn_target, target_loader, delay)
            return
        for idx in workers:
            self.respawned_wrks[idx] = time.monotonic()
            old = self.wrks[idx]
            new = self._spawn_worker(idx, spawn_target, target_loader)
            new.start()
            self.wrks[idx] = new
            self._wait_ready([new])
            sock = self._sockets.pop(old, None)
            if self._group is not None and sock is not None:
                self._group.steer_away(sock)
                self._drain(old, sock)
            self._stop(old)
            if self._group is not None and sock is not None:
                self._wait_ready(self.wrks)  # every other holder of the socket closed it
                self._group.remove(sock)
                self._group.spread()
        self._metrics.incr_spawn(len(workers))

    def _wait_ready(self, workers: list[Any]) -> None:
        deadline = time.monotonic() + _READY_TIMEOUT
        with self._changed:
            for worker in workers:
                while worker._id() not in self._ready and worker.is_alive():
                    if not self._changed.wait(max(0.0, deadline - time.monotonic())):
                        return

    @staticmethod
    def _drain(worker: Any, sock: socket.socket) -> None:
        """Wait until ``worker`` holds no connection (or ``_LINGER`` seconds have passed)."""
        time.sleep(_HANDSHAKES)
        deadline = time.monotonic() + _LINGER
        pid = worker._id()
        while reuseport.open_connections(pid, sock) and time.monotonic() < deadline:
            time.sleep(_POLL)

    def _stop(self, worker: Any) -> None:
        worker.terminate()
        worker.join(self.workers_kill_timeout)
        if worker.is_alive():
            worker.kill()
            worker.join()


def _worker_app(
    interface: str,
    max_requests: int | None,
    report_fd: int | None,
    others: tuple[socket.socket, ...] = (),
) -> Any:
    """Load the app in a worker; count its requests when it must retire after N."""
    for sock in others:
        sock.close()
    if interface == "wsgi":
        # NOTE: multiprocessing runs its finalizers, not atexit, when the worker ends.
        mp_util.Finalize(None, atexit._run_exitfuncs, exitpriority=0)
    app = load_served_app("asgi" if interface == "asgi" else "wsgi")
    if max_requests is None or report_fd is None:
        return app
    # A little jitter, so workers started together do not all retire together.
    limit = max_requests + random.randint(0, max_requests // 20)
    served = Recycler(limit, partial(_report, report_fd, "limit")).wrap(app, interface)
    _report(report_fd, "ready")
    return served


def _report(fd: int, what: str) -> None:
    os.write(fd, f"{what} {os.getpid()}\n".encode())
