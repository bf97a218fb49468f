"""The ASGI application under Channels: Django settings, then the URL router."""

from django.conf import settings

if not settings.configured:
    settings.configure(
        CHANNEL_LAYERS={"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}},
    )

from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import path

from chat.consumers import AsyncChatConsumer, ChatConsumer, LobbyConsumer

application = ProtocolTypeRouter(
    {
        "websocket": URLRouter(
            [
                path("ws/chat/<str:room_name>/", ChatConsumer.as_asgi()),
                path("ws/async-chat/<str:room_name>/", AsyncChatConsumer.as_asgi()),
                path("ws/lobby/", LobbyConsumer.as_asgi()),
            ]
        )
    }
)
