"""Responses: the classes, cookies, and how both adapters send them."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from cupola import (
    Cupola,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from cupola.testing import TestClient


def test_response_defaults() -> None:
    response = Response()
    assert response.status == response.status_code == 200
    assert response.body == b""
    assert response.content_type == "text/html; charset=utf-8"
    assert not response.is_streaming
    assert repr(response) == "<Response 200>"


def test_response_body_and_headers() -> None:
    response = Response("héllo", 201, {"X-A": "1"}, content_type="text/plain")
    assert response.body == "héllo".encode()
    assert response.text == "héllo"
    assert response.headers["content-type"] == "text/plain"
    assert response.headers["x-a"] == "1"
    with_pairs = Response(b"", headers=[("X-B", "1"), ("X-B", "2")])
    assert with_pairs.headers.getlist("x-b") == ["2"]


def test_subclasses() -> None:
    assert HTMLResponse("x").content_type == "text/html; charset=utf-8"
    assert PlainTextResponse("x").content_type == "text/plain; charset=utf-8"
    json_response = JSONResponse({"a": [1, None]}, 202, {"X": "y"})
    assert json_response.content_type == "application/json"
    assert json_response.status == 202
    assert json_response.json() == {"a": [1, None]}
    redirect = RedirectResponse("/next")
    assert (redirect.status, redirect.location) == (302, "/next")
    assert RedirectResponse("/p", 301).status == 301


def test_streaming_response_chunks() -> None:
    response = StreamingResponse(iter(["a", b"b"]))
    assert response.is_streaming
    assert not response.is_async
    assert list(response.iter_chunks()) == [b"a", b"b"]

    async def agen() -> AsyncIterator[str]:
        yield "c"

    async def collect(stream: StreamingResponse) -> list[bytes]:
        return [chunk async for chunk in stream.aiter_chunks()]

    async_response = StreamingResponse(agen())
    assert async_response.is_async
    assert asyncio.run(collect(async_response)) == [b"c"]
    assert asyncio.run(collect(StreamingResponse([b"d", "e"]))) == [b"d", b"e"]


def test_streaming_close_runs_generator_finally() -> None:
    closed: list[bool] = []

    def gen() -> Iterator[bytes]:
        try:
            yield b"a"
            yield b"b"
        finally:
            closed.append(True)

    response = StreamingResponse(gen())
    chunks = response.iter_chunks()
    assert next(chunks) == b"a"
    response.close()
    assert closed == [True]
    StreamingResponse([b"x"]).close()  # no close(): nothing to do


# -- cookies ---------------------------------------------------------------------------------


def cookie_header(response: Response) -> list[str]:
    return response.headers.getlist("set-cookie")


def test_set_cookie_defaults() -> None:
    response = Response()
    response.set_cookie("sid", "abc")
    assert cookie_header(response) == ["sid=abc; Path=/"]


def test_set_cookie_all_attributes() -> None:
    response = Response()
    response.set_cookie(
        "sid",
        "a b;c",
        max_age=timedelta(hours=1),
        path="/app",
        domain="example.com",
        secure=True,
        httponly=True,
        samesite="Strict",
        partitioned=True,
    )
    (header,) = cookie_header(response)
    assert header.startswith('sid="a\\040b\\073c"; Domain=example.com; Expires=')
    assert re.search(r"Expires=\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT", header)
    assert header.endswith(
        "; Max-Age=3600; Path=/app; SameSite=Strict; Secure; HttpOnly; Partitioned"
    )


def test_set_cookie_expires_datetime() -> None:
    response = Response()
    response.set_cookie("a", "1", expires=datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert cookie_header(response) == ["a=1; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Path=/"]


def test_several_cookies_are_separate_headers() -> None:
    response = Response()
    response.set_cookie("a", "1")
    response.set_cookie("b", "2", path=None)
    assert cookie_header(response) == ["a=1; Path=/", "b=2"]


def test_delete_cookie() -> None:
    response = Response()
    response.delete_cookie("sid", path="/app", domain="example.com", secure=True)
    (header,) = cookie_header(response)
    assert header == (
        "sid=; Domain=example.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; "
        "Path=/app; Secure"
    )


@pytest.mark.parametrize(
    ("key", "value", "options", "message"),
    [
        ("bad name", "v", {}, "Invalid cookie name"),
        ("a", "v\r\nX: y", {}, "CR, LF or NUL"),
        ("a", "v", {"samesite": "None"}, "secure"),
        ("a", "v", {"partitioned": True}, "secure"),
        ("a", "v", {"path": "/a;b"}, "path"),
        ("a", "v", {"samesite": "Sometimes"}, "samesite|SameSite"),
    ],
)
def test_set_cookie_rejects(key: str, value: str, options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Response().set_cookie(key, value, **options)  # type: ignore[arg-type]


def test_cookies_reach_the_client(app: Cupola, client: TestClient) -> None:
    @app.get("/set")
    def set_cookies() -> Response:
        response = Response("set")
        response.set_cookie("a", "1", httponly=True, samesite="Lax")
        response.set_cookie("b", "2")
        return response

    @app.get("/delete")
    def delete() -> Response:
        response = Response("deleted")
        response.delete_cookie("a")
        return response

    @app.get("/read")
    def read() -> dict[str, str]:
        from cupola import request

        return request.cookies

    response = client.get("/set")
    assert response.headers.get_list("set-cookie") == [
        "a=1; Path=/; SameSite=Lax; HttpOnly",
        "b=2; Path=/",
    ]
    assert client.get("/read").json() == {"a": "1", "b": "2"}
    client.get("/delete")
    assert client.get("/read").json() == {"b": "2"}


# -- sending ---------------------------------------------------------------------------------


def test_content_length_added_unless_set(app: Cupola, client: TestClient) -> None:
    @app.get("/auto")
    def auto() -> str:
        return "12345"

    @app.get("/x")
    def explicit() -> Response:
        return Response(b"", headers={"Content-Length": "42"})

    assert client.get("/auto").headers["content-length"] == "5"
    assert client.head("/x").headers["content-length"] == "42"


def test_streaming_response_with_status_and_headers(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def view() -> StreamingResponse:
        return StreamingResponse(
            (f"line {n}\n" for n in range(3)),
            status=201,
            headers={"X-Stream": "1"},
            content_type="text/plain",
        )

    response = client.get("/")
    assert response.status_code == 201
    assert response.text == "line 0\nline 1\nline 2\n"
    assert response.headers["x-stream"] == "1"
    assert response.headers["content-type"] == "text/plain"
