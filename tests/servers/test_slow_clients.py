"""Slow clients against ``cupola serve`` with its default settings (granian, CPU-count workers).

A few raw-socket clients send their request head, or their body, a byte at a time; other
clients must keep getting answers meanwhile (DESIGN §7: slow clients are the server's
business). The test is bounded: about 4 seconds of trickling.

Starvation is judged on the median answer time. A single answer may be late when the
machine is busy (the servers' workers run under coverage in CI): each request may take up
to ``ANSWER_TIMEOUT`` seconds, and one that takes that long fails the test.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.e2e

SLOW_CLIENTS = 8  # of each kind
TRICKLE_SECONDS = 4.0
ANSWER_TIMEOUT = 10.0


def slow_headers(port: int, stop: threading.Event) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET /plain HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        while not stop.wait(0.2):
            try:
                sock.sendall(b"X")  # a header line that never ends
            except OSError:
                return  # the server gave up on us: fine


def slow_body(port: int, stop: threading.Event) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(
            b"POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
            b"Content-Length: 100000\r\n\r\n"
        )
        while not stop.wait(0.2):
            try:
                sock.sendall(b"x")
            except OSError:
                return


def test_slow_headers_and_bodies_do_not_starve_other_clients(launcher: Any) -> None:
    with launcher.serving() as served:  # the default server and worker count
        stop = threading.Event()
        slow = [
            threading.Thread(target=kind, args=(served.port, stop))
            for kind in (slow_headers, slow_body)
            for _ in range(SLOW_CLIENTS)
        ]
        for thread in slow:
            thread.start()
        try:
            time.sleep(0.5)  # every slow client is connected and trickling
            timings = []
            end = time.monotonic() + TRICKLE_SECONDS
            while time.monotonic() < end:
                started = time.monotonic()
                response = httpx.get(f"{served.url}/plain", timeout=ANSWER_TIMEOUT)
                timings.append(time.monotonic() - started)
                assert response.text == "Hello, world!"
                upload = httpx.post(
                    f"{served.url}/upload", content=b"y" * 1000, timeout=ANSWER_TIMEOUT
                )
                assert upload.text == "1000"
                time.sleep(0.05)
        finally:
            stop.set()
            for thread in slow:
                thread.join(10)
    assert len(timings) >= 10
    assert sorted(timings)[len(timings) // 2] < 0.5, timings
    assert "on granian (WSGI" in served.output()


def test_timeout_bounds_the_time_to_send_a_request_head(launcher: Any) -> None:
    with (
        launcher.serving("--workers", "1", "--timeout", "1") as served,
        socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock,
    ):
        sock.sendall(b"GET /plain HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and nothing more
        started = time.monotonic()
        received = sock.recv(1024)  # the server answers (408) or closes
        waited = time.monotonic() - started
    assert waited < 5, waited
    assert received == b"" or received.startswith(b"HTTP/1.1 408")
