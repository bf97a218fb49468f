"""Parsers: JSON with DESIGN §7's limits, forms and uploads within Cupola's limits."""

from __future__ import annotations

import io
from typing import Any

import pytest

from cupola import Cupola
from cupola.rest import parsers
from cupola.rest.exceptions import ParseError
from cupola.rest.response import Response
from cupola.rest.views import APIView

REST = {"DEFAULT_AUTHENTICATION_CLASSES": [], "DEFAULT_PERMISSION_CLASSES": []}
JSON = {"Content-Type": "application/json"}


class Echo(APIView):
    def post(self, request: Any, **kwargs: Any) -> Response:
        data = request.data
        if hasattr(data, "getlist"):
            data = {key: data.getlist(key) for key in data}
        files = {
            key: {"name": f.filename, "type": f.content_type, "content": f.read().decode()}
            for key, f in request.FILES.items()
        }
        for key in files:
            data.pop(key, None)
        return Response({"data": data, "files": files})


class Upload(Echo):
    parser_classes = [parsers.FileUploadParser]


class PlainTextParser(parsers.BaseParser):
    media_type = "text/plain"

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        return {"text": stream.read().decode()}


class Text(Echo):
    parser_classes = [PlainTextParser]


@pytest.fixture
def app() -> Cupola:
    app = Cupola(__name__)
    app.config["REST"] = dict(REST)
    app.add_url_rule("/echo", view_func=Echo.as_view())
    app.add_url_rule("/upload", view_func=Upload.as_view())
    app.add_url_rule("/upload/<filename>", view_func=Upload.as_view("named_upload"))
    app.add_url_rule("/text", view_func=Text.as_view())
    return app


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"[" * 200 + b"]" * 200, "The JSON body is nested deeper than 128 levels."),
        (b'"\\ud800"', "The JSON body contains an unpaired UTF-16 surrogate escape."),
        (b'{"a": Infinity}', "Out of range float values are not JSON compliant: 'Infinity'"),
        (b"", None),
        (b"\xff", "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
        (b"[1,]", "Expecting value: line 1 column 4 (char 3)"),
    ],
)
def test_json_limits(client: Any, body: bytes, reason: str | None) -> None:
    response = client.post("/echo", content=body, headers=JSON)
    if reason is None:  # an empty body is no data, as in REST framework
        assert response.json() == {"data": {}, "files": {}}
    else:
        assert response.status_code == 400
        assert response.json() == {"detail": f"JSON parse error - {reason}"}


def test_json_unicode_and_large_numbers(client: Any) -> None:
    response = client.post("/echo", content='{"a": "Zoë", "n": 12345678901234567890}', headers=JSON)
    assert response.json()["data"] == {"a": "Zoë", "n": 12345678901234567890}


def test_form_and_multipart(client: Any) -> None:
    response = client.post("/echo", data={"tag": ["a", "b"], "title": "Dune"})
    assert response.json() == {"data": {"tag": ["a", "b"], "title": ["Dune"]}, "files": {}}
    response = client.post(
        "/echo", data={"title": "Dune"}, files={"cover": ("../c.txt", b"img", "text/plain")}
    )
    assert response.json() == {
        "data": {"title": ["Dune"]},
        "files": {"cover": {"name": "c.txt", "type": "text/plain", "content": "img"}},
    }


def test_form_limits_apply(app: Cupola, client: Any) -> None:
    app.config["MAX_FORM_PARTS"] = 3
    response = client.post("/echo", data={f"f{i}": "x" for i in range(5)})
    assert response.status_code == 413
    response = client.post("/echo", data={"a": "1"}, files={f"f{i}": b"x" for i in range(5)})
    assert response.status_code == 413
    app.config["MAX_CONTENT_LENGTH"] = 10
    assert client.post("/echo", json={"long": "x" * 20}).status_code == 413


def test_malformed_forms(client: Any) -> None:
    response = client.post(
        "/echo", content=b"--x\r\n", headers={"Content-Type": "multipart/form-data"}
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Multipart form parse error - ")
    urlencoded = {"Content-Type": "application/x-www-form-urlencoded"}
    response = client.post("/echo", content=b"a=%ff", headers=urlencoded)
    assert response.status_code == 400
    assert response.json() == {"detail": "Form parse error - The form data is not valid UTF-8."}


def test_file_upload_parser(client: Any) -> None:
    headers = {"Content-Type": "image/png", "Content-Disposition": 'attachment; filename="a.png"'}
    response = client.post("/upload", content=b"PNG", headers=headers)
    assert response.json() == {
        "data": {},
        "files": {"file": {"name": "a.png", "type": "image/png", "content": "PNG"}},
    }
    response = client.post("/upload/b.png", content=b"PNG", headers={"Content-Type": "image/png"})
    assert response.json()["files"]["file"]["name"] == "b.png"
    response = client.post("/upload", content=b"PNG", headers={"Content-Type": "image/png"})
    assert response.status_code == 400
    assert response.json() == {"detail": parsers.FileUploadParser.errors["no_filename"]}


def test_custom_parser(client: Any) -> None:
    response = client.post("/text", content=b"hi", headers={"Content-Type": "text/plain"})
    assert response.json() == {"data": {"text": "hi"}, "files": {}}
    response = client.post("/text", json={})
    assert response.status_code == 415
    assert response.json() == {"detail": 'Unsupported media type "application/json" in request.'}


def test_parsers_without_a_request() -> None:
    assert parsers.JSONParser().parse(io.BytesIO(b'{"a": 1}')) == {"a": 1}
    with pytest.raises(ParseError, match="JSON parse error - Expecting value"):
        parsers.JSONParser().parse(io.BytesIO(b"nope"))
    assert parsers.FormParser().parse(io.BytesIO(b"a=1&a=2")).getlist("a") == ["1", "2"]
    result = parsers.MultiPartParser().parse(
        io.BytesIO(b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--\r\n'),
        "multipart/form-data; boundary=b",
    )
    assert result.data["a"] == "1"
    with pytest.raises(NotImplementedError):
        parsers.BaseParser().parse(io.BytesIO(b""))
