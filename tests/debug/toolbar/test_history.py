"""The history: bounded, newest first; WebSocket records keep a bounded frame timeline."""

from __future__ import annotations

from cupola import Cupola
from cupola.context import get_request
from cupola.debug.toolbar import history as history_module
from cupola.debug.toolbar.history import History, RequestRecord, WebSocketRecord


def test_history_keeps_the_newest(app: Cupola) -> None:
    with app.test_request_context("/books?page=1&token=abc"):
        records = [RequestRecord(get_request()) for _ in range(4)]
    assert records[0].path == "/books?page=1&token=********"
    kept = History(2)
    for record in records:
        kept.add(record)
    assert kept.records() == [records[3], records[2]]
    assert len(kept) == 2 and kept.get(records[0].id) is None
    assert History(0).size == 1


def test_websocket_frames(app: Cupola) -> None:
    with app.test_request_context("/ws"):
        record = WebSocketRecord(get_request())
    record.frame("out", {"type": "websocket.accept", "subprotocol": "chat"})
    record.frame("in", {"type": "websocket.receive", "bytes": b"\x00\x01"})
    record.frame("in", {"type": "websocket.receive", "text": "é" * 300})
    assert record.status == "open"
    record.frame("out", {"type": "websocket.close", "code": 1001, "reason": "bye"})
    assert record.status == "closed (1001)"
    previews = [(kind, size, text) for _, _, kind, size, text in record.frames]
    assert previews == [
        ("websocket.accept", 0, "subprotocol chat"),
        ("websocket.receive", 2, "<2 bytes>"),
        ("websocket.receive", 600, "é" * history_module.FRAME_PREVIEW),
        ("websocket.close", 0, "code 1001: bye"),
    ]
    assert record.duration_ms == record.frames[-1][0] * 1000


def test_websocket_timeline_is_bounded(app: Cupola) -> None:
    with app.test_request_context("/ws"):
        record = WebSocketRecord(get_request())
    for _ in range(history_module.MAX_FRAMES + 7):
        record.frame("in", {"type": "websocket.receive", "text": "x"})
    assert len(record.frames) == history_module.MAX_FRAMES
    assert record.dropped == 7
    record.frame("in", {"type": "websocket.disconnect"})
    assert record.close_code == 1000
