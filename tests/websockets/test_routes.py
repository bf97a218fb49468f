"""WebSocket routes: registration, blueprints, url_for, and 426 for plain HTTP requests."""

from __future__ import annotations

import pytest

from cupola import Blueprint, Cupola, url_for
from cupola.exceptions import ImproperlyConfigured
from cupola.testing import TestClient, WebSocketRejected
from cupola.websockets import WebSocket


async def hello(ws: WebSocket, **values: object) -> None:
    await ws.accept()
    await ws.send_json({"endpoint": ws.request.endpoint, "values": values})


def test_blueprint_routes_get_the_prefix_and_dotted_endpoints(
    app: Cupola, client: TestClient
) -> None:
    bp = Blueprint("live", __name__, url_prefix="/live")
    bp.websocket("/feed/<slug:topic>")(hello)
    bp.add_websocket_route("/other", hello, endpoint="other")
    app.register_blueprint(bp)

    with client.websocket_connect("/live/feed/new-books") as ws:
        assert ws.receive_json() == {"endpoint": "live.hello", "values": {"topic": "new-books"}}
    with client.websocket_connect("/live/other") as ws:
        assert ws.receive_json()["endpoint"] == "live.other"


def test_url_for_builds_websocket_routes(app: Cupola) -> None:
    app.websocket("/ws/<int:room>")(hello)
    app.config["SERVER_NAME"] = "example.com"
    with app.test_request_context("/"):
        assert url_for("hello", room=3) == "/ws/3"
        assert url_for("hello", room=3, _external=True) == "ws://localhost/ws/3"
        assert url_for("hello", room=3, _external=True, _scheme="https") == "wss://localhost/ws/3"
    with app.test_request_context("/", base_url="https://localhost"):
        assert url_for("hello", room=3, _external=True) == "wss://localhost/ws/3"
    with app.app_context():
        assert url_for("hello", room=4, _external=True) == "ws://example.com/ws/4"


def test_an_http_request_to_a_websocket_route_answers_426(app: Cupola, client: TestClient) -> None:
    app.websocket("/ws/<int:room>")(hello)
    for method in ("GET", "POST", "DELETE"):
        response = client.request(method, "/ws/1")
        assert response.status_code == 426
        assert response.headers["upgrade"] == "websocket"
        assert "WebSocket endpoint" in response.text
    assert client.get("/ws/not-a-number").status_code == 404
    assert client.get("/elsewhere").status_code == 404


def test_http_and_websocket_routes_share_a_path_without_mixing(
    app: Cupola, client: TestClient
) -> None:
    @app.get("/chat")
    def page() -> str:
        return "the page"

    app.add_websocket_route("/chat", hello, endpoint="chat_socket")
    assert client.get("/chat").text == "the page"
    assert client.post("/chat").status_code == 405
    with client.websocket_connect("/chat") as ws:
        assert ws.receive_json()["endpoint"] == "chat_socket"


def test_an_http_route_never_answers_a_websocket(app: Cupola, client: TestClient) -> None:
    @app.get("/page")
    def page() -> str:
        return "page"

    with pytest.raises(WebSocketRejected) as info:
        client.websocket_connect("/page").__enter__()
    assert info.value.status == 404
    assert b"no WebSocket endpoint" in info.value.body


def test_strict_slashes_do_not_redirect_a_websocket(app: Cupola, client: TestClient) -> None:
    app.websocket("/ws/")(hello)
    with pytest.raises(WebSocketRejected) as info:
        client.websocket_connect("/ws").__enter__()
    assert info.value.status == 404
    with client.websocket_connect("/ws/") as ws:
        assert ws.receive_json()["endpoint"] == "hello"


def test_handlers_must_be_async(app: Cupola) -> None:
    def sync_handler(ws: WebSocket) -> None: ...

    class NotAConsumer:
        pass

    with pytest.raises(ImproperlyConfigured, match="must be an async def function"):
        app.websocket("/ws")(sync_handler)
    with pytest.raises(ImproperlyConfigured, match="NotAConsumer is not a consumer"):
        app.add_websocket_route("/ws", NotAConsumer)


def test_endpoint_names_are_shared_with_http_routes(app: Cupola) -> None:
    @app.get("/page")
    def page() -> str:
        return "page"

    with pytest.raises(ImproperlyConfigured, match="already used"):
        app.add_websocket_route("/ws", hello, endpoint="page")
    with pytest.raises(ImproperlyConfigured, match="may not contain a dot"):
        app.add_websocket_route("/ws", hello, endpoint="a.b")


def test_routes_are_listed_as_websocket_rules(app: Cupola) -> None:
    app.websocket("/ws")(hello)
    (rule,) = [rule for rule in app.iter_rules() if rule.websocket]
    assert repr(rule) == "<Rule '/ws' (websocket) -> hello>"


def test_registering_rebuilds_the_app(app: Cupola, client: TestClient) -> None:
    app.build()
    app.websocket("/late")(hello)
    with client.websocket_connect("/late") as ws:
        assert ws.receive_json()["endpoint"] == "hello"
