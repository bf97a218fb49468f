"""The chat's consumers: one room per URL, messages relayed through the channel layer."""

import json

from asgiref.sync import async_to_sync
from channels.generic.websocket import (
    AsyncWebsocketConsumer,
    JsonWebsocketConsumer,
    WebsocketConsumer,
)


class ChatConsumer(WebsocketConsumer):
    """Sync: each handler runs in a worker thread and reaches the layer with async_to_sync."""

    def connect(self):
        self.room_name = self.scope["url_route"]["kwargs"]["room_name"]
        self.room_group_name = f"chat_{self.room_name}"
        async_to_sync(self.channel_layer.group_add)(self.room_group_name, self.channel_name)
        self.accept()

    def disconnect(self, close_code):
        async_to_sync(self.channel_layer.group_discard)(self.room_group_name, self.channel_name)

    def receive(self, text_data):
        message = json.loads(text_data)["message"]
        if message == "/whoami":
            self.send(text_data=json.dumps({"room": self.room_name}))
            return
        async_to_sync(self.channel_layer.group_send)(
            self.room_group_name, {"type": "chat.message", "message": message}
        )

    def chat_message(self, event):
        self.send(text_data=json.dumps({"message": event["message"]}))


class AsyncChatConsumer(AsyncWebsocketConsumer):
    """Async: the same room, handled on the event loop."""

    async def connect(self):
        self.room_name = self.scope["url_route"]["kwargs"]["room_name"]
        if self.room_name == "closed":
            await self.close()
            return
        self.room_group_name = f"chat_{self.room_name}"
        await self.channel_layer.group_add(self.room_group_name, self.channel_name)
        await self.accept()

    async def disconnect(self, close_code):
        await self.channel_layer.group_discard(self.room_group_name, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        if bytes_data is not None:
            await self.send(bytes_data=bytes_data[::-1])
            return
        message = json.loads(text_data)["message"]
        await self.channel_layer.group_send(
            self.room_group_name, {"type": "chat.message", "message": message}
        )

    async def chat_message(self, event):
        await self.send(text_data=json.dumps({"message": event["message"]}))


class LobbyConsumer(JsonWebsocketConsumer):
    """JSON in and out; every connection joins the lobby group."""

    groups = ["lobby"]

    def receive_json(self, content):
        async_to_sync(self.channel_layer.group_send)(
            "lobby", {"type": "lobby.announce", "text": content["text"]}
        )

    def lobby_announce(self, event):
        self.send_json({"announce": event["text"]})
