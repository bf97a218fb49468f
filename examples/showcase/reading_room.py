"""The ``reading_room`` blueprint: a live chat per book, over a WebSocket.

``/books/<id>/room`` is the page; its script opens ``/books/<id>/room/socket``, served by
:class:`ReadingRoom`, a JSON consumer. Every reader of a book joins that book's group, so a
message sent by one reaches all of them, in every worker when ``CHANNEL_LAYER`` is Redis.
Anyone may read along; only logged-in visitors may speak, under their user name from the
session. Rooms keep no history: a message reaches the readers present when it is sent.
"""

from __future__ import annotations

from typing import Any

from cupola import Blueprint, abort, render, url_for
from cupola.channels import JsonWebSocketConsumer
from examples.showcase.accounts import current_user
from examples.showcase.books import store

reading_room = Blueprint("reading_room", __name__, url_prefix="/books/<int:book_id>/room")

#: The longest message a reader may send, in characters.
MAX_MESSAGE = 500


@reading_room.get("")
def page(book_id: int) -> str:
    """The room's page: the conversation, and a box to speak when logged in."""
    book = store.get(book_id)
    if book is None:
        abort(404)
    socket_url = url_for("reading_room.socket", book_id=book_id, _external=True)
    return render("books/reading_room.html", book=book, socket_url=socket_url)


class ReadingRoom(JsonWebSocketConsumer):
    """One reader in the room of one book.

    The client sends ``{"text": "..."}``; every reader receives
    ``{"kind": "message", "user": ..., "text": ...}``, and ``{"kind": "notice", ...}`` when a
    logged-in reader comes or goes. Mistakes get ``{"kind": "error", "text": ...}``.
    """

    async def connect(self) -> None:
        book = store.get(self.kwargs["book_id"])
        if book is None:
            return  # not accepted: the handshake is refused with 403
        self.group = f"reading-room.{book.id}"
        self.username = current_user()
        await self.group_add(self.group)
        await self.accept()
        if self.username:
            await self.notice(f"{self.username} joined the room.")

    async def receive_json(self, content: Any) -> None:
        if not self.username:
            await self.error("Log in to take part in the conversation.")
            return
        text = content.get("text") if isinstance(content, dict) else None
        if not isinstance(text, str) or not text.strip():
            await self.error('Send a message as {"text": "..."}.')
            return
        message = {
            "type": "room.message",
            "user": self.username,
            "text": text.strip()[:MAX_MESSAGE],
        }
        await self.group_send(self.group, message)

    async def disconnect(self, code: int) -> None:
        if self.username:
            await self.notice(f"{self.username} left the room.")

    async def room_message(self, event: dict[str, Any]) -> None:
        """A reader spoke: pass it on to this reader."""
        await self.send_json({"kind": "message", "user": event["user"], "text": event["text"]})

    async def room_notice(self, event: dict[str, Any]) -> None:
        """Someone came or went."""
        await self.send_json({"kind": "notice", "text": event["text"]})

    async def notice(self, text: str) -> None:
        """Tell every reader in the room."""
        await self.group_send(self.group, {"type": "room.notice", "text": text})

    async def error(self, text: str) -> None:
        """Tell this reader only."""
        await self.send_json({"kind": "error", "text": text})


reading_room.add_websocket_route("/socket", ReadingRoom, endpoint="socket")
