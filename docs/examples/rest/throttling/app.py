from cupola import Cupola
from cupola.channels import JsonWebSocketConsumer
from cupola.rest.response import Response
from cupola.rest.throttling import (
    AnonRateThrottle,
    ScopedRateThrottle,
    UserRateThrottle,
    check_consumer_throttles,
)
from cupola.rest.views import APIView

app = Cupola(__name__)
app.config["CACHE_URL"] = "memory://"  # "redis://127.0.0.1:6379/0" to share every worker's count
app.config["REST"] = {
    "DEFAULT_THROTTLE_CLASSES": [AnonRateThrottle, UserRateThrottle],
    "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "1000/day", "uploads": "2/hour"},
}


class Books(APIView):
    def get(self, request):
        return Response(["Emma", "Middlemarch"])


class Uploads(APIView):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "uploads"

    def post(self, request):
        return Response({"stored": True}, status=201)


class Chat(JsonWebSocketConsumer):
    throttle_classes = [AnonRateThrottle]  # the handshake and each message count

    async def connect(self):
        if await check_consumer_throttles(self) is None:
            await self.accept()  # otherwise the handshake is refused (403)

    async def receive_json(self, content):
        refusal = await check_consumer_throttles(self)
        if refusal is not None:
            await self.send_json({"detail": refusal.detail, "wait": refusal.wait})
            return
        await self.send_json({"echo": content})


app.add_url_rule("/books", view_func=Books.as_view("books"))
app.add_url_rule("/uploads", view_func=Uploads.as_view("uploads"))
app.add_websocket_route("/ws/chat", Chat)
