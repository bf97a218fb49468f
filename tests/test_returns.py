"""Return values of views coerced into responses (DESIGN §3), on both protocols."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

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
from cupola.returns import to_response
from cupola.testing import TestClient


def test_str_is_html(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def index() -> str:
        return "<b>héllo</b>"

    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text == "<b>héllo</b>"
    assert response.headers["content-length"] == str(len("<b>héllo</b>".encode()))


def test_bytes_is_html_body(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def index() -> bytes:
        return b"\x00\xffraw"

    response = client.get("/")
    assert response.content == b"\x00\xffraw"
    assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("value", [{"a": [1, 2], "b": None}, [1, "two", {"three": 3.0}], []])
def test_dict_and_list_are_json(app: Cupola, client: TestClient, value: Any) -> None:
    @app.get("/")
    def index() -> Any:
        return value

    response = client.get("/")
    assert response.headers["content-type"] == "application/json"
    assert response.json() == value


def test_tuple_body_status(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def index() -> tuple[dict[str, bool], int]:
        return {"created": True}, 201

    response = client.get("/")
    assert response.status_code == 201
    assert response.json() == {"created": True}


def test_tuple_body_status_headers(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def index() -> tuple[str, int, dict[str, str]]:
        return "gone", 410, {"X-Reason": "old", "Content-Type": "text/plain"}

    response = client.get("/")
    assert response.status_code == 410
    assert response.headers["x-reason"] == "old"
    assert response.headers["content-type"] == "text/plain"
    assert response.text == "gone"


def test_tuple_body_headers(app: Cupola, client: TestClient) -> None:
    @app.get("/mapping")
    def mapping() -> tuple[str, dict[str, str]]:
        return "ok", {"X-A": "1"}

    @app.get("/pairs")
    def pairs() -> tuple[str, list[tuple[str, str]]]:
        return "ok", [("X-B", "1"), ("X-C", "2")]

    first = client.get("/mapping")
    assert first.status_code == 200
    assert first.headers["x-a"] == "1"
    second = client.get("/pairs")
    assert second.status_code == 200
    assert (second.headers["x-b"], second.headers["x-c"]) == ("1", "2")


def test_tuple_with_string_status(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def index() -> tuple[str, str]:
        return "teapot", "418 I'm a teapot"

    assert client.get("/").status_code == 418


def test_response_objects_pass_through(app: Cupola, client: TestClient) -> None:
    @app.get("/plain")
    def plain() -> Response:
        return PlainTextResponse("text", status=202, headers={"X-Y": "z"})

    @app.get("/json")
    def as_json() -> Response:
        return JSONResponse({"n": 1}, status=207)

    @app.get("/html")
    def html() -> Response:
        return HTMLResponse("<p>")

    @app.get("/redirect")
    def redirect() -> Response:
        return RedirectResponse("/plain", 303)

    @app.get("/custom")
    def custom() -> Response:
        return Response(b"data", 200, content_type="application/octet-stream")

    plain_response = client.get("/plain")
    assert (plain_response.status_code, plain_response.text) == (202, "text")
    assert plain_response.headers["content-type"] == "text/plain; charset=utf-8"
    assert plain_response.headers["x-y"] == "z"
    assert client.get("/json").status_code == 207
    assert client.get("/json").json() == {"n": 1}
    assert client.get("/html").headers["content-type"] == "text/html; charset=utf-8"
    redirected = client.get("/redirect")
    assert redirected.status_code == 303
    assert redirected.headers["location"] == "/plain"
    assert client.get("/custom").headers["content-type"] == "application/octet-stream"


def test_response_in_tuple_gets_status(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def index() -> tuple[Response, int]:
        return JSONResponse({"a": 1}), 202

    response = client.get("/")
    assert response.status_code == 202
    assert response.json() == {"a": 1}


def test_generator_is_streamed(app: Cupola, client: TestClient) -> None:
    closed: list[bool] = []

    @app.get("/")
    def index() -> Iterator[str | bytes]:
        def chunks() -> Iterator[str | bytes]:
            try:
                yield "a"
                yield b"b"
                yield "ç"
            finally:
                closed.append(True)

        return chunks()

    response = client.get("/")
    assert response.status_code == 200
    assert response.text == "abç"
    assert "content-length" not in response.headers
    assert closed == [True]


def test_async_generator_is_streamed(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    async def index() -> AsyncIterator[bytes]:
        async def chunks() -> AsyncIterator[bytes]:
            for number in range(3):
                yield str(number).encode()

        return chunks()

    assert client.get("/").text == "012"


def test_async_generator_from_sync_view(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def index() -> StreamingResponse:
        async def chunks() -> AsyncIterator[str]:
            yield "x"
            yield "y"

        return StreamingResponse(chunks(), status=206, content_type="text/plain")

    response = client.get("/")
    assert response.status_code == 206
    assert response.text == "xy"
    assert response.headers["content-type"] == "text/plain"


def test_streaming_204_sends_no_body(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def index() -> Response:
        return Response(b"", 204)

    response = client.get("/")
    assert response.status_code == 204
    assert response.content == b""
    assert "content-length" not in response.headers


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "returned None"),
        (42, "'int'"),
        (("a", 200, {}, "extra"), "tuple of 4 items"),
        ((("a", 1), 200), "cannot itself be a tuple"),
        (("a", 2.5), "must be an int"),
    ],
)
def test_invalid_return_is_500(
    app: Cupola, client: TestClient, value: Any, message: str, caplog: pytest.LogCaptureFixture
) -> None:
    @app.get("/")
    def index() -> Any:
        return value

    response = client.get("/")
    assert response.status_code == 500
    assert message not in response.text  # the details stay in the log
    assert any(message in str(record.exc_info[1]) for record in caplog.records if record.exc_info)


@pytest.mark.parametrize(
    ("value", "message"),
    [(None, "returned None"), (object(), "'object'"), ((1, 2, 3, 4), "tuple of 4 items")],
)
def test_to_response_errors_name_the_value(value: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        to_response(value)


def test_make_response(app: Cupola) -> None:
    response = app.make_response(("made", 201, {"X-M": "1"}))
    assert response.status == 201
    assert response.body == b"made"
    assert response.headers["X-M"] == "1"


class _Markup(str):
    """A str subclass, as markupsafe.Markup is."""


class _Ordered(dict[str, Any]):
    """A dict subclass, as OrderedDict is."""


def test_subclasses_of_str_and_dict_are_coerced_like_their_bases() -> None:
    html = to_response(_Markup("<b>safe</b>"))
    assert (html.body, html.headers["content-type"]) == (b"<b>safe</b>", "text/html; charset=utf-8")
    data = to_response(_Ordered(a=1))
    assert (data.body, data.headers["content-type"]) == (b'{"a":1}', "application/json")
