"""One small app exercised over real servers: `gunicorn e2e_app:app`, `uvicorn e2e_app:app.asgi`."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

from cupola import (
    Cupola,
    PlainTextResponse,
    Response,
    StreamingResponse,
    redirect,
    request,
)
from cupola.channels import JsonWebSocketConsumer
from cupola.websockets import WebSocket

MAX_CONTENT_LENGTH = 64 * 1024

app = Cupola(__name__, config={"MAX_CONTENT_LENGTH": MAX_CONTENT_LENGTH}, static_folder=None)


@app.get("/plain")
def plain() -> PlainTextResponse:
    return PlainTextResponse("Hello, world!")


@app.post("/echo")
def echo() -> dict[str, Any]:
    return {"got": request.json}


@app.post("/form")
def form() -> dict[str, Any]:
    return {"name": request.form.get("name"), "tags": request.form.getlist("tag")}


@app.post("/upload")
def upload() -> dict[str, int]:
    return {"size": len(request.get_data())}


@app.post("/stream-in")
def stream_in() -> dict[str, int]:
    return {"size": len(request.stream().read())}


@app.get("/reflect")
def reflect() -> Response:
    response = PlainTextResponse("reflected")
    response.headers["X-Reflected"] = request.args.get("value", "")
    return response


@app.get("/stream")
def stream() -> StreamingResponse:
    def numbers() -> Iterator[str]:
        for number in range(5):
            yield f"chunk {number}\n"

    return StreamingResponse(numbers(), content_type="text/plain")


@app.get("/redirect")
def moved() -> Response:
    return redirect("/plain")


@app.get("/async")
async def slow() -> dict[str, bool]:
    await asyncio.sleep(0.01)
    return {"async": True}


@app.get("/cookie/set")
def set_cookie() -> Response:
    response = PlainTextResponse("set")
    response.set_cookie("flavour", "oatmeal")
    return response


@app.get("/cookie/get")
def get_cookie() -> dict[str, str | None]:
    return {"flavour": request.cookies.get("flavour")}


# -- WebSockets (served by uvicorn; gunicorn answers 426) -------------------------------------

app.config["WEBSOCKET_MAX_MESSAGE_SIZE"] = 4096


@app.websocket("/ws/echo")
async def ws_echo(ws: WebSocket) -> None:
    await ws.accept()
    async for text in ws.iter_text():
        await ws.send_text(text)


@app.websocket("/ws/close/<int:code>")
async def ws_close(ws: WebSocket, code: int) -> None:
    await ws.accept()
    await ws.receive_text()
    await ws.close(code, "closing as asked")


@app.websocket("/ws/fail")
async def ws_fail(ws: WebSocket) -> None:
    await ws.accept()
    await ws.receive_text()
    raise RuntimeError("handler bug")


class Chat(JsonWebSocketConsumer):
    async def connect(self) -> None:
        await self.group_add(self.kwargs["room"])
        await self.accept()

    async def receive_json(self, content: Any) -> None:
        event = {"type": "chat.message", "text": content["text"], "room": self.kwargs["room"]}
        await self.group_send(self.kwargs["room"], event)

    async def chat_message(self, event: dict[str, Any]) -> None:
        await self.send_json({"text": event["text"], "room": event["room"]})


app.add_websocket_route("/ws/chat/<room>", Chat)
