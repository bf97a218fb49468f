"""Routing through a whole app: converters, 404/405, HEAD/OPTIONS, redirects and url_for."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from cupola import Blueprint, Cupola, Middleware, url_for
from cupola.exceptions import BuildError
from cupola.http.request import Request
from cupola.testing import TestClient


def test_converters_pass_typed_values(app: Cupola, client: TestClient) -> None:
    @app.get("/int/<int:n>")
    def as_int(n: int) -> dict[str, object]:
        return {"value": n, "type": type(n).__name__}

    @app.get("/float/<float:x>")
    def as_float(x: float) -> dict[str, object]:
        return {"value": x, "type": type(x).__name__}

    @app.get("/path/<path:rest>")
    def as_path(rest: str) -> dict[str, object]:
        return {"value": rest}

    @app.get("/uuid/<uuid:u>")
    def as_uuid(u: uuid.UUID) -> dict[str, object]:
        return {"value": str(u), "type": type(u).__name__}

    @app.get("/str/<name>")
    def as_str(name: str) -> dict[str, object]:
        return {"value": name}

    assert client.get("/int/42").json() == {"value": 42, "type": "int"}
    assert client.get("/float/2.5").json() == {"value": 2.5, "type": "float"}
    assert client.get("/path/a/b/c.txt").json() == {"value": "a/b/c.txt"}
    u = uuid.uuid4()
    assert client.get(f"/uuid/{u}").json() == {"value": str(u), "type": "UUID"}
    assert client.get("/str/caf%C3%A9").json() == {"value": "café"}
    assert client.get("/int/abc").status_code == 404
    assert client.get("/uuid/not-a-uuid").status_code == 404


def test_unicode_path_matches_static_rule(app: Cupola, client: TestClient) -> None:
    @app.get("/café/€")
    def cafe() -> str:
        return "ok"

    response = client.get("/caf%C3%A9/%E2%82%AC")
    assert response.status_code == 200
    assert response.text == "ok"


def test_unknown_path_is_404_with_escaped_page(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def index() -> str:
        return "home"

    response = client.get("/nope/<script>")
    assert response.status_code == 404
    assert "Not Found" in response.text
    assert "<script>" not in response.text
    assert response.headers["content-type"].startswith("text/html")


def test_wrong_method_is_405_with_allow(app: Cupola, client: TestClient) -> None:
    @app.route("/thing", methods=["GET", "PUT"])
    def thing() -> str:
        return "ok"

    response = client.post("/thing")
    assert response.status_code == 405
    assert "Method Not Allowed" in response.text
    allowed = {m.strip() for m in response.headers["allow"].split(",")}
    assert allowed == {"GET", "HEAD", "OPTIONS", "PUT"}


def test_405_lists_methods_of_every_matching_rule(app: Cupola, client: TestClient) -> None:
    @app.get("/r")
    def read() -> str:
        return "r"

    @app.delete("/r")
    def remove() -> str:
        return "d"

    assert client.get("/r").text == "r"
    assert client.delete("/r").text == "d"
    response = client.post("/r")
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["allow"].split(",")} == {
        "GET",
        "HEAD",
        "OPTIONS",
        "DELETE",
    }


def test_head_is_automatic_without_body(app: Cupola, client: TestClient) -> None:
    @app.get("/page")
    def page() -> tuple[str, dict[str, str]]:
        return "x" * 123, {"X-Custom": "yes"}

    get = client.get("/page")
    head = client.head("/page")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"] == "123"
    assert head.headers["x-custom"] == "yes"
    assert head.headers["content-type"] == get.headers["content-type"]


def test_head_on_streamed_response_sends_no_body(app: Cupola, client: TestClient) -> None:
    consumed: list[str] = []

    @app.get("/stream")
    def stream() -> object:
        def chunks() -> object:
            consumed.append("started")
            yield b"data"

        return chunks()

    head = client.head("/stream")
    assert head.status_code == 200
    assert head.content == b""
    assert consumed == []  # the body was never produced


def test_options_is_automatic_with_allow(app: Cupola, client: TestClient) -> None:
    @app.route("/opts", methods=["GET", "POST"])
    def opts() -> str:
        raise AssertionError("the view must not run for OPTIONS")

    response = client.options("/opts")
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["allow"] == "GET, HEAD, OPTIONS, POST"


def test_explicit_options_view_is_used(app: Cupola, client: TestClient) -> None:
    @app.route("/opts", methods=["OPTIONS"])
    def opts() -> tuple[str, int, dict[str, str]]:
        return "", 204, {"Allow": "custom"}

    response = client.options("/opts")
    assert response.status_code == 204
    assert response.headers["allow"] == "custom"


def test_missing_trailing_slash_redirects_308_with_query(app: Cupola, client: TestClient) -> None:
    @app.get("/dir/")
    def directory() -> str:
        return "listing"

    response = client.get("/dir?a=1&b=%20x")
    assert response.status_code == 308
    assert response.headers["location"] == "/dir/?a=1&b=%20x"
    followed = client.get("/dir?a=1", follow_redirects=True)
    assert followed.status_code == 200
    assert followed.text == "listing"


def test_redirect_keeps_method_and_body(app: Cupola, client: TestClient) -> None:
    @app.post("/submit/")
    def submit(request: object) -> dict[str, object]:
        return {"got": request.json}  # type: ignore[attr-defined]

    response = client.post("/submit", json={"x": 1})
    assert response.status_code == 308
    followed = client.post("/submit", json={"x": 1}, follow_redirects=True)
    assert followed.json() == {"got": {"x": 1}}


def test_int_converter_overflow_is_404(app: Cupola, client: TestClient) -> None:
    @app.get("/n/<int:n>")
    def number(n: int) -> str:
        return str(n)

    response = client.get("/n/" + "9" * 5000)
    assert response.status_code == 404
    assert "Not Found" in response.text


def test_control_character_in_path_matches_nothing(app: Cupola, client: TestClient) -> None:
    @app.get("/a/<name>")
    def named(name: str) -> str:
        return name

    assert client.get("/a/x%0Ay").status_code == 404
    assert client.get("/a/x%00y").status_code == 404


# -- url_for ---------------------------------------------------------------------------------


def test_url_for_with_query_extras_anchor_and_external(app: Cupola) -> None:
    @app.get("/items/<int:item_id>")
    def show(item_id: int) -> str:
        return ""

    with app.test_request_context("/", base_url="https://example.com"):
        assert url_for("show", item_id=3) == "/items/3"
        assert url_for("show", item_id=3, q="a b", tag=["x", "y"]) == "/items/3?q=a+b&tag=x&tag=y"
        assert url_for("show", item_id=3, _anchor="part 2") == "/items/3#part%202"
        assert url_for("show", item_id=3, _external=True) == "https://example.com/items/3"
        assert url_for("show", item_id=3, _scheme="http") == "http://example.com/items/3"


def test_url_for_external_outside_request_needs_server_name(app: Cupola) -> None:
    @app.get("/")
    def index() -> str:
        return ""

    with app.app_context():
        assert url_for("index") == "/"
        with pytest.raises(BuildError, match="SERVER_NAME"):
            url_for("index", _external=True)
    app.config["SERVER_NAME"] = "example.org"
    with app.app_context():
        assert url_for("index", _external=True) == "http://example.org/"


def test_url_for_inside_view(app: Cupola, client: TestClient) -> None:
    @app.get("/items/<int:item_id>")
    def show(item_id: int) -> str:
        return url_for("show", item_id=item_id + 1, _external=True)

    assert client.get("/items/1").text == "http://localhost/items/2"


def test_url_for_blueprint_relative(app: Cupola, client: TestClient) -> None:
    bp = Blueprint("books", __name__, url_prefix="/books")

    @bp.get("/")
    def index() -> str:
        return url_for(".show", book_id=7)

    @bp.get("/<int:book_id>")
    def show(book_id: int) -> str:
        return url_for(".index")

    @app.get("/")
    def home() -> str:
        return url_for(".home") + " " + url_for("books.show", book_id=1)

    app.register_blueprint(bp)
    assert client.get("/books/").text == "/books/7"
    assert client.get("/books/7").text == "/books/"
    assert client.get("/").text == "/ /books/1"


def test_build_error_names_missing_values(app: Cupola) -> None:
    @app.get("/a/<int:x>/<y>")
    def pair(x: int, y: str) -> str:
        return ""

    with app.app_context():
        with pytest.raises(BuildError) as info:
            url_for("pair", x=1)
        message = str(info.value)
        assert "'pair'" in message
        assert "'y'" in message
        with pytest.raises(BuildError, match=r"no endpoint named 'pairs'.*did you mean 'pair'"):
            url_for("pairs")
        with pytest.raises(BuildError, match="x='abc'"):
            url_for("pair", x="abc", y="b")


def test_build_error_in_view_is_500(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def index() -> str:
        return url_for("missing")

    response = client.get("/")
    assert response.status_code == 500
    assert "missing" not in response.text


# -- bad paths -----------------------------------------------------------------------------


@pytest.mark.parametrize("raw_path", [b"/a/%FF", b"/a/%C3%28", b"/a/caf%E9", b"/%ED%A0%80"])
def test_path_not_utf8_is_400(app: Cupola, raw: Any, raw_path: bytes) -> None:
    @app.get("/a/<name>")
    def named(name: str) -> str:
        return name

    response = raw("GET", raw_path)
    assert response.status == 400
    assert "The request path is not valid UTF-8." in response.text


def test_bad_path_goes_through_hooks_and_handlers(app: Cupola, raw: Any) -> None:
    seen: list[str] = []

    @app.before_request
    def before() -> None:
        seen.append("before")

    @app.errorhandler(400)
    def bad(exc: Exception) -> tuple[str, int]:
        return "custom 400", 400

    response = raw("GET", b"/%FF")
    assert (response.status, response.body) == (400, b"custom 400")
    assert seen == ["before"]


def test_percent_encoded_utf8_path_matches(app: Cupola, raw: Any) -> None:
    @app.get("/a/<name>")
    def named(name: str) -> str:
        return name

    response = raw("GET", b"/a/caf%C3%A9%20x")
    assert (response.status, response.body.decode()) == (200, "café x")


def test_trailing_slash_redirect_keeps_encoding(app: Cupola, client: TestClient) -> None:
    @app.get("/café/")
    def cafe() -> str:
        return "ok"

    response = client.get("/caf%C3%A9?x=%C3%A9")
    assert response.status_code == 308
    assert response.headers["location"] == "/caf%C3%A9/?x=%C3%A9"


def test_views_get_their_arguments_by_name_whatever_their_signature(
    app: Cupola, client: TestClient
) -> None:
    app.testing = False  # a view that cannot take its arguments answers 500

    @app.get("/one/<int:item_id>")
    def one(item_id: int) -> dict[str, object]:
        return {"item_id": item_id}

    @app.get("/defaulted/<int:item_id>")
    def defaulted(item_id: int = 0) -> dict[str, object]:
        return {"item_id": item_id}

    @app.get("/keyword/<int:item_id>")
    def keyword(*, item_id: int) -> dict[str, object]:
        return {"item_id": item_id}

    def wrap(view: Any) -> Any:
        def wrapper(**kwargs: Any) -> Any:
            return view(**kwargs)

        return wrapper

    @app.get("/wrapped/<int:item_id>", endpoint="wrapped")
    @wrap
    def wrapped(item_id: int) -> dict[str, object]:
        return {"item_id": item_id}

    @app.get("/other/<int:other>")
    def other(item_id: int) -> dict[str, object]:
        return {"item_id": item_id}

    @app.get("/positional/<int:item_id>")
    def positional(item_id: int, /) -> dict[str, object]:
        return {"item_id": item_id}

    for prefix in ("one", "defaulted", "keyword", "wrapped"):
        assert client.get(f"/{prefix}/7").json() == {"item_id": 7}
    # Passed by name, as always: a parameter of another name or by position only fails.
    assert client.get("/other/7").status_code == 500
    assert client.get("/positional/7").status_code == 500
    allowed = client.options("/one/7")
    assert allowed.status_code == 200
    assert "GET" in allowed.headers["Allow"]


def test_a_value_a_middleware_takes_is_not_passed(app: Cupola, client: TestClient) -> None:
    class TakeLang(Middleware):
        def process_view(
            self, request: Request, view_func: Any, view_kwargs: dict[str, Any]
        ) -> None:
            view_kwargs.pop("lang", None)

    app.add_middleware(TakeLang)

    @app.get("/<lang>/page")
    def page() -> str:
        return "page"

    @app.get("/<lang>/<int:item_id>")
    def item(item_id: int) -> dict[str, object]:
        return {"item_id": item_id}

    assert client.get("/en/page").text == "page"
    assert client.get("/en/5").json() == {"item_id": 5}
