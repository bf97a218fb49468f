"""Static type checks of the public API: checked by mypy, never run."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, assert_type

import httpx

from cupola import (
    Blueprint,
    Cupola,
    JSONResponse,
    RedirectResponse,
    Response,
    View,
    current_app,
    g,
    redirect,
    render,
    request,
    url_for,
)
from cupola.channels import JsonWebSocketConsumer
from cupola.context import AppGlobals
from cupola.http.body import RequestBody
from cupola.http.headers import Headers
from cupola.http.multidict import ImmutableMultiDict
from cupola.http.request import Forwarded, Request
from cupola.testing import TestClient, WebSocketTestSession
from cupola.websockets import WebSocket

app = Cupola(__name__, config={"SECRET_KEY": "x"})
books = Blueprint("books", __name__, url_prefix="/books")


@app.get("/items/<int:item_id>")
def show(item_id: int) -> dict[str, int]:
    return {"id": item_id}


kept: Callable[[int], dict[str, int]] = show  # decorators keep the signature


@books.post("/")
async def create(request: Request) -> tuple[dict[str, Any], int]:
    return {"got": request.json}, 201


class Items(View):
    def get(self, request: Request) -> Response:
        return JSONResponse([])


app.add_url_rule("/items", view_func=Items.as_view("items"))
app.register_blueprint(books)

assert_type(request, Request)
assert_type(request.args, ImmutableMultiDict[str])
assert_type(request.headers, Headers)
assert_type(request.view_args, dict[str, Any])
assert_type(current_app, Cupola)
assert_type(g, AppGlobals)
assert_type(url_for("show", item_id=1), str)
assert_type(render("index.html", title="x"), str)
assert_type(redirect("/"), RedirectResponse)
assert_type(app.test_client(), TestClient)
assert_type(app.test_client("asgi").get("/"), httpx.Response)
assert_type(app.config["DEBUG"], Any)


# -- websockets ---------------------------------------------------------------------------


@app.websocket("/ws/<int:room>")
async def room(ws: WebSocket, room: int) -> None:
    await ws.accept()
    assert_type(await ws.receive_text(), str)
    assert_type(await ws.receive_bytes(), bytes)
    assert_type(await ws.receive_json(), Any)
    assert_type(ws.close_code, int | None)
    async for text in ws.iter_text():
        assert_type(text, str)


kept_socket: Callable[[WebSocket, int], Coroutine[Any, Any, None]] = room


class Chat(JsonWebSocketConsumer):
    async def receive_json(self, content: Any) -> None:
        await self.group_send("lobby", {"type": "chat.message", "text": content})


books.add_websocket_route("/live", Chat)
with app.test_client().websocket_connect("/ws/1") as socket:
    assert_type(socket, WebSocketTestSession)
    assert_type(socket.receive_text(), str)
    assert_type(socket.receive_json(), Any)


# -- channel layers, broadcasts, server-sent events ---------------------------------------

from cupola.channels import (  # noqa: E402
    ChannelLayer,
    EventStream,
    ServerSentEvent,
    async_broadcast,
    broadcast,
    get_channel_layer,
)

layer = get_channel_layer(app)
assert_type(layer, ChannelLayer)
assert_type(broadcast("news", {"type": "news.item"}, app=app), None)
assert_type(ServerSentEvent({"n": 1}, event="tick", id="1", retry=1000).encode(), bytes)


async def use_the_layer() -> None:
    channel = await layer.new_channel("chat")
    assert_type(channel, str)
    assert_type(await layer.receive(channel), dict[str, Any])
    assert_type(await async_broadcast("news", {"type": "news.item"}), None)


@app.get("/events")
def events() -> EventStream:
    return EventStream(iter(["a", {"data": "b"}]), ping=None)


# -- the seams: what the core asks of the app and of the batteries --------------------------

from cupola.auth import Auth  # noqa: E402
from cupola.sessions import SessionMiddleware  # noqa: E402
from cupola.types import (  # noqa: E402
    Application,
    ExtensibleApplication,
    MatchedRoute,
    SessionLoader,
    UserLoader,
)

as_application: Application = app
as_extensible: ExtensibleApplication = app
session_loader: SessionLoader = SessionMiddleware(app)
user_loader: UserLoader = Auth(app)
assert_type(request.app, Application)
assert_type(request.matched_route, MatchedRoute | None)
assert_type(request.forwarded, Forwarded | None)
assert_type(request.host_header, str | None)
assert_type(request.loaded_body, RequestBody | None)
assert_type(request.user, Any)


@app.before_request(websocket=True)
def members_only() -> tuple[str, int] | None:
    return None


assert_type(members_only, Callable[[], tuple[str, int] | None])
