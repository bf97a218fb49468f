"""The database behind a real threaded server: pool hygiene, and a database that goes away.

A ``ThreadingHTTPServer``-style WSGI server (one thread per connection) serves an app whose
pool holds 5 connections; 200 requests at once must all succeed and leave every connection
back in the pool. Then PostgreSQL is reached through a TCP relay that the test cuts and
restores: requests answer 503 while it is down and 200 again once it is back.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import httpx
import pytest
from sqlalchemy import make_url, select

from tests.db.conftest import (  # the database fixtures, shared with tests/db
    Setup,
    build,
    database_url,  # noqa: F401
    make_setup,  # noqa: F401
    mysql_database_url,  # noqa: F401
    mysql_url,  # noqa: F401
    postgres_schema_url,  # noqa: F401
    postgres_url,  # noqa: F401
)

pytestmark = pytest.mark.e2e


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 256


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean."""


def serve(setup: Setup) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, setup.app, _Server, _QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def routes(s: Setup) -> None:
    @s.app.get("/books/<int:book_id>")
    def show(book_id: int) -> Any:
        book = s.db.get_or_404(s.Book, book_id)
        return {"title": book.title}

    @s.app.get("/count")
    def count() -> Any:
        return {"n": len(s.db.session.scalars(select(s.Book)).all())}


def test_200_concurrent_requests_with_a_pool_of_5(make_setup: Any) -> None:  # noqa: F811  # noqa: F811
    s: Setup = make_setup(DATABASE_POOL_SIZE=5, DATABASE_MAX_OVERFLOW=0, DATABASE_POOL_TIMEOUT=30)
    routes(s)
    with s.app.app_context():
        s.db.session.add(s.Book(title="Dune"))
        s.db.session.commit()
    server = serve(s)
    url = next(server)
    try:
        with httpx.Client(timeout=60) as client, ThreadPoolExecutor(max_workers=200) as pool:
            statuses = list(
                pool.map(lambda _: client.get(f"{url}/books/1").status_code, range(200))
            )
    finally:
        next(server, None)
    assert statuses == [200] * 200
    with s.app.app_context():
        assert s.db.engine.pool.checkedout() == 0


class Relay:
    """A TCP relay to PostgreSQL that can be cut (connections dropped) and restored."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.listener.close()
        self.sockets: list[socket.socket] = []
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
        self.listener.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets.clear()
        if self.thread is not None:
            self.thread.join()


def test_database_down_is_503_and_recovers(postgres_schema_url: str) -> None:  # noqa: F811
    # NOTE: a schema of the test's own: the shared database's public schema may hold a
    # table of the same name left by another program.
    real = make_url(postgres_schema_url)
    relay = Relay((real.host or "127.0.0.1", real.port or 5432))
    url = real.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
    s = build(url, DATABASE_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}})
    routes(s)
    client = s.app.test_client()
    try:
        down = client.get("/count")  # nothing listens yet
        assert down.status_code == 503
        assert "database is unavailable" in down.text
        assert down.headers["Retry-After"] == "5"
        assert "127.0.0.1" not in down.text and "psycopg" not in down.text
        relay.start()
        with s.app.app_context():
            s.db.create_all()
        assert client.get("/count").json() == {"n": 0}
        relay.stop()  # pooled connections die with it
        assert client.get("/count").status_code == 503
        relay.start()
        assert client.get("/count").json() == {"n": 0}  # the pool replaced its connection
        with s.app.app_context():
            s.db.drop_all()
    finally:
        relay.stop()
        with s.app.app_context():
            s.db.dispose()
