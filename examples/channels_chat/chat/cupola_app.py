"""The ASGI application under Cupola: the same consumers, routed by the app."""

from chat.consumers import AsyncChatConsumer, ChatConsumer, LobbyConsumer
from cupola import Cupola

app = Cupola(__name__, config={"TESTING": True, "CHANNEL_LAYER": "memory://"})
app.add_websocket_route("/ws/chat/<room_name>/", ChatConsumer)
app.add_websocket_route("/ws/async-chat/<room_name>/", AsyncChatConsumer.as_asgi())
app.add_websocket_route("/ws/lobby/", LobbyConsumer)
application = app.asgi
