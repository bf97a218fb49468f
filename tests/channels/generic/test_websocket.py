"""Channels' generic consumers (cupola/channels/generic/websocket.py), over both test clients."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync

from cupola import Cupola
from cupola.channels import broadcast
from cupola.channels.generic.websocket import (
    AsyncJsonWebsocketConsumer,
    AsyncWebsocketConsumer,
    JsonWebsocketConsumer,
    WebsocketConsumer,
)
from cupola.channels.layers import get_channel_layer
from cupola.exceptions import ImproperlyConfigured
from cupola.testing import TestClient, WebSocketRejected
from cupola.websockets import WebSocketDisconnect

threads: list[str] = []


class SyncEcho(WebsocketConsumer):
    groups = ["everyone"]

    def connect(self) -> None:
        threads.append(threading.current_thread().name)
        self.room = self.scope["url_route"]["kwargs"]["room"]
        if self.room == "refused":
            self.close()
            return
        async_to_sync(self.channel_layer.group_add)(self.room, self.channel_name)
        self.accept()

    def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if bytes_data is not None:
            self.send(bytes_data=bytes_data.upper())
        elif text_data == "bye":
            self.send(text_data="bye", close=True)
        else:
            async_to_sync(self.channel_layer.group_send)(
                self.room, {"type": "room.message", "text": text_data}
            )

    def room_message(self, event: dict[str, Any]) -> None:
        self.send(text_data=f"{self.room}: {event['text']}")


class AsyncEcho(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.room = self.scope["url_route"]["kwargs"]["room"]
        await self.channel_layer.group_add(self.room, self.channel_name)
        await self.accept()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data == "close":
            await self.close(code=4001)
            return
        await self.channel_layer.group_send(self.room, {"type": "room.message", "text": text_data})

    async def room_message(self, event: dict[str, Any]) -> None:
        await self.send(text_data=f"{self.room}: {event['text']}")


class SyncJson(JsonWebsocketConsumer):
    def receive_json(self, content: Any, **kwargs: Any) -> None:
        self.send_json({"got": content, "kwargs": self.scope["url_route"]["kwargs"]})


class AsyncJson(AsyncJsonWebsocketConsumer):
    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        await self.send_json({"got": content}, close=content == "last")


@pytest.fixture
def app() -> Cupola:
    app = Cupola(__name__, config={"TESTING": True})
    app.add_websocket_route("/sync/<room>", SyncEcho)
    app.add_websocket_route("/async/<room>", AsyncEcho.as_asgi())
    app.add_websocket_route("/json/<int:n>", SyncJson)
    app.add_websocket_route("/async-json", AsyncJson)
    return app


@pytest.fixture
def client(app: Cupola, protocol: str) -> Iterator[TestClient]:
    with app.test_client(protocol) as test_client:  # type: ignore[arg-type]
        yield test_client


def test_sync_consumer_handlers_run_in_worker_threads(client: TestClient) -> None:
    threads.clear()
    with client.websocket_connect("/sync/a") as ws:
        ws.send_bytes(b"abc")
        assert ws.receive_bytes() == b"ABC"
        ws.send_text("hello")
        assert ws.receive_text() == "a: hello"  # through the layer, with async_to_sync
        ws.send_text("bye")
        assert ws.receive_text() == "bye"
    assert threads and threads[0] != threading.current_thread().name
    assert "MainThread" not in threads


def test_sync_and_async_consumers_share_groups(client: TestClient) -> None:
    with (
        client.websocket_connect("/sync/room") as sync,
        client.websocket_connect("/async/room") as asynchronous,
    ):
        asynchronous.send_text("from async")
        assert sync.receive_text() == "room: from async"
        assert asynchronous.receive_text() == "room: from async"
        sync.send_text("from sync")
        assert asynchronous.receive_text() == "room: from sync"
        assert sync.receive_text() == "room: from sync"


def test_the_groups_attribute_and_a_broadcast_from_outside(app: Cupola, client: TestClient) -> None:
    with client.websocket_connect("/sync/x") as ws:
        ws.send_text("ready")
        assert ws.receive_text() == "x: ready"  # joined: connect ran before this answer
        broadcast("everyone", {"type": "room.message", "text": "all"}, app=app)
        assert ws.receive_text() == "x: all"


def test_refusing_and_closing(client: TestClient) -> None:
    with pytest.raises(WebSocketRejected) as refused, client.websocket_connect("/sync/refused"):
        pass
    assert refused.value.status == 403
    with client.websocket_connect("/async/b") as ws:
        ws.send_text("close")
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
        assert closed.value.code == 4001


def test_json_consumers(client: TestClient) -> None:
    with client.websocket_connect("/json/7") as ws:
        ws.send_json({"a": 1})
        assert ws.receive_json() == {"got": {"a": 1}, "kwargs": {"n": 7}}
    with client.websocket_connect("/async-json") as ws:
        ws.send_json([1, 2])
        assert ws.receive_json() == {"got": [1, 2]}
        ws.send_json("last")
        assert ws.receive_json() == {"got": "last"}
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 1000


def test_as_asgi_takes_no_arguments_and_aliases_name_one_layer(app: Cupola) -> None:
    with pytest.raises(ImproperlyConfigured, match="as_asgi"):
        AsyncEcho.as_asgi(room="x")
    with app.app_context(), pytest.raises(ImproperlyConfigured, match="one layer"):
        get_channel_layer("other")
