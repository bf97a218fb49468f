"""cupola.servers.reuseport: steering new connections away from a retiring worker's socket."""

from __future__ import annotations

import os
import socket
import time

import pytest

from cupola.servers import reuseport

pytestmark = pytest.mark.skipif(not reuseport.SUPPORTED, reason="Linux reuseport groups")

HOST = "127.0.0.1"


def listening(port: int, group: reuseport.ReusePortGroup) -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((HOST, port))
    group.add(sock, 64)
    sock.setblocking(False)
    return sock


def accept_all(sock: socket.socket) -> int:
    count = 0
    while True:
        try:
            conn, _ = sock.accept()
        except BlockingIOError:
            return count
        conn.close()
        count += 1


def connect(port: int, count: int) -> list[socket.socket]:
    clients = [socket.create_connection((HOST, port)) for _ in range(count)]
    time.sleep(0.05)  # every handshake reaches an accept queue
    return clients


@pytest.fixture
def group() -> reuseport.ReusePortGroup:
    return reuseport.ReusePortGroup()


def test_steered_away_socket_gets_no_new_connection(group: reuseport.ReusePortGroup) -> None:
    first = listening(0, group)
    port = first.getsockname()[1]
    second, third = listening(port, group), listening(port, group)
    clients: list[socket.socket] = []
    try:
        group.steer_away(second)
        clients += connect(port, 60)
        counts = [accept_all(s) for s in (first, second, third)]
        assert counts[1] == 0 and sum(counts) == 60
        assert counts[0] and counts[2]  # still spread over the others
        # the retiring socket leaves; the last one takes its slot, steering stays right
        group.remove(second)
        assert group.sockets == [first, third]
        group.steer_away(first)
        clients += connect(port, 20)
        assert (accept_all(first), accept_all(third)) == (0, 20)
        group.spread()
        clients += connect(port, 40)
        assert accept_all(first) and accept_all(third)
    finally:
        for sock in list(group.sockets):
            group.remove(sock)
        for client in clients:
            client.close()


def test_open_connections_counts_queued_and_held_ones(group: reuseport.ReusePortGroup) -> None:
    listener = listening(0, group)
    port = listener.getsockname()[1]
    try:
        assert reuseport.open_connections(os.getpid(), listener) == 0
        clients = connect(port, 3)
        assert reuseport.open_connections(os.getpid(), listener) == 6  # 3 queued, 3 clients
        accepted = [listener.accept()[0] for _ in range(2)]
        # 1 queued, 2 accepted, and the 3 client ends this process holds as well
        assert reuseport.open_connections(os.getpid(), listener) == 6
        for conn in [*accepted, *clients]:
            conn.close()
    finally:
        group.remove(listener)
    assert reuseport.open_connections(999_999_999, listener) == 0  # no such process
