"""The showcase's reading rooms: a live chat per book over WebSockets, under either protocol."""

from __future__ import annotations

import re
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from cupola.testing import TestClient, WebSocketRejected
from cupola.websockets import WebSocketDisconnect

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `examples` is a package at the repository root
    sys.path.insert(0, str(ROOT))

from examples.showcase.app import app  # noqa: E402
from examples.showcase.users import create_user  # noqa: E402

PASSWORD = "correct horse battery staple"
ORIGIN = {"Origin": "http://localhost"}

pytestmark = pytest.mark.usefixtures("showcase_database")


@pytest.fixture(params=["wsgi", "asgi"])
def protocol(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def clients(protocol: str) -> Iterator[list[TestClient]]:
    """Two visitors' clients, each with its own cookies."""
    with app.test_client(protocol) as first, app.test_client(protocol) as second:  # type: ignore[arg-type]
        yield [first, second]


def log_in(client: TestClient) -> str:
    username = f"reader-{uuid.uuid4().hex[:10]}"
    with app.app_context():
        create_user(username, PASSWORD)
    page = client.get("/accounts/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    assert token is not None
    data = {"csrf_token": token.group(1), "username": username, "password": PASSWORD}
    assert client.post("/accounts/login", data=data).status_code == 302
    return username


def test_the_book_page_links_to_its_room(clients: list[TestClient]) -> None:
    detail = clients[0].get("/books/2")
    assert '<a href="/books/2/room">Join the reading room</a>' in detail.text
    room = clients[0].get("/books/2/room")
    assert room.status_code == 200
    assert 'data-socket="ws://localhost/books/2/room/socket"' in room.text
    assert '<script src="/static/reading_room.js?v=' in room.text
    assert "Log in</a> to take part." in room.text
    assert clients[0].get("/books/999/room").status_code == 404
    script = clients[0].get("/static/reading_room.js")
    assert script.status_code == 200
    assert "textContent" in script.text and "innerHTML" not in script.text


def test_readers_of_one_book_talk_to_each_other(clients: list[TestClient]) -> None:
    alice, bob = clients
    alice_name, bob_name = log_in(alice), log_in(bob)
    assert '<form class="say d-flex' in alice.get("/books/2/room").text
    with alice.websocket_connect("/books/2/room/socket", headers=ORIGIN) as first:
        assert first.receive_json() == {"kind": "notice", "text": f"{alice_name} joined the room."}
        with bob.websocket_connect("/books/2/room/socket", headers=ORIGIN) as second:
            joined = {"kind": "notice", "text": f"{bob_name} joined the room."}
            assert first.receive_json() == second.receive_json() == joined
            first.send_json({"text": "  <b>Darcy</b> at last  "})
            said = {"kind": "message", "user": alice_name, "text": "<b>Darcy</b> at last"}
            assert first.receive_json() == second.receive_json() == said
            second.send_json({"text": "x" * 600})
            assert len(first.receive_json()["text"]) == 500
            assert len(second.receive_json()["text"]) == 500
            second.send_json({"nothing": "here"})
            assert second.receive_json()["kind"] == "error"
        assert first.receive_json() == {"kind": "notice", "text": f"{bob_name} left the room."}


def test_rooms_are_per_book(clients: list[TestClient]) -> None:
    alice, bob = clients
    log_in(alice)
    with (
        alice.websocket_connect("/books/1/room/socket", headers=ORIGIN) as here,
        bob.websocket_connect("/books/3/room/socket", headers=ORIGIN, timeout=0.2) as there,
    ):
        here.receive_json()  # the joined notice
        here.send_json({"text": "only book 1"})
        assert here.receive_json()["text"] == "only book 1"
        with pytest.raises(TimeoutError):
            there.receive_json()


def test_visitors_read_along_but_may_not_speak(clients: list[TestClient]) -> None:
    with clients[0].websocket_connect("/books/2/room/socket") as socket:
        socket.send_json({"text": "hello?"})
        assert socket.receive_json() == {
            "kind": "error",
            "text": "Log in to take part in the conversation.",
        }


def test_unknown_books_and_foreign_pages_are_refused(clients: list[TestClient]) -> None:
    with pytest.raises(WebSocketRejected) as info:
        clients[0].websocket_connect("/books/999/room/socket").__enter__()
    assert info.value.status == 403
    foreign = {"Origin": "http://evil.test"}
    with pytest.raises(WebSocketRejected) as info:
        clients[0].websocket_connect("/books/2/room/socket", headers=foreign).__enter__()
    assert info.value.status == 403


def test_a_closed_room_socket_ends_cleanly(clients: list[TestClient]) -> None:
    with clients[0].websocket_connect("/books/2/room/socket") as socket:
        socket.send_text("not json")
        with pytest.raises(WebSocketDisconnect) as info:
            socket.receive_json()
    assert info.value.code == 1007
