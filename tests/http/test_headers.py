"""Headers: a case-insensitive multi-dict that refuses values able to split a response."""

from __future__ import annotations

import pytest

from cupola import Cupola, Response
from cupola.exceptions import BadRequest, InvalidHeader
from cupola.http.headers import Headers
from cupola.http.request import Request
from cupola.testing import TestClient


def test_case_insensitive_access() -> None:
    headers = Headers({"Content-Type": "text/plain"})
    assert headers["content-type"] == "text/plain"
    assert headers["CONTENT-TYPE"] == "text/plain"
    assert headers.get("Content-type") == "text/plain"
    assert headers.get("missing") is None
    assert headers.get("missing", "x") == "x"
    assert "CONTENT-type" in headers
    assert 42 not in headers  # type: ignore[comparison-overlap]
    with pytest.raises(KeyError):
        headers["missing"]


def test_repeated_values() -> None:
    headers = Headers([("Set-Cookie", "a=1"), ("set-cookie", "b=2"), ("X", "1")])
    assert headers["Set-Cookie"] == "a=1"
    assert headers.getlist("SET-COOKIE") == ["a=1", "b=2"]
    assert len(headers) == 3
    assert headers.keys() == ["Set-Cookie", "set-cookie", "X"]
    assert list(headers) == headers.keys()
    assert headers.values() == ["a=1", "b=2", "1"]


def test_set_replaces_every_value_in_place() -> None:
    headers = Headers([("A", "1"), ("B", "2"), ("a", "3")])
    headers["A"] = "new"
    assert headers.items() == [("A", "new"), ("B", "2")]
    headers.set("C", 5)  # type: ignore[arg-type]
    assert headers["c"] == "5"


def test_add_setdefault_update_extend() -> None:
    headers = Headers()
    headers.add("Vary", "Cookie")
    headers.add("Vary", "Accept")
    assert headers.getlist("vary") == ["Cookie", "Accept"]
    assert headers.setdefault("vary", "x") == "Cookie"
    assert headers.setdefault("X-New", "v") == "v"
    headers.update({"vary": "Origin"})
    assert headers.getlist("Vary") == ["Origin"]
    headers.extend([("vary", "More")])
    assert headers.getlist("vary") == ["Origin", "More"]


def test_remove_pop_delete() -> None:
    headers = Headers([("A", "1"), ("a", "2"), ("B", "3")])
    assert headers.pop("a") == "1"
    assert "A" not in headers
    assert headers.pop("a", "default") == "default"
    assert headers.remove("b") is True
    assert headers.remove("b") is False
    with pytest.raises(KeyError):
        del headers["b"]
    assert not headers


def test_copy_and_equality() -> None:
    headers = Headers([("A", "1")])
    clone = headers.copy()
    clone.add("B", "2")
    assert "B" not in headers
    assert Headers([("a", "1")]) == Headers([("A", "1")])
    assert Headers([("a", "1")]) != Headers([("a", "2")])
    assert headers.__eq__(object()) is NotImplemented
    assert repr(headers) == "Headers([('A', '1')])"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("X", "a\r\nSet-Cookie: evil=1"),
        ("X", "a\nb"),
        ("X", "a\rb"),
        ("X", "a\0b"),
        ("X\r\nY", "v"),
        ("X:Y", "v"),
    ],
)
def test_forbidden_characters_raise_invalid_header(name: str, value: str) -> None:
    headers = Headers()
    for setter in (headers.set, headers.add):
        with pytest.raises(InvalidHeader) as info:
            setter(name, value)
        assert isinstance(info.value, BadRequest)
        assert isinstance(info.value, ValueError)
        assert info.value.code == 400
    with pytest.raises(InvalidHeader):
        Headers({name: value})
    assert not headers


def test_reflected_header_with_crlf_is_400(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def view(request: Request) -> Response:
        response = Response("ok")
        response.headers["X-Echo"] = request.args["v"]
        return response

    @app.get("/tuple")
    def tuple_view(request: Request) -> tuple[str, dict[str, str]]:
        return "ok", {"X-Echo": request.args["v"]}

    assert client.get("/", query={"v": "fine"}).headers["x-echo"] == "fine"
    for path in ("/", "/tuple"):
        response = client.get(path, query={"v": "a\r\nSet-Cookie: evil=1"})
        assert response.status_code == 400
        assert "forbidden character" in response.text
        assert "set-cookie" not in response.headers
        assert "x-echo" not in response.headers


def test_redirect_to_crlf_location_is_400(app: Cupola, client: TestClient) -> None:
    from cupola import redirect

    @app.get("/")
    def view(request: Request) -> Response:
        return redirect(request.args["next"])

    response = client.get("/", query={"next": "/x\r\nX-Injected: 1"})
    assert response.status_code == 400
    assert "x-injected" not in response.headers


def test_header_value_outside_latin1_raises() -> None:
    headers = Headers()
    headers["X-Latin"] = "café"  # latin-1 is allowed (RFC 9110 obs-text)
    with pytest.raises(InvalidHeader, match="outside latin-1"):
        headers["X-Euro"] = "€"
    with pytest.raises(InvalidHeader, match="outside latin-1"):
        headers.add("X-€", "v")


def test_reflected_non_latin1_header_is_400(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def view(request: Request) -> tuple[str, dict[str, str]]:
        return "ok", {"X-Echo": request.args["v"]}

    assert client.get("/", query={"v": "é"}).headers["x-echo"] == "é"
    response = client.get("/", query={"v": "€ and 中文"})
    assert response.status_code == 400
    assert "outside latin-1" in response.text


CONTROL_CHARACTERS = [chr(c) for c in (*range(0x00, 0x09), *range(0x0A, 0x20), 0x7F)]


@pytest.mark.parametrize("char", CONTROL_CHARACTERS, ids=lambda c: f"0x{ord(c):02x}")
def test_every_control_character_but_tab_is_refused(char: str, protocol: str) -> None:
    headers = Headers()
    with pytest.raises(InvalidHeader, match="forbidden character"):
        headers["X-Value"] = f"a{char}b"
    with pytest.raises(InvalidHeader, match="forbidden character"):
        headers.add(f"X{char}Name", "v")
    app = Cupola(__name__)

    @app.get("/")
    def view(request: Request) -> Response:
        response = Response("ok")
        response.headers["X-Echo"] = request.args["v"]
        return response

    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get("/", query={"v": f"a{char}b"})
    assert response.status_code == 400
    assert "x-echo" not in response.headers


def test_tab_space_and_obs_text_are_allowed_in_values() -> None:
    headers = Headers()
    headers["X-Value"] = "a\tb c\xa0d\xffe"
    assert headers["x-value"] == "a\tb c\xa0d\xffe"


def test_delete_and_raw() -> None:
    headers = Headers([("X-A", "1"), ("X-B", "2")])
    del headers["x-a"]
    assert headers.raw() == [("X-B", "2")]
    with pytest.raises(KeyError):
        del headers["x-a"]
