from cupola import Cupola
from cupola.channels import JsonWebSocketConsumer

app = Cupola(__name__)


class Chat(JsonWebSocketConsumer):
    async def connect(self):
        self.room = f"chat.{self.kwargs['room']}"
        await self.group_add(self.room)
        await self.accept()

    async def receive_json(self, content):
        text = str(content.get("text", ""))[:500]
        await self.group_send(self.room, {"type": "chat.message", "text": text})

    async def chat_message(self, event):  # handles events of type "chat.message"
        await self.send_json({"text": event["text"]})

    async def disconnect(self, code):
        pass  # group memberships are dropped for you


app.add_websocket_route("/ws/chat/<slug:room>", Chat)
