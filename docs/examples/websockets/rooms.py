from cupola import Blueprint, Cupola, url_for
from cupola.websockets import WebSocketDisconnect

app = Cupola(__name__)
live = Blueprint("live", __name__, url_prefix="/live")


@live.websocket("/books/<int:book_id>")
async def book_feed(ws, book_id):
    await ws.accept(subprotocol="feed.v1" if "feed.v1" in ws.subprotocols else None)
    await ws.send_json({"book": book_id, "format": ws.query.get("format", "short")})
    try:
        while True:
            command = await ws.receive_text()
            if command == "stop":
                await ws.close(4000, "stopped by the client")
                return
            await ws.send_json({"book": book_id, "command": command})
    except WebSocketDisconnect as exc:  # the client closed: 1000, 1001 (page left)…
        app.logger.info("A reader of book %s left with code %s", book_id, exc.code)


app.register_blueprint(live)


@app.get("/books/<int:book_id>")
def book_page(book_id):
    return {"feed": url_for("live.book_feed", book_id=book_id, _external=True)}
