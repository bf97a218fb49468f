from cupola import Cupola
from cupola.channels import EventStream, broadcast, get_channel_layer

app = Cupola(__name__)


@app.get("/notifications")
def notifications():
    layer = get_channel_layer()

    async def events():
        mailbox = await layer.new_channel()
        await layer.group_add("notifications", mailbox)
        try:
            while True:
                message = await layer.receive(mailbox)
                yield {"data": message["text"], "event": "notice"}
        finally:  # runs when the browser goes away
            await layer.group_discard("notifications", mailbox)

    return EventStream(events(), ping=15)


@app.post("/notices")
def post_notice(request):
    broadcast("notifications", {"type": "notice", "text": str(request.json["text"])})
    return {"sent": True}
