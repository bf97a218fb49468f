"""The app of the Redis channel-layer e2e test: ``uvicorn channels_app:app.asgi``.

Configured by ``CUPOLA_E2E_REDIS_URL`` and ``CUPOLA_E2E_CHANNEL_PREFIX``. Every client of
``/ws/room/<name>`` joins the group ``room-<name>``; what a client sends is relayed to the
group tagged with its sender and sequence number, as is ``POST /announce/<name>``.
"""

from __future__ import annotations

import os
from typing import Any

from cupola import Cupola, PlainTextResponse
from cupola.channels import JsonWebSocketConsumer, broadcast

app = Cupola(
    __name__,
    config={
        "ALLOWED_HOSTS": ["127.0.0.1", "localhost"],
        "CSRF_ENABLED": False,
        "CHANNEL_LAYER": os.environ["CUPOLA_E2E_REDIS_URL"],
        "CHANNEL_PREFIX": os.environ["CUPOLA_E2E_CHANNEL_PREFIX"],
    },
    static_folder=None,
)


@app.get("/plain")
def plain() -> PlainTextResponse:
    return PlainTextResponse(str(os.getpid()))


@app.post("/announce/<name>/<int:seq>")
def announce(name: str, seq: int) -> dict[str, Any]:
    """A sync view (a worker thread under ASGI) sending to a group."""
    broadcast(f"room-{name}", {"type": "room.message", "sender": "http", "seq": seq})
    return {"sent": seq}


class Room(JsonWebSocketConsumer):
    async def connect(self) -> None:
        self.group = f"room-{self.kwargs['name']}"
        await self.group_add(self.group)
        await self.accept()
        await self.send_json({"joined": os.getpid()})

    async def receive_json(self, content: Any) -> None:
        await self.group_send(
            self.group,
            {"type": "room.message", "sender": str(content["sender"]), "seq": content["seq"]},
        )

    async def room_message(self, event: dict[str, Any]) -> None:
        await self.send_json({"sender": event["sender"], "seq": event["seq"]})


app.add_websocket_route("/ws/room/<name>", Room)
