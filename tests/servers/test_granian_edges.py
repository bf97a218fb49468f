"""cupola.servers.granian: the worker bookkeeping behind --max-requests, with stand-in workers.

Real processes are recycled in test_servers.py; these cover the paths they rarely take.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import pytest

from cupola.servers import granian as granian_module
from cupola.servers.granian import _Server
from cupola.servers.recycle import Recycler


class FakeWorker:
    """Stands in for granian's WorkerProcess: a pid, a liveness flag and what was done to it."""

    def __init__(self, idx: int, pid: int, *, stubborn: bool = False) -> None:
        self.idx = idx
        self.pid = pid
        self.alive = True
        self.stubborn = stubborn  # ignores SIGTERM
        self.calls: list[str] = []

    def _id(self) -> int:
        return self.pid

    def start(self) -> None:
        self.calls.append("start")

    def is_alive(self) -> bool:
        return self.alive

    def terminate(self) -> None:
        self.calls.append("terminate")
        if not self.stubborn:
            self.alive = False

    def kill(self) -> None:
        self.calls.append("kill")
        self.alive = False

    def join(self, timeout: float | None = None) -> None:
        self.calls.append("join")


def make_server(max_requests: int | None = 10) -> _Server:
    return _Server("cupola", max_requests=max_requests, workers=2, workers_kill_timeout=1)


def test_listener_records_ready_and_limit_reports_until_the_pipe_closes() -> None:
    server = make_server()
    server.wrks = [FakeWorker(0, 100), FakeWorker(1, 101)]  # type: ignore[list-item]
    read_fd, write_fd = os.pipe()
    listener = threading.Thread(target=server._listen, args=(read_fd,))
    listener.start()
    os.write(write_fd, b"ready 100\nlimit 101\nlimit 101\n")
    os.close(write_fd)  # every worker gone: the listener ends
    listener.join(5)
    assert not listener.is_alive()
    assert server._ready == {100}
    assert server._retiring == [1]  # reported twice, retired once
    assert server.rss_signal is True
    assert server.main_loop_interrupt.is_set()


def test_signal_without_retiring_workers_respawns_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    server = make_server()
    respawned: list[list[int]] = []
    monkeypatch.setattr(server, "_respawn_workers", lambda w, *_: respawned.append(w))
    server._handle_rss_signal(None, None)
    assert respawned == []
    server._retiring = [1]
    server._handle_rss_signal(None, None)
    assert respawned == [[1]]
    assert server._retiring == []


def spawner(server: _Server, pids: list[int], *, ready: bool) -> list[FakeWorker]:
    """Make ``server._spawn_worker`` hand out fake workers with ``pids`` (ready at once or not)."""
    spawned: list[FakeWorker] = []

    def spawn(idx: int, target: Any, callback_loader: Any) -> FakeWorker:
        worker = FakeWorker(idx, pids[len(spawned)])
        if ready:
            server._ready.add(worker.pid)
        spawned.append(worker)
        return worker

    server._spawn_worker = spawn  # type: ignore[method-assign]
    return spawned


def test_respawn_without_max_requests_is_granians_own() -> None:
    server = make_server(max_requests=None)
    old = FakeWorker(0, 100)
    server.wrks = [old]  # type: ignore[list-item]
    spawned = spawner(server, [200], ready=False)
    server._respawn_workers([0], None, None)
    assert server.wrks == spawned
    assert spawned[0].calls == ["start"]
    assert old.calls[0] == "terminate"
    assert not old.alive


def test_respawn_on_a_shared_socket_replaces_each_worker_in_turn() -> None:
    server = make_server()
    assert server._group is None  # a Unix socket or a platform without SO_REUSEPORT
    olds = [FakeWorker(0, 100), FakeWorker(1, 101)]
    server.wrks = list(olds)  # type: ignore[arg-type]
    spawned = spawner(server, [200, 201], ready=True)
    server._respawn_workers([0, 1], None, None)
    assert server.wrks == spawned
    assert set(server.respawned_wrks) == {0, 1}
    for old in olds:
        assert old.calls == ["terminate", "join"]
        assert not old.alive


def test_an_old_worker_ignoring_sigterm_is_killed() -> None:
    server = make_server()
    stubborn = FakeWorker(0, 100, stubborn=True)
    server._stop(stubborn)
    assert stubborn.calls == ["terminate", "join", "kill", "join"]
    assert not stubborn.alive


def test_waiting_for_a_replacement_that_never_loads_gives_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(granian_module, "_READY_TIMEOUT", 0.05)
    server = make_server()
    started = time.monotonic()
    server._wait_ready([FakeWorker(0, 100)])  # alive, never reports ready
    assert time.monotonic() - started < 2


def test_waiting_for_a_replacement_ends_when_it_reports_ready() -> None:
    server = make_server()
    worker = FakeWorker(0, 100)

    def report() -> None:
        time.sleep(0.05)
        with server._changed:
            server._ready.add(100)
            server._changed.notify_all()

    reporter = threading.Thread(target=report)
    reporter.start()
    server._wait_ready([worker])
    reporter.join()
    assert 100 in server._ready


def test_a_worker_without_a_limit_callback_still_retires_at_its_limit() -> None:
    recycler = Recycler(2)
    app = recycler.wrap(lambda environ, start_response: [b""], "wsgi")
    app({}, None)
    assert not recycler.retiring
    app({}, None)
    assert recycler.retiring


def test_drain_waits_for_the_old_workers_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(granian_module, "_HANDSHAKES", 0)
    held = [2, 1, 0, 5]  # the worker answers two connections, then holds none
    seen: list[int] = []

    def open_connections(pid: int, sock: Any) -> int:
        seen.append(pid)
        return held.pop(0)

    monkeypatch.setattr(granian_module.reuseport, "open_connections", open_connections)
    _Server._drain(FakeWorker(0, 100), None)  # type: ignore[arg-type]
    assert seen == [100, 100, 100]
    assert held == [5]
