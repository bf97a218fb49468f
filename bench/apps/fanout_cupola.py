"""Fan-out benchmark app, Cupola: ``uvicorn fanout_cupola:app.asgi`` (see bench/fanout.py).

``/ws/member`` joins the group ``fanout`` and forwards every group message to its client;
``/ws/send`` relays each JSON message it receives to the group. The Redis channel layer
comes from ``FANOUT_REDIS_URL``.
"""

from __future__ import annotations

import os
from typing import Any

from cupola import Cupola
from cupola.channels import JsonWebSocketConsumer

app = Cupola(
    __name__,
    config={
        "ALLOWED_HOSTS": ["127.0.0.1", "localhost"],
        "CHANNEL_LAYER": os.environ["FANOUT_REDIS_URL"],
        "CHANNEL_PREFIX": "fanout-cupola:",
    },
    static_folder=None,
)


class Member(JsonWebSocketConsumer):
    async def connect(self) -> None:
        await self.group_add("fanout")
        await self.accept()
        await self.send_json({"joined": True})

    async def fanout_message(self, event: dict[str, Any]) -> None:
        await self.send_json(event["payload"])


class Sender(JsonWebSocketConsumer):
    async def receive_json(self, content: Any) -> None:
        await self.group_send("fanout", {"type": "fanout.message", "payload": content})


app.add_websocket_route("/ws/member", Member)
app.add_websocket_route("/ws/send", Sender)
