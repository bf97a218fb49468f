"""Consumers: connect/receive/disconnect, groups over the channel layer, event dispatch."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from cupola import Cupola
from cupola.channels import (
    InMemoryChannelLayer,
    JsonWebSocketConsumer,
    WebSocketConsumer,
    get_channel_layer,
)
from cupola.testing import TestClient, WebSocketRejected
from cupola.websockets import WebSocketDisconnect


class RecordingLayer(InMemoryChannelLayer):
    """The in-memory layer, recording which memberships are current."""

    def __init__(self) -> None:
        super().__init__()
        self.members: dict[str, set[str]] = {}

    async def group_add(self, group: str, channel: str) -> None:
        await super().group_add(group, channel)
        self.members.setdefault(group, set()).add(channel)

    async def group_discard(self, group: str, channel: str) -> None:
        await super().group_discard(group, channel)
        self.members.get(group, set()).discard(channel)


@pytest.fixture
def layer(app: Cupola) -> RecordingLayer:
    app.config["CHANNEL_LAYER"] = recording = RecordingLayer()
    return recording


class Chat(JsonWebSocketConsumer):
    async def connect(self) -> None:
        await self.group_add(self.kwargs["room"])
        await self.accept()

    async def receive_json(self, content: Any) -> None:
        await self.group_send(
            self.kwargs["room"], {"type": "chat.message", "text": content["text"]}
        )

    async def chat_message(self, event: dict[str, Any]) -> None:
        await self.send_json({"text": event["text"]})


class Echo(WebSocketConsumer):
    async def receive(self, text: str | None = None, bytes: bytes | None = None) -> None:
        if text == "close":
            await self.close(4001)
        elif text is not None:
            await self.send(text=text.upper())
        else:
            await self.send(bytes=bytes, close=True)


def test_a_text_and_bytes_consumer(app: Cupola, client: TestClient) -> None:
    app.add_websocket_route("/echo", Echo)
    with client.websocket_connect("/echo") as ws:
        ws.send_text("hi")
        assert ws.receive_text() == "HI"
        ws.send_bytes(b"\x01")
        assert ws.receive_bytes() == b"\x01"
        with pytest.raises(WebSocketDisconnect) as info:
            ws.receive()
    assert info.value.code == 1000


def test_group_messages_reach_every_member_and_only_them(
    app: Cupola, client: TestClient, layer: RecordingLayer
) -> None:
    app.add_websocket_route("/chat/<room>", Chat)
    with (
        client.websocket_connect("/chat/books", timeout=1) as alice,
        client.websocket_connect("/chat/books", timeout=1) as bob,
        client.websocket_connect("/chat/films", timeout=0.2) as carol,
    ):
        alice.send_json({"text": "hello"})
        assert alice.receive_json() == {"text": "hello"}
        assert bob.receive_json() == {"text": "hello"}
        for text in ("one", "two", "three"):
            bob.send_json({"text": text})
        assert [alice.receive_json()["text"] for _ in range(3)] == ["one", "two", "three"]
        assert [bob.receive_json()["text"] for _ in range(3)] == ["one", "two", "three"]
        with pytest.raises(TimeoutError):
            carol.receive_json()
        assert len(layer.members["books"]) == 2
    assert layer.members == {"books": set(), "films": set()}


def test_group_send_from_outside_reaches_consumers(
    app: Cupola, client: TestClient, layer: RecordingLayer
) -> None:
    app.add_websocket_route("/chat/<room>", Chat)

    @app.post("/announce")
    async def announce() -> str:
        await get_channel_layer().group_send("news", {"type": "chat.message", "text": "new"})
        return "sent"

    with client.websocket_connect("/chat/news") as ws:
        assert client.post("/announce", headers={"Origin": "http://localhost"}).text == "sent"
        assert ws.receive_json() == {"text": "new"}


class Tracked(JsonWebSocketConsumer):
    groups = ("lobby",)
    log: list[Any] = []

    async def connect(self) -> None:
        Tracked.log.append(("connect", self.kwargs, sorted(self.scope), self.channel_name != ""))
        if self.kwargs["mode"] == "refuse":
            return
        await self.accept("v1" if "v1" in self.websocket.subprotocols else None)

    async def receive_json(self, content: Any) -> None:
        if content == "fail":
            raise RuntimeError("consumer bug")
        if content == "close":
            await self.send_json("bye", close=True)
            return
        await self.send_json({"session": self.session.get("name"), "mode": self.kwargs["mode"]})

    async def disconnect(self, code: int) -> None:
        Tracked.log.append(("disconnect", code))


@pytest.fixture
def tracked(app: Cupola, layer: RecordingLayer) -> list[Any]:
    Tracked.log = []
    app.add_websocket_route("/tracked/<mode>", Tracked)
    return Tracked.log


def test_lifecycle_and_attributes(client: TestClient, tracked: list[Any]) -> None:
    with client.websocket_connect("/tracked/normal", subprotocols=["v1"]) as ws:
        assert ws.accepted_subprotocol == "v1"
        ws.send_json("hi")
        assert ws.receive_json() == {"session": None, "mode": "normal"}
        ws.close(1001)
    assert tracked[0][0] == "connect"
    assert tracked[0][1] == {"mode": "normal"}
    assert "headers" in tracked[0][2] and tracked[0][3] is True
    assert tracked[1:] == [("disconnect", 1001)]


def test_closing_from_the_consumer(client: TestClient, tracked: list[Any]) -> None:
    with client.websocket_connect("/tracked/normal") as ws:
        ws.send_json("close")
        assert ws.receive_json() == "bye"
        with pytest.raises(WebSocketDisconnect):
            ws.receive()
    assert tracked[-1] == ("disconnect", 1000)


def test_a_consumer_that_does_not_accept_refuses(
    client: TestClient, tracked: list[Any], layer: RecordingLayer
) -> None:
    with pytest.raises(WebSocketRejected) as info:
        client.websocket_connect("/tracked/refuse").__enter__()
    assert info.value.status == 403
    assert [entry[0] for entry in tracked] == ["connect"]  # never connected: no disconnect
    assert layer.members["lobby"] == set()


def test_a_consumer_exception_closes_with_1011_and_leaves_groups(
    client: TestClient,
    tracked: list[Any],
    layer: RecordingLayer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with client.websocket_connect("/tracked/normal") as other:
        with client.websocket_connect("/tracked/normal") as ws, caplog.at_level(logging.ERROR):
            assert len(layer.members["lobby"]) == 2
            ws.send_json("fail")
            with pytest.raises(WebSocketDisconnect) as info:
                ws.receive()
        assert info.value.code == 1011
        assert "RuntimeError: consumer bug" in caplog.text
        assert len(layer.members["lobby"]) == 1
        other.send_json("still")
        assert other.receive_json()["mode"] == "normal"
    assert ("disconnect", 1011) in tracked


@pytest.mark.parametrize("kind", ["no.such.handler", "_private", "connect", "send.json", "run"])
def test_events_without_a_handler_close_with_1011(
    app: Cupola, client: TestClient, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    app.add_websocket_route("/chat/<room>", Chat)

    @app.post("/poke")
    async def poke() -> str:
        await get_channel_layer().group_send("room", {"type": kind})
        return "ok"

    with client.websocket_connect("/chat/room") as ws, caplog.at_level(logging.ERROR):
        client.post("/poke", headers={"Origin": "http://localhost"})
        with pytest.raises(WebSocketDisconnect) as info:
            ws.receive()
    assert info.value.code == 1011
    assert f"got an event of type {kind!r} but has no handler for it" in caplog.text


def test_invalid_json_closes_a_json_consumer_with_1007(app: Cupola, client: TestClient) -> None:
    app.add_websocket_route("/chat/<room>", Chat)
    with client.websocket_connect("/chat/x") as ws:
        ws.send_text("{")
        with pytest.raises(WebSocketDisconnect) as info:
            ws.receive()
    assert info.value.code == 1007


def test_send_needs_text_or_bytes(app: Cupola, client: TestClient) -> None:
    class Empty(WebSocketConsumer):
        async def receive(self, text: str | None = None, bytes: bytes | None = None) -> None:
            try:
                await self.send()
            except ValueError as exc:
                await self.send(text=str(exc))

    app.add_websocket_route("/empty", Empty)
    with client.websocket_connect("/empty") as ws:
        ws.send_text("x")
        assert ws.receive_text() == "send() needs text= or bytes=."


def test_the_handler_keeps_the_consumer_name(app: Cupola) -> None:
    app.add_websocket_route("/chat/<room>", Chat)
    (rule,) = list(app.iter_rules())
    assert rule.endpoint == "Chat"
    assert rule.target.view.consumer_class is Chat


def test_leaving_groups_explicitly_and_reading_the_user(
    app: Cupola, client: TestClient, layer: RecordingLayer
) -> None:
    class Users:
        def load_user(self, request: Any) -> str:
            return "ada"

    app.user_loader = Users()

    class Visitor(JsonWebSocketConsumer):
        groups = ("a", "b")

        async def receive_json(self, content: Any) -> None:
            await self.group_discard("a")
            await self.send_json({"user": self.user, "a": sorted(layer.members["a"])})

    app.add_websocket_route("/visit", Visitor)
    with client.websocket_connect("/visit") as ws:
        ws.send_json("leave a")
        assert ws.receive_json() == {"user": "ada", "a": []}
    assert layer.members == {"a": set(), "b": set()}


def test_a_failing_group_discard_is_logged_and_the_rest_still_leave(
    app: Cupola, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    class Flaky(RecordingLayer):
        async def group_discard(self, group: str, channel: str) -> None:
            if group == "a":
                raise ConnectionError("layer down")
            await super().group_discard(group, channel)

    app.config["CHANNEL_LAYER"] = flaky = Flaky()

    class Member(WebSocketConsumer):
        groups = ("a", "b")

    app.add_websocket_route("/member", Member)
    with caplog.at_level(logging.ERROR), client.websocket_connect("/member"):
        pass
    assert "Could not leave the group 'a'" in caplog.text
    assert flaky.members == {"a": {next(iter(flaky.members["a"]))}, "b": set()}


def test_a_client_gone_during_connect_is_a_disconnect(app: Cupola, client: TestClient) -> None:
    codes: list[int] = []

    class Greeter(WebSocketConsumer):
        async def connect(self) -> None:
            await self.accept()
            while True:  # the client leaves; sending then raises WebSocketDisconnect
                await self.send(text="hello")
                await asyncio.sleep(0.005)

        async def disconnect(self, code: int) -> None:
            codes.append(code)

    app.add_websocket_route("/greeter", Greeter)
    with client.websocket_connect("/greeter") as ws:
        assert ws.receive_text() == "hello"
    assert codes == [1006]


def test_groups_work_on_every_layer(app: Cupola, client: TestClient, channel_layer: str) -> None:
    app.add_websocket_route("/chat/<room>", Chat)
    with (
        client.websocket_connect("/chat/books") as alice,
        client.websocket_connect("/chat/books") as bob,
        client.websocket_connect("/chat/films", timeout=0.3) as carol,
    ):
        for text in ("one", "two", "three"):
            alice.send_json({"text": text})
        assert [bob.receive_json()["text"] for _ in range(3)] == ["one", "two", "three"]
        assert [alice.receive_json()["text"] for _ in range(3)] == ["one", "two", "three"]
        with pytest.raises(TimeoutError):
            carol.receive_json()
