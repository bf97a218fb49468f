"""The ``reading_room`` blueprint: a live chat per book, over a WebSocket.

``/books/<id>/room`` is the page; its script opens ``/books/<id>/room/socket``, served by
:class:`ReadingRoom`, a JSON consumer. Every reader of a book joins that book's group, so a
message sent by one reaches all of them, in every worker when ``CHANNEL_LAYER`` is Redis.
Anyone may read along; only logged-in visitors may speak, under their user name from the
session (``self.user``, loaded by ``cupola.auth``). Rooms keep no history: a message
reaches the readers present when it is sent.

The book and the reader are looked up once, in a worker thread, when the socket connects;
the database session is then closed, so an open room holds no database connection.
"""

from __future__ import annotations

import asyncio
from typing import Any

from cupola import Blueprint, render, url_for
from cupola.channels import JsonWebSocketConsumer
from examples.showcase.models import Book, db

reading_room = Blueprint("reading_room", __name__, url_prefix="/books/<int:book_id>/room")

#: The longest message a reader may send, in characters.
MAX_MESSAGE = 500


@reading_room.get("")
def page(book_id: int) -> str:
    """The room's page: the conversation, and a box to speak when logged in."""
    book = db.get_or_404(Book, book_id)
    socket_url = url_for("reading_room.socket", book_id=book_id, _external=True)
    return render("books/reading_room.html", book=book, socket_url=socket_url)


class ReadingRoom(JsonWebSocketConsumer):
    """One reader in the room of one book.

    The client sends ``{"text": "..."}``; every reader receives
    ``{"kind": "message", "user": ..., "text": ...}``, and ``{"kind": "notice", ...}`` when a
    logged-in reader comes or goes. Mistakes get ``{"kind": "error", "text": ...}``.
    """

    async def connect(self) -> None:
        found = await asyncio.to_thread(self.look_up)
        if found is None:
            return  # not accepted: the handshake is refused with 403
        book_id, self.username = found
        self.group = f"reading-room.{book_id}"
        await self.group_add(self.group)
        await self.accept()
        if self.username:
            await self.notice(f"{self.username} joined the room.")

    def look_up(self) -> tuple[int, str | None] | None:
        """The book's id and the reader's user name (``None`` when not logged in).

        ``None`` for an unknown book. Blocking: it runs in a worker thread.
        """
        try:
            book = db.session.get(Book, self.kwargs["book_id"])
            if book is None:
                return None
            user = self.user
            return book.id, user.username if user.is_authenticated else None
        finally:
            db.session.remove()

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
