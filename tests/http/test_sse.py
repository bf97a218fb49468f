"""Server-sent events: the wire format, EventStream over both protocols, disconnects."""

from __future__ import annotations

import asyncio
import io
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from cupola import Cupola, StreamingResponse
from cupola.http.sse import EventStream, ServerSentEvent, encode_event
from cupola.testing import TestClient


def test_fields_and_data_lines() -> None:
    event = ServerSentEvent("one\ntwo\r\nthree\rfour", event="note", id="7", retry=2500)
    assert event.encode() == (
        b"event: note\nid: 7\nretry: 2500\ndata: one\ndata: two\ndata: three\ndata: four\n\n"
    )


def test_data_that_is_not_a_string_is_json() -> None:
    assert ServerSentEvent({"n": 1, "s": "é"}).encode() == 'data: {"n":1,"s":"é"}\n\n'.encode()


def test_empty_data() -> None:
    assert ServerSentEvent().encode() == b"data: \n\n"


@pytest.mark.parametrize("field", ["event", "id"])
@pytest.mark.parametrize("bad", ["a\nb", "a\rb", "a\0b"])
def test_no_line_breaks_in_event_or_id(field: str, bad: str) -> None:
    with pytest.raises(ValueError, match=f"An event {field} cannot contain CR, LF or NUL"):
        ServerSentEvent("x", **{field: bad})


@pytest.mark.parametrize("retry", [-1, 1.5, "10"])
def test_retry_must_be_a_non_negative_integer(retry: Any) -> None:
    with pytest.raises(ValueError, match="retry must be a non-negative integer"):
        ServerSentEvent("x", retry=retry)


def test_items_an_event_stream_accepts() -> None:
    assert encode_event("hi") == b"data: hi\n\n"
    assert encode_event({"data": "hi", "event": "e"}) == b"event: e\ndata: hi\n\n"
    with pytest.raises(TypeError, match="not int"):
        encode_event(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="CR, LF or NUL"):
        encode_event({"data": "x", "id": "1\n2"})


def make_app() -> Cupola:
    app = Cupola(__name__)

    @app.get("/async")
    def async_events() -> EventStream:
        async def events() -> AsyncIterator[Any]:
            yield ServerSentEvent("first", id="1")
            yield {"data": {"n": 2}, "event": "count"}
            yield "third"

        return EventStream(events())

    @app.get("/sync")
    def sync_events() -> EventStream:
        return EventStream(iter(["a", ServerSentEvent("b\nc", event="x")]))

    @app.get("/quiet")
    def quiet() -> EventStream:
        async def events() -> AsyncIterator[str]:
            await asyncio.sleep(0.35)
            yield "late"

        return EventStream(events(), ping=0.1)

    return app


def test_event_stream_over_both_protocols(protocol: str) -> None:
    with make_app().test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get("/async")
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/event-stream"
        assert response.headers["cache-control"] == "no-cache"
        assert response.headers["x-accel-buffering"] == "no"
        assert (
            response.text == 'id: 1\ndata: first\n\nevent: count\ndata: {"n":2}\n\ndata: third\n\n'
        )
        assert client.get("/sync").text == "data: a\n\nevent: x\ndata: b\ndata: c\n\n"


def test_keep_alive_comments_while_quiet(protocol: str) -> None:
    with make_app().test_client(protocol) as client:  # type: ignore[arg-type]
        body = client.get("/quiet").text
    assert body.startswith(": ping\n\n: ping\n\n")
    assert body.endswith("data: late\n\n")


async def call_until_disconnect(
    app: Cupola, path: str, chunks_before_leaving: int, leave_after: threading.Event | None = None
) -> list[bytes]:
    """Drive app.asgi over HTTP; the client leaves after receiving some body chunks.

    With ``leave_after``, the client also waits for that event (set by the app) to leave.
    """
    left = asyncio.Event()
    received: list[bytes] = []
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await left.wait()
        if leave_after is not None:
            assert await asyncio.to_thread(leave_after.wait, 5)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body" and message.get("body"):
            received.append(message["body"])
            if len(received) >= chunks_before_leaving:
                left.set()

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    await asyncio.wait_for(app.asgi(scope, receive, send), 5)
    return received


def test_an_endless_async_stream_is_closed_when_the_client_leaves() -> None:
    app = Cupola(__name__, config={"ALLOWED_HOSTS": ["testserver"]})
    closed = threading.Event()

    @app.get("/events")
    def events() -> EventStream:
        async def forever() -> AsyncIterator[str]:
            try:
                n = 0
                while True:
                    n += 1
                    yield f"tick {n}"
                    await asyncio.sleep(0.01)
            finally:
                closed.set()

        return EventStream(forever())

    received = asyncio.run(call_until_disconnect(app, "/events", 3))
    assert received[:3] == [b"data: tick 1\n\n", b"data: tick 2\n\n", b"data: tick 3\n\n"]
    assert closed.is_set()


def test_an_endless_sync_stream_is_closed_at_its_next_yield() -> None:
    app = Cupola(__name__, config={"ALLOWED_HOSTS": ["testserver"]})
    closed = threading.Event()

    @app.get("/events")
    def events() -> EventStream:
        def forever() -> Iterator[str]:
            try:
                while True:
                    yield "tick"
                    time.sleep(0.01)
            finally:
                closed.set()

        return EventStream(forever())

    asyncio.run(call_until_disconnect(app, "/events", 2))
    assert closed.wait(5)


def test_a_sync_stream_blocked_when_the_client_leaves_is_closed_once_it_returns() -> None:
    app = Cupola(__name__, config={"ALLOWED_HOSTS": ["testserver"]})
    inside, release, closed = threading.Event(), threading.Event(), threading.Event()
    order: list[str] = []

    @app.get("/slow")
    def slow_stream() -> StreamingResponse:
        def chunks() -> Iterator[bytes]:
            try:
                yield b"first"
                inside.set()  # the client leaves only once the worker thread is inside next()
                release.wait(5)
                order.append("returned")
                yield b"second"
            finally:
                order.append("closed")
                closed.set()

        return StreamingResponse(chunks())

    asyncio.run(call_until_disconnect(app, "/slow", 1, leave_after=inside))
    assert not closed.is_set()  # a worker thread cannot be interrupted: closing waits
    release.set()
    assert closed.wait(5)
    assert order == ["returned", "closed"]


def test_a_plain_streaming_response_stops_too() -> None:
    app = Cupola(__name__, config={"ALLOWED_HOSTS": ["testserver"]})
    closed = threading.Event()

    @app.get("/sync")
    def sync_stream() -> StreamingResponse:
        def forever() -> Iterator[bytes]:
            try:
                while True:
                    yield b"x"
                    time.sleep(0.01)
            finally:
                closed.set()

        return StreamingResponse(forever())

    asyncio.run(call_until_disconnect(app, "/sync", 2))
    assert closed.wait(5)


def test_errors_in_a_stream_still_close_it(protocol: str) -> None:
    app = Cupola(__name__)

    @app.get("/bad")
    def bad() -> EventStream:
        return EventStream(iter(["ok", 42]))

    client = TestClient(app, protocol)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not int"):
        client.get("/bad")
    client.close()


def test_under_wsgi_closing_the_body_closes_an_async_stream() -> None:
    app = Cupola(__name__, config={"ALLOWED_HOSTS": ["testserver"]})
    closed = threading.Event()

    @app.get("/events")
    def events() -> EventStream:
        async def forever() -> AsyncIterator[str]:
            try:
                while True:
                    yield "tick"
                    await asyncio.sleep(0)
            finally:
                closed.set()

        return EventStream(forever())

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/events",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
    }
    body = app(environ, lambda status, headers, exc_info=None: None)
    assert next(iter(body)) == b"data: tick\n\n"
    body.close()  # what a WSGI server does when the client has gone
    assert closed.is_set()


class _Ticks:
    """An async iterator without ``aclose`` (not an async generator)."""

    def __init__(self) -> None:
        self.left = 2

    def __aiter__(self) -> _Ticks:
        return self

    async def __anext__(self) -> str:
        if not self.left:
            raise StopAsyncIteration
        self.left -= 1
        return f"tick {self.left}"


def test_an_async_iterator_without_aclose(app: Cupola, client: TestClient) -> None:
    app.get("/ticks", endpoint="ticks")(lambda: EventStream(_Ticks(), ping=None))
    assert client.get("/ticks").text == "data: tick 1\n\ndata: tick 0\n\n"
