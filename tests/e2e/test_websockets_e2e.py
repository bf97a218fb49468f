"""WebSockets over a real uvicorn process, with the ``websockets`` client library.

Echo, a JSON consumer with groups across two clients (in-memory layer), close codes, the
origin check, the message size limit; and 426 for plain HTTP under gunicorn and uvicorn.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

pytestmark = pytest.mark.e2e

uvicorn_only = pytest.mark.parametrize("server", ["uvicorn"], indirect=True)
LIMIT = 4096  # WEBSOCKET_MAX_MESSAGE_SIZE of apps/e2e_app.py


def ws_url(server_url: str, path: str) -> str:
    return server_url.replace("http://", "ws://", 1) + path


def open_socket(server_url: str, path: str, **kwargs: Any) -> ClientConnection:
    return connect(ws_url(server_url, path), open_timeout=5, close_timeout=5, **kwargs)


@uvicorn_only
def test_echo(server: Any) -> None:
    with open_socket(server.url, "/ws/echo") as ws:
        for text in ("hello", "ünïcode ✓", "x" * LIMIT):
            ws.send(text)
            assert ws.recv(timeout=5) == text


@uvicorn_only
def test_json_consumer_groups_across_two_clients(server: Any) -> None:
    with (
        open_socket(server.url, "/ws/chat/books") as alice,
        open_socket(server.url, "/ws/chat/books") as bob,
        open_socket(server.url, "/ws/chat/films") as carol,
    ):
        alice.send(json.dumps({"text": "hi all"}))
        for text in ("one", "two", "three"):
            bob.send(json.dumps({"text": text}))
        expected = [{"text": t, "room": "books"} for t in ("hi all", "one", "two", "three")]
        assert [json.loads(alice.recv(timeout=5)) for _ in range(4)] == expected
        assert [json.loads(bob.recv(timeout=5)) for _ in range(4)] == expected
        carol.send(json.dumps({"text": "films only"}))
        assert json.loads(carol.recv(timeout=5)) == {"text": "films only", "room": "films"}
        with pytest.raises(TimeoutError):
            alice.recv(timeout=0.2)


@uvicorn_only
def test_the_app_chooses_the_close_code(server: Any) -> None:
    with open_socket(server.url, "/ws/close/4321") as ws:
        ws.send("close please")
        with pytest.raises(ConnectionClosed) as info:
            ws.recv(timeout=5)
    assert info.value.rcvd is not None
    assert (info.value.rcvd.code, info.value.rcvd.reason) == (4321, "closing as asked")


@uvicorn_only
def test_a_handler_exception_closes_with_1011_and_spares_others(server: Any) -> None:
    with open_socket(server.url, "/ws/echo") as other, open_socket(server.url, "/ws/fail") as ws:
        ws.send("trigger")
        with pytest.raises(ConnectionClosed) as info:
            ws.recv(timeout=5)
        other.send("still here")
        assert other.recv(timeout=5) == "still here"
    assert info.value.rcvd is not None and info.value.rcvd.code == 1011
    assert "handler bug" not in info.value.rcvd.reason
    assert "RuntimeError: handler bug" in server.log.read_text()


@uvicorn_only
def test_an_oversized_message_closes_with_1009(server: Any) -> None:
    with open_socket(server.url, "/ws/echo") as ws:
        ws.send("x" * (LIMIT + 1))
        with pytest.raises(ConnectionClosed) as info:
            ws.recv(timeout=5)
    assert info.value.rcvd is not None and info.value.rcvd.code == 1009


@uvicorn_only
@pytest.mark.parametrize("origin", ["http://evil.example", "null"])
def test_a_foreign_origin_is_refused_with_403(server: Any, origin: str) -> None:
    with pytest.raises(InvalidStatus) as info:
        open_socket(server.url, "/ws/echo", origin=origin)
    assert info.value.response.status_code == 403


@uvicorn_only
def test_the_same_origin_is_accepted(server: Any) -> None:
    own = server.url.replace("127.0.0.1", "localhost")
    with open_socket(own, "/ws/echo", origin=own) as ws:
        ws.send("same site")
        assert ws.recv(timeout=5) == "same site"


@uvicorn_only
def test_no_route_is_refused_with_404(server: Any) -> None:
    with pytest.raises(InvalidStatus) as info:
        open_socket(server.url, "/ws/missing")
    assert info.value.response.status_code == 404


def test_plain_http_to_a_websocket_route_answers_426(server: Any) -> None:
    response = httpx.get(f"{server.url}/ws/echo", timeout=5)
    assert response.status_code == 426
    assert response.headers["upgrade"].lower() == "websocket"
    assert "WebSocket endpoint" in response.text
