"""A private PostgreSQL restarted under load, with a transaction in flight.

The app runs on a threaded WSGI server in this process, which is never restarted. While
clients read and a request holds an open transaction, PostgreSQL is restarted (fast mode:
open transactions are rolled back). Every answer is a 200 or a 503 (never a 500 or a hang),
the transaction in flight is not half-applied, every row committed before is still there,
and the same workers serve normally once the database is back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import httpx
import pytest
from sqlalchemy import func, select

from tests.db.conftest import Setup, build
from tests.e2e.private_services import PrivatePostgres

pytestmark = pytest.mark.e2e


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 64


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean."""


@pytest.fixture(scope="module")
def postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    try:
        server.start()
        yield server
    finally:
        server.stop()
        server.remove()


def routes(s: Setup, in_flight: threading.Event) -> None:
    @s.app.get("/count")
    def count() -> Any:
        return {"n": s.db.session.scalar(select(func.count()).select_from(s.Book))}

    @s.app.post("/books/<title>")
    def add(title: str) -> Any:
        s.db.session.add(s.Book(title=title))
        s.db.session.commit()
        return {"added": title}

    @s.app.post("/slow/<title>")
    def slow(title: str) -> Any:
        s.db.session.add(s.Book(title=title))
        s.db.session.flush()  # the row is written, the transaction still open
        in_flight.set()
        time.sleep(1.5)
        s.db.session.commit()
        return {"added": title}


def test_restart_under_load_with_a_transaction_in_flight(postgres: PrivatePostgres) -> None:
    s = build(postgres.url, DATABASE_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}})
    in_flight = threading.Event()
    routes(s, in_flight)
    with s.app.app_context():
        s.db.create_all()
    server = make_server("127.0.0.1", 0, s.app, _Server, _QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    stop = threading.Event()
    statuses: list[int] = []

    def read() -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            while not stop.is_set():
                statuses.append(client.get("/count").status_code)

    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            for title in ("Dune", "Emma", "Ulysses"):
                assert client.post(f"/books/{title}").status_code == 200
            with ThreadPoolExecutor(5) as pool:
                readers = [pool.submit(read) for _ in range(3)]
                in_flight_answer = pool.submit(client.post, "/slow/Lost")
                assert in_flight.wait(10)
                postgres.restart()
                stopped = time.monotonic()
                answer = in_flight_answer.result(timeout=30)
                time.sleep(0.5)
                stop.set()
                for reader in readers:
                    reader.result(timeout=30)
            assert answer.status_code == 503, answer.text
            assert answer.headers["Retry-After"] == "5"
            assert time.monotonic() - stopped < 10
            assert set(statuses) <= {200, 503}, sorted(set(statuses))
            # The same workers, no restart: committed rows kept, the half-done one absent.
            assert client.get("/count").json() == {"n": 3}
            assert client.post("/books/Persuasion").status_code == 200
            assert client.get("/count").json() == {"n": 4}
    finally:
        server.shutdown()
        server.server_close()
        with s.app.app_context():
            s.db.drop_all()
            s.db.dispose()
