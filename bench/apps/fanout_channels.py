"""Fan-out benchmark app, Django Channels + channels_redis: ``uvicorn fanout_channels:application``.

The same two endpoints as fanout_cupola.py, written as Channels' documentation shows:
``AsyncJsonWebsocketConsumer`` and ``channels_redis.core.RedisChannelLayer`` (the default
Redis layer) on ``FANOUT_REDIS_URL``.
"""

from __future__ import annotations

import os
from typing import Any

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="fanout-benchmark",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    INSTALLED_APPS=["channels"],
    CHANNEL_LAYERS={
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [os.environ["FANOUT_REDIS_URL"]], "prefix": "fanout-channels"},
        }
    },
)
django.setup()

from channels.generic.websocket import AsyncJsonWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402


class Member(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        await self.channel_layer.group_add("fanout", self.channel_name)
        await self.accept()
        await self.send_json({"joined": True})

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard("fanout", self.channel_name)

    async def fanout_message(self, event: dict[str, Any]) -> None:
        await self.send_json(event["payload"])


class Sender(AsyncJsonWebsocketConsumer):
    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        await self.channel_layer.group_send(
            "fanout", {"type": "fanout.message", "payload": content}
        )


application = ProtocolTypeRouter(
    {
        "websocket": URLRouter(
            [path("ws/member", Member.as_asgi()), path("ws/send", Sender.as_asgi())]
        )
    }
)
