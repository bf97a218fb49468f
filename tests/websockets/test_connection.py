"""The WebSocket object: accept, send and receive of every kind, close codes, limits."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from cupola import Cupola, current_app, g, request
from cupola.testing import TestClient, WebSocketRejected
from cupola.websockets import WebSocket, WebSocketDisconnect, WebSocketState


def test_echo_text(app: Cupola, client: TestClient) -> None:
    @app.websocket("/ws/echo")
    async def echo(ws: WebSocket) -> None:
        await ws.accept()
        async for text in ws.iter_text():
            await ws.send_text(text)

    with client.websocket_connect("/ws/echo") as ws:
        ws.send_text("hello")
        assert ws.receive_text() == "hello"
        ws.send_text("ünïcode ✓")
        assert ws.receive_text() == "ünïcode ✓"


def test_bytes_and_json(app: Cupola, client: TestClient) -> None:
    @app.websocket("/ws")
    async def handler(ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_bytes(await ws.receive_bytes() * 2)
        content = await ws.receive_json()
        await ws.send_json({"got": content})
        await ws.send_json([1, 2], binary=True)
        binary_json = await ws.receive_json()
        await ws.send_json(binary_json)

    with client.websocket_connect("/ws") as ws:
        ws.send_bytes(b"\x00\x01")
        assert ws.receive_bytes() == b"\x00\x01\x00\x01"
        ws.send_json({"a": [1, None]})
        assert ws.receive_json() == {"got": {"a": [1, None]}}
        assert ws.receive_bytes() == b"[1,2]"
        ws.send_json({"b": True}, binary=True)
        assert ws.receive_json() == {"b": True}


def test_iter_bytes_and_iter_json_end_when_the_client_closes(
    app: Cupola, client: TestClient
) -> None:
    seen: list[Any] = []

    @app.websocket("/bytes")
    async def raw(ws: WebSocket) -> None:
        await ws.accept()
        seen.extend([data async for data in ws.iter_bytes()])

    @app.websocket("/json")
    async def docs(ws: WebSocket) -> None:
        await ws.accept()
        seen.extend([doc async for doc in ws.iter_json()])
        seen.append(ws.client_state)

    with client.websocket_connect("/bytes") as ws:
        ws.send_bytes(b"a")
        ws.send_bytes(b"b")
    with client.websocket_connect("/json") as ws:
        ws.send_json({"n": 1})
    assert seen == [b"a", b"b", {"n": 1}, WebSocketState.DISCONNECTED]


def test_path_values_query_headers_and_cookies(app: Cupola, client: TestClient) -> None:
    @app.websocket("/rooms/<int:room>/<name>")
    async def room(ws: WebSocket, room: int, name: str) -> None:
        await ws.accept()
        await ws.send_json(
            {
                "room": room,
                "name": name,
                "values": ws.path_values,
                "path": ws.path,
                "q": ws.query.getlist("q"),
                "header": ws.headers.get("x-token"),
                "cookie": ws.cookies.get("flavour"),
                "scheme": ws.request.scheme,
            }
        )

    client.cookies.set("flavour", "oat")
    with client.websocket_connect("/rooms/7/caf%C3%A9?q=1&q=2", headers={"X-Token": "t"}) as ws:
        assert ws.receive_json() == {
            "room": 7,
            "name": "café",
            "values": {"room": 7, "name": "café"},
            "path": "/rooms/7/café",
            "q": ["1", "2"],
            "header": "t",
            "cookie": "oat",
            "scheme": "http",
        }


def test_context_locals_work_in_handlers(app: Cupola, client: TestClient) -> None:
    @app.websocket("/ws")
    async def handler(ws: WebSocket) -> None:
        g.seen = "yes"
        await ws.accept()
        await ws.send_json([current_app.import_name, request.path, g.seen])

    with client.websocket_connect("/ws") as ws:
        assert ws.receive_json() == [app.import_name, "/ws", "yes"]


def test_subprotocol_and_accept_headers(app: Cupola, client: TestClient) -> None:
    @app.websocket("/ws")
    async def handler(ws: WebSocket) -> None:
        offered = ws.subprotocols
        await ws.accept(subprotocol="v2.chat", headers={"X-Server": "cupola"})
        await ws.send_json(offered)

    with client.websocket_connect("/ws", subprotocols=["v1.chat", "v2.chat"]) as ws:
        assert ws.accepted_subprotocol == "v2.chat"
        assert (b"x-server", b"cupola") in ws.accept_headers
        assert ws.receive_json() == ["v1.chat", "v2.chat"]


def test_accepting_a_subprotocol_not_offered_is_a_server_error(
    app: Cupola, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    @app.websocket("/ws")
    async def handler(ws: WebSocket) -> None:
        await ws.accept(subprotocol="nope")

    with pytest.raises(WebSocketRejected) as info, caplog.at_level(logging.ERROR):
        client.websocket_connect("/ws").__enter__()
    assert info.value.status == 500
    assert "did not offer the subprotocol 'nope'" in caplog.text


def test_the_app_closes_with_a_code(app: Cupola, client: TestClient) -> None:
    @app.websocket("/ws")
    async def handler(ws: WebSocket) -> None:
        await ws.accept()
        await ws.receive_text()
        await ws.close(4000, "bye")
        await ws.close()  # closing twice is harmless
        with pytest.raises(WebSocketDisconnect):
            await ws.send_text("too late")

    with client.websocket_connect("/ws") as ws:
        ws.send_text("go")
        with pytest.raises(WebSocketDisconnect) as info:
            ws.receive_text()
    assert (info.value.code, info.value.reason) == (4000, "bye")
    assert str(info.value) == "WebSocket closed with code 4000: bye"


def test_a_handler_that_returns_closes_normally(app: Cupola, client: TestClient) -> None:
    @app.websocket("/ws")
    async def handler(ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_text("only")

    with client.websocket_connect("/ws") as ws:
        assert ws.receive_text() == "only"
        with pytest.raises(WebSocketDisconnect) as info:
            ws.receive_text()
    assert info.value.code == 1000


def test_the_client_close_code_reaches_the_handler(app: Cupola, client: TestClient) -> None:
    codes: list[int] = []

    @app.websocket("/ws")
    async def handler(ws: WebSocket) -> None:
        await ws.accept()
        assert ws.close_code is None
        try:
            await ws.receive_text()
        except WebSocketDisconnect as exc:
            codes.extend([exc.code, ws.close_code])
            with pytest.raises(WebSocketDisconnect):
                await ws.receive_text()  # receiving after the close raises again

    with client.websocket_connect("/ws") as ws:
        ws.close(1001)
    assert codes == [1001, 1001]


def test_a_binary_message_to_receive_text_closes_with_1003(app: Cupola, client: TestClient) -> None:
    @app.websocket("/text")
    async def text(ws: WebSocket) -> None:
        await ws.accept()
        await ws.receive_text()

    @app.websocket("/bytes")
    async def binary(ws: WebSocket) -> None:
        await ws.accept()
        await ws.receive_bytes()

    for path, send in (("/text", "send_bytes"), ("/bytes", "send_text")):
        with client.websocket_connect(path) as ws:
            getattr(ws, send)(b"x" if send == "send_bytes" else "x")
            with pytest.raises(WebSocketDisconnect) as info:
                ws.receive()
            assert info.value.code == 1003


@pytest.mark.parametrize("payload", ["{not json", "NaN", "[" * 200 + "]" * 200, '{"a": "\\ud800"}'])
def test_invalid_json_closes_with_1007(app: Cupola, client: TestClient, payload: str) -> None:
    @app.websocket("/ws")
    async def handler(ws: WebSocket) -> None:
        await ws.accept()
        await ws.receive_json()

    with client.websocket_connect("/ws") as ws:
        ws.send_text(payload)
        with pytest.raises(WebSocketDisconnect) as info:
            ws.receive_text()
    assert info.value.code == 1007
    assert "JSON" in info.value.reason


@pytest.mark.parametrize("kind", ["text", "bytes", "multibyte"])
def test_an_oversized_message_closes_with_1009(app: Cupola, client: TestClient, kind: str) -> None:
    app.config["WEBSOCKET_MAX_MESSAGE_SIZE"] = 10
    received: list[Any] = []

    @app.websocket("/ws")
    async def handler(ws: WebSocket) -> None:
        await ws.accept()
        while True:
            received.append(await ws.receive())

    with client.websocket_connect("/ws") as ws:
        if kind == "text":
            ws.send_text("x" * 10)  # at the limit: accepted
            ws.send_text("x" * 11)
        elif kind == "multibyte":
            ws.send_text("é" * 5)  # 10 bytes
            ws.send_text("é" * 6)  # 6 characters, 12 bytes
        else:
            ws.send_text("ok")
            ws.send_bytes(b"x" * 11)
        with pytest.raises(WebSocketDisconnect) as info:
            ws.receive_text()
    assert info.value.code == 1009
    assert info.value.reason == "Messages are limited to 10 bytes."
    assert len(received) == 1


def test_the_default_limit_is_one_mebibyte(app: Cupola) -> None:
    assert app.config["WEBSOCKET_MAX_MESSAGE_SIZE"] == 1024 * 1024


def test_no_limit_when_set_to_none(app: Cupola, client: TestClient) -> None:
    app.config["WEBSOCKET_MAX_MESSAGE_SIZE"] = None

    @app.websocket("/ws")
    async def handler(ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_text(str(len(await ws.receive_text())))

    with client.websocket_connect("/ws") as ws:
        ws.send_text("x" * (2 * 1024 * 1024))
        assert ws.receive_text() == str(2 * 1024 * 1024)


def test_misuse_raises_clear_errors(app: Cupola, client: TestClient) -> None:
    errors: list[str] = []

    @app.websocket("/ws")
    async def handler(ws: WebSocket) -> None:
        for call in (ws.receive_text, lambda: ws.send_text("x")):
            try:
                await call()
            except RuntimeError as exc:
                errors.append(str(exc))
        await ws.accept()
        try:
            await ws.accept()
        except RuntimeError as exc:
            errors.append(str(exc))
        await ws.close()

    with client.websocket_connect("/ws") as ws, pytest.raises(WebSocketDisconnect):
        ws.receive()
    assert errors == [
        "Call await ws.accept() before receiving messages.",
        "Call await ws.accept() before sending messages.",
        "accept() on a CONNECTED WebSocket.",
    ]


def test_an_exception_closes_only_its_socket_with_1011(
    app: Cupola, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    @app.websocket("/fail")
    async def fail(ws: WebSocket) -> None:
        await ws.accept()
        await ws.receive_text()
        raise ValueError("boom")

    @app.websocket("/echo")
    async def echo(ws: WebSocket) -> None:
        await ws.accept()
        async for text in ws.iter_text():
            await ws.send_text(text)

    with client.websocket_connect("/echo") as other, client.websocket_connect("/fail") as ws:
        with caplog.at_level(logging.ERROR, logger="cupola.websockets"):
            ws.send_text("go")
            with pytest.raises(WebSocketDisconnect) as info:
                ws.receive_text()
        other.send_text("still here")
        assert other.receive_text() == "still here"
    assert info.value.code == 1011
    assert "boom" not in info.value.reason
    assert "Error in the WebSocket handler 'fail'" in caplog.text
    assert "ValueError: boom" in caplog.text


def test_an_exception_before_accept_refuses_with_500(
    app: Cupola, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    @app.websocket("/ws")
    async def handler(ws: WebSocket) -> None:
        raise KeyError("early")

    with caplog.at_level(logging.ERROR), pytest.raises(WebSocketRejected) as info:
        client.websocket_connect("/ws").__enter__()
    assert info.value.status == 500
    assert b"early" not in info.value.body


def test_not_accepting_refuses_with_403(app: Cupola, client: TestClient) -> None:
    @app.websocket("/quiet")
    async def quiet(ws: WebSocket) -> None:
        return None

    @app.websocket("/closed")
    async def closed(ws: WebSocket) -> None:
        await ws.close()

    with pytest.raises(WebSocketRejected) as info:
        client.websocket_connect("/quiet").__enter__()
    assert info.value.status == 403
    with pytest.raises(WebSocketRejected) as info:
        client.websocket_connect("/closed").__enter__()
    assert info.value.status == 403


def test_repr(app: Cupola, client: TestClient) -> None:
    @app.websocket("/ws")
    async def handler(ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_text(repr(ws))

    with client.websocket_connect("/ws") as ws:
        assert ws.receive_text() == "<WebSocket '/ws' CONNECTED>"


def test_a_long_close_reason_is_shortened_to_fit_a_frame(app: Cupola, client: TestClient) -> None:
    @app.websocket("/ws")
    async def handler(ws: WebSocket) -> None:
        await ws.accept()
        await ws.close(4000, "é" * 100)  # 200 bytes

    with client.websocket_connect("/ws") as ws, pytest.raises(WebSocketDisconnect) as info:
        ws.receive()
    assert info.value.reason == "é" * 61  # 122 bytes: a character is never cut in half
