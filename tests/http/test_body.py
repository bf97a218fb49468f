"""Request bodies: bounded by MAX_CONTENT_LENGTH with or without Content-Length, spooled."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from typing import Any

import pytest

from cupola import Cupola
from cupola.exceptions import BadRequest, RequestEntityTooLarge
from cupola.http.body import (
    SPOOL_MAX_SIZE,
    RequestBody,
    parse_content_length,
    read_messages,
    read_stream,
)
from cupola.http.request import Request
from cupola.testing import TestClient

Raw = Callable[..., Any]


def length_app(app: Cupola, limit: int | None) -> list[str]:
    reached: list[str] = []
    app.config["MAX_CONTENT_LENGTH"] = limit

    @app.post("/")
    def view(request: Request) -> str:
        reached.append("view")
        return str(len(request.get_data()))

    return reached


def test_body_within_limit(app: Cupola, client: TestClient) -> None:
    length_app(app, 100)
    assert client.post("/", content=b"x" * 100).text == "100"


def test_declared_length_over_limit_is_413(app: Cupola, client: TestClient) -> None:
    length_app(app, 100)
    response = client.post("/", content=b"x" * 101)
    assert response.status_code == 413
    assert "exceeds the limit of 100 bytes (MAX_CONTENT_LENGTH)" in response.text


def test_no_limit(app: Cupola, client: TestClient) -> None:
    length_app(app, None)
    assert client.post("/", content=b"x" * 100_000).text == "100000"


def test_streamed_body_over_limit_is_413_and_stops_reading(app: Cupola, raw: Raw) -> None:
    length_app(app, 10_000)
    chunks = [b"x" * 1000] * 10_000  # 10 MB, no Content-Length
    response = raw("POST", b"/", chunks=chunks)
    assert response.status == 413
    assert "MAX_CONTENT_LENGTH" in response.text
    assert response.chunks_read < 100


def test_streamed_body_within_limit(app: Cupola, raw: Raw) -> None:
    length_app(app, 10_000)
    response = raw("POST", b"/", chunks=[b"x" * 1000] * 10)
    assert (response.status, response.body) == (200, b"10000")


def test_untruthful_content_length_over_limit(app: Cupola, raw: Raw, protocol: str) -> None:
    length_app(app, 10_000)
    response = raw("POST", b"/", chunks=[b"x" * 20_000], content_length=5_000)
    if protocol == "wsgi":
        # A WSGI server frames the body by Content-Length: the app reads what was declared.
        assert (response.status, response.body) == (200, b"5000")
    else:
        # ASGI messages carry what arrived: past the limit it is refused, never truncated.
        assert response.status == 413


def test_body_over_limit_goes_through_error_handlers(app: Cupola, client: TestClient) -> None:
    length_app(app, 10)

    @app.errorhandler(413)
    def too_large(exc: RequestEntityTooLarge) -> tuple[dict[str, str], int]:
        return {"detail": exc.description}, 413

    response = client.post("/", content=b"x" * 11)
    assert response.status_code == 413
    assert "MAX_CONTENT_LENGTH" in response.json()["detail"]


def test_view_that_ignores_the_body_is_not_refused_under_wsgi(app: Cupola) -> None:
    # Under WSGI the body is read lazily: a view that never reads it is unaffected.
    app.config["MAX_CONTENT_LENGTH"] = 10

    @app.post("/")
    def view() -> str:
        return "ignored body"

    with app.test_client("wsgi") as client:
        assert client.post("/", content=b"x" * 100).text == "ignored body"


# -- units -----------------------------------------------------------------------------------


def test_request_body_in_memory() -> None:
    body = RequestBody(b"abc")
    assert body.read() == b"abc"
    assert body.stream().read() == b"abc"
    assert body.size == 3
    body.close()
    assert RequestBody.EMPTY.read() == b""


def test_read_stream_spools_large_bodies() -> None:
    data = b"y" * (SPOOL_MAX_SIZE + 10)
    body = read_stream(io.BytesIO(data), len(data), None, until_eof=False)
    try:
        assert body.size == len(data)
        assert body.read() == data
        assert body.stream().read(3) == b"yyy"
    finally:
        body.close()


def test_read_at_most() -> None:
    assert RequestBody(b"abcdef").read_at_most(2) == b"abcdef"  # in memory: all of it
    data = b"z" * (SPOOL_MAX_SIZE + 10)
    body = read_stream(io.BytesIO(data), len(data), None, until_eof=False)
    try:
        assert body.read_at_most(4) == b"zzzzz"  # spooled: one byte over the limit at most
        assert body.read_at_most(None) == data
        assert body.stream().read(3) == b"zzz"  # rewound
    finally:
        body.close()


def test_read_stream_limits() -> None:
    with pytest.raises(RequestEntityTooLarge):
        read_stream(io.BytesIO(b"x" * 20), 20, 10, until_eof=False)
    with pytest.raises(RequestEntityTooLarge):
        read_stream(io.BytesIO(b"x" * 20), None, 10, until_eof=True)
    with pytest.raises(BadRequest, match="ended before"):
        read_stream(io.BytesIO(b"x"), 5, None, until_eof=False)
    assert read_stream(io.BytesIO(b"x"), None, None, until_eof=False) is RequestBody.EMPTY


class Trickle(io.BytesIO):
    """A stream that hands out at most ``size`` bytes per read, as a slow socket can."""

    def __init__(self, data: bytes, size: int) -> None:
        super().__init__(data)
        self.size = size

    def read(self, n: int | None = -1) -> bytes:
        return super().read(self.size if n is None or n < 0 else min(n, self.size))


@pytest.mark.parametrize("size", [1, 3, 99])
def test_read_stream_collects_short_reads(size: int) -> None:
    data = bytes(range(100))
    assert read_stream(Trickle(data, size), len(data), None, until_eof=False).read() == data
    with pytest.raises(BadRequest, match="ended before"):
        read_stream(Trickle(data, size), len(data) + 1, None, until_eof=False)


def test_read_stream_one_read_for_a_small_body() -> None:
    body = read_stream(io.BytesIO(b"abc" + b"rest of the stream"), 3, 10, until_eof=False)
    assert body.read() == b"abc"
    assert body.size == 3


def test_read_messages() -> None:
    messages = [
        {"type": "http.request", "body": b"ab", "more_body": True},
        {"type": "http.request", "body": b"", "more_body": True},
        {"type": "http.request", "body": b"cd", "more_body": False},
    ]

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    body = asyncio.run(read_messages(receive, None, 100))
    assert body is not None
    assert body.read() == b"abcd"


def test_read_messages_disconnect_and_limit() -> None:
    async def disconnect() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    assert asyncio.run(read_messages(disconnect, None, None)) is None
    with pytest.raises(RequestEntityTooLarge):
        asyncio.run(read_messages(disconnect, 11, 10))


@pytest.mark.parametrize("value", ["-1", "1.5", "abc", "", "١٢"])
def test_parse_content_length_rejects(value: str) -> None:
    with pytest.raises(BadRequest):
        parse_content_length(value)


def test_parse_content_length() -> None:
    assert parse_content_length(None) is None
    assert parse_content_length("0") == 0
    assert parse_content_length("123") == 123
    assert parse_content_length("123") == 123  # again, from the table of values seen
