"""broadcast() and async_broadcast(): from sync and async views, threads and other processes."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from cupola import Cupola
from cupola.channels import (
    InMemoryChannelLayer,
    JsonWebSocketConsumer,
    async_broadcast,
    broadcast,
    get_channel_layer,
)
from cupola.http.request import Request
from cupola.testing import TestClient


class News(JsonWebSocketConsumer):
    async def connect(self) -> None:
        await self.group_add("news")
        await self.accept()
        await self.send_json({"joined": True})

    async def news_item(self, event: dict[str, Any]) -> None:
        await self.send_json({"title": event["title"]})


@pytest.fixture
def layer_config(request: pytest.FixtureRequest, backend: str) -> dict[str, Any]:
    if backend == "memory":
        return {"CHANNEL_LAYER": InMemoryChannelLayer()}
    return {
        "CHANNEL_LAYER": request.getfixturevalue("redis_url"),
        "CHANNEL_PREFIX": request.getfixturevalue("redis_prefix"),
    }


@pytest.fixture
def app(layer_config: dict[str, Any]) -> Cupola:
    app = Cupola(__name__, config={"TESTING": True, "CSRF_ENABLED": False, **layer_config})
    app.add_websocket_route("/ws/news", News)

    @app.post("/sync")
    def add_sync(request: Request) -> dict[str, bool]:
        broadcast("news", {"type": "news.item", "title": request.json["title"]})
        return {"sent": True}

    @app.post("/async")
    async def add_async(request: Request) -> dict[str, bool]:
        await async_broadcast("news", {"type": "news.item", "title": request.json["title"]})
        return {"sent": True}

    @app.post("/blocking-on-the-loop")
    async def wrong() -> dict[str, bool]:
        broadcast("news", {"type": "news.item", "title": "never"})
        return {"sent": True}

    return app


@pytest.fixture
def client(app: Cupola, protocol: str) -> Iterator[TestClient]:
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        yield client
        # Under WSGI nothing runs the shutdown functions: close the layer here.
        asyncio.run(get_channel_layer(app).close())


@pytest.mark.parametrize("path", ["/sync", "/async"])
def test_a_view_reaches_every_socket_in_the_group(client: TestClient, path: str) -> None:
    with (
        client.websocket_connect("/ws/news") as first,
        client.websocket_connect("/ws/news") as second,
    ):
        assert first.receive_json() == second.receive_json() == {"joined": True}
        for title in ("Dune", "Emma"):
            assert client.post(path, json={"title": title}).json() == {"sent": True}
        for ws in (first, second):
            assert [ws.receive_json()["title"] for _ in range(2)] == ["Dune", "Emma"]


def test_from_a_thread_of_your_own(app: Cupola, client: TestClient) -> None:
    with client.websocket_connect("/ws/news") as ws:
        ws.receive_json()
        errors: list[BaseException] = []

        def work() -> None:
            try:
                broadcast("news", {"type": "news.item", "title": "from a thread"}, app=app)
            except BaseException as exc:  # reported below
                errors.append(exc)

        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
        assert errors == []
        assert ws.receive_json() == {"title": "from a thread"}


def test_sync_broadcast_on_a_running_loop_is_an_error(client: TestClient) -> None:
    with pytest.raises(RuntimeError, match="await async_broadcast"):
        client.post("/blocking-on-the-loop")


def test_no_app_outside_an_app_context() -> None:
    with pytest.raises(RuntimeError, match="outside of application context"):
        broadcast("news", {"type": "news.item"})


def test_invalid_messages_raise_in_the_caller(app: Cupola) -> None:
    with pytest.raises(ValueError, match='non-empty string "type"'):
        broadcast("news", {"title": "no type"}, app=app)
    with pytest.raises(ValueError, match="Invalid group name"):
        broadcast("no spaces", {"type": "x"}, app=app)
    asyncio.run(get_channel_layer(app).close())


def test_a_layer_that_does_not_answer_times_out() -> None:
    class Stuck(InMemoryChannelLayer):
        async def group_send(self, group: str, message: dict[str, Any]) -> None:
            await asyncio.sleep(60)

    app = Cupola(__name__, config={"CHANNEL_LAYER": Stuck()})
    with pytest.raises(TimeoutError):
        broadcast("news", {"type": "news.item"}, app=app, timeout=0.05)
