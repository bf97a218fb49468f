"""The test client's WebSocket sessions: timeouts, type mismatches, handlers that never end."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from cupola import Cupola
from cupola.asgi import Receive, Scope, Send
from cupola.testing import TestClient, WebSocketRejected, WebSocketTestSession
from cupola.websockets import WebSocket, WebSocketDisconnect


def test_a_silent_handler_times_out_instead_of_hanging(app: Cupola, client: TestClient) -> None:
    @app.websocket("/silent")
    async def silent(ws: WebSocket) -> None:
        await ws.accept()
        await ws.receive_text()

    with client.websocket_connect("/silent", timeout=0.1) as ws, pytest.raises(TimeoutError):
        ws.receive_text()


def test_receiving_the_wrong_kind_is_a_type_error(app: Cupola, client: TestClient) -> None:
    @app.websocket("/both")
    async def both(ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_bytes(b"raw")
        await ws.send_text("text")

    with client.websocket_connect("/both") as ws:
        with pytest.raises(TypeError, match="got a binary one"):
            ws.receive_text()
        with pytest.raises(TypeError, match="got a text one"):
            ws.receive_bytes()


def test_a_handler_that_ignores_the_close_fails_the_test(app: Cupola, client: TestClient) -> None:
    @app.websocket("/stubborn")
    async def stubborn(ws: WebSocket) -> None:
        await ws.accept()
        try:
            await ws.receive_text()
        except WebSocketDisconnect:
            await asyncio.sleep(30)

    session = client.websocket_connect("/stubborn", timeout=0.2)
    session.__enter__()
    with pytest.raises(TimeoutError, match=r"did not end within 0\.2 s"):
        session.close()


def test_sending_after_the_client_left_ends_the_handler(app: Cupola, client: TestClient) -> None:
    codes: list[int | None] = []

    @app.websocket("/ticks")
    async def ticks(ws: WebSocket) -> None:
        await ws.accept()
        try:
            while True:
                await ws.send_text("tick")
                await asyncio.sleep(0.005)
        except WebSocketDisconnect as exc:
            codes.extend([exc.code, ws.close_code])

    with client.websocket_connect("/ticks") as ws:
        assert ws.receive_text() == "tick"
    assert codes == [1006, 1006]


def test_an_app_error_reaches_the_test(client: TestClient) -> None:
    async def broken(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        raise LookupError("escaped the app")

    session = WebSocketTestSession(client, "/")
    session._app = broken
    with pytest.raises(LookupError, match="escaped the app"):
        session.__enter__()


def test_an_app_that_ends_without_closing(client: TestClient) -> None:
    async def rude(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.accept"})

    session = WebSocketTestSession(client, "/")
    session._app = rude
    with session, pytest.raises(RuntimeError, match="without closing it"):
        session.receive()


def test_a_close_before_accept_is_a_403(client: TestClient) -> None:
    async def closer(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.close", "code": 1008})

    session = WebSocketTestSession(client, "/")
    session._app = closer
    with pytest.raises(WebSocketRejected) as info:
        session.__enter__()
    assert (info.value.status, info.value.body) == (403, b"")
    assert str(info.value) == "The WebSocket handshake was refused with 403"


def test_a_denial_body_may_come_in_parts(client: TestClient) -> None:
    async def denier(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        messages: list[dict[str, Any]] = [
            {"type": "websocket.http.response.start", "status": 401, "headers": []},
            {"type": "websocket.http.response.body", "body": b"sign ", "more_body": True},
            {"type": "websocket.http.response.body", "body": b"in"},
        ]
        for message in messages:
            await send(message)

    session = WebSocketTestSession(client, "/")
    session._app = denier
    with pytest.raises(WebSocketRejected) as info:
        session.__enter__()
    assert (info.value.status, info.value.body) == (401, b"sign in")


def test_an_unexpected_first_message_is_reported(client: TestClient) -> None:
    async def chatty(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.send", "text": "too early"})

    session = WebSocketTestSession(client, "/")
    session._app = chatty
    with pytest.raises(RuntimeError, match=r"answered the handshake with 'websocket\.send'"):
        session.__enter__()


def test_closing_the_client_ends_sockets_left_open(app: Cupola) -> None:
    ended: list[str] = []

    @app.websocket("/forever")
    async def forever(ws: WebSocket) -> None:
        await ws.accept()
        try:
            await ws.receive_text()
        finally:
            ended.append("ended")

    client = app.test_client()
    client.websocket_connect("/forever").__enter__()  # never closed by the test
    client.close()
    assert ended == ["ended"]
