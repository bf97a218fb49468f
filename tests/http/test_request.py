"""The request object through real requests, and every kind of bad input it must refuse."""

from __future__ import annotations

from typing import Any

import pytest

from cupola import Blueprint, Cupola, request
from cupola.http.body import SPOOL_MAX_SIZE
from cupola.http.request import Request
from cupola.testing import TestClient

BOUNDARY = "cupolaboundary"


def echo_app(app: Cupola) -> None:
    """Routes that report what the request parsed, for the bad-input tests."""

    @app.post("/json")
    def json_view(request: Request) -> dict[str, Any]:
        return {"json": request.json}

    @app.post("/form")
    def form_view(request: Request) -> dict[str, Any]:
        return {
            "form": request.form.to_dict(flat=False),
            "files": {name: f.size for name, f in request.files.items()},
        }

    @app.post("/data")
    def data_view(request: Request) -> dict[str, Any]:
        return {"size": len(request.get_data())}


def multipart(*parts: tuple[str, str], boundary: str = BOUNDARY, end: bool = True) -> bytes:
    body = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in parts
    )
    if end:
        body += f"--{boundary}--\r\n"
    return body.encode()


def multipart_headers(boundary: str = BOUNDARY) -> dict[str, str]:
    return {"Content-Type": f"multipart/form-data; boundary={boundary}"}


# -- properties ------------------------------------------------------------------------------


def test_args_multidict(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def view(request: Request) -> dict[str, Any]:
        args = request.args
        return {
            "first": args["a"],
            "get": args.get("missing", "default"),
            "int": args.get("n", type=int),
            "bad_int": args.get("sp", -1, type=int),
            "all": args.getlist("a"),
            "keys": list(args),
            "flat": args.to_dict(),
            "raw": request.query_string.decode(),
        }

    response = client.get("/?a=1&a=two&n=5&e=&sp=a+b%21")
    assert response.json() == {
        "first": "1",
        "get": "default",
        "int": 5,
        "bad_int": -1,
        "all": ["1", "two"],
        "keys": ["a", "n", "e", "sp"],
        "flat": {"a": "1", "n": "5", "e": "", "sp": "a b!"},
        "raw": "a=1&a=two&n=5&e=&sp=a+b%21",
    }


def test_args_are_read_only(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def view(request: Request) -> str:
        try:
            request.args["x"] = "y"  # type: ignore[index]
        except TypeError as exc:
            return str(exc)
        return "mutable"

    assert "read-only" in client.get("/?x=1").text


def test_form_urlencoded_and_values(app: Cupola, client: TestClient) -> None:
    @app.post("/")
    def view(request: Request) -> dict[str, Any]:
        return {
            "form": request.form.to_dict(flat=False),
            "values": request.values.getlist("k"),
            "mimetype": request.mimetype,
            "files": len(request.files),
        }

    response = client.post("/?k=query", data={"k": ["a", "b"], "name": "Zoë"})
    assert response.json() == {
        "form": {"k": ["a", "b"], "name": ["Zoë"]},
        "values": ["query", "a", "b"],
        "mimetype": "application/x-www-form-urlencoded",
        "files": 0,
    }


def test_form_of_other_content_type_is_empty(app: Cupola, client: TestClient) -> None:
    @app.post("/")
    def view(request: Request) -> dict[str, Any]:
        return {"form": request.form.to_dict(), "data": request.get_data(as_text=True)}

    response = client.post("/", content=b"a=1", headers={"Content-Type": "text/plain"})
    assert response.json() == {"form": {}, "data": "a=1"}


def test_file_upload(app: Cupola, client: TestClient) -> None:
    @app.post("/")
    def view(request: Request) -> dict[str, Any]:
        upload = request.files["doc"]
        return {
            "filename": upload.filename,
            "raw_filename": upload.raw_filename,
            "size": upload.size,
            "content_type": upload.content_type,
            "content": upload.read().decode(),
            "field": request.form["title"],
            "all": [f.filename for f in request.files.getlist("many")],
        }

    response = client.post(
        "/",
        data={"title": "report"},
        files=[
            ("doc", ("../../etc/passwd", b"secret data", "text/plain")),
            ("many", ("C:\\Users\\me\\con.txt", b"1", "text/plain")),
            ("many", ("b.bin", b"22", "application/octet-stream")),
        ],
    )
    assert response.json() == {
        "filename": "passwd",
        "raw_filename": "../../etc/passwd",
        "size": 11,
        "content_type": "text/plain",
        "content": "secret data",
        "field": "report",
        "all": ["_con.txt", "b.bin"],
    }


def test_large_upload_is_spooled_and_complete(app: Cupola, client: TestClient) -> None:
    @app.post("/")
    def view(request: Request) -> dict[str, Any]:
        upload = request.files["big"]
        data = upload.read()
        return {"size": upload.size, "ok": data == b"z" * (3 * 1024 * 1024)}

    response = client.post("/", files={"big": ("big.bin", b"z" * (3 * 1024 * 1024))})
    assert response.json() == {"size": 3 * 1024 * 1024, "ok": True}


def test_json_and_get_data(app: Cupola, client: TestClient) -> None:
    @app.post("/")
    def view(request: Request) -> dict[str, Any]:
        return {
            "json": request.json,
            "again": request.get_json(),
            "is_json": request.is_json,
            "raw": request.get_data(as_text=True),
            "length": request.content_length,
        }

    body = b'{"a": [1, 2.5, null, "\\u00e9"]}'
    response = client.post("/", content=body, headers={"Content-Type": "application/json"})
    assert response.json() == {
        "json": {"a": [1, 2.5, None, "é"]},
        "again": {"a": [1, 2.5, None, "é"]},
        "is_json": True,
        "raw": body.decode(),
        "length": len(body),
    }


def test_json_with_suffix_type_and_force(app: Cupola, client: TestClient) -> None:
    @app.post("/")
    def view(request: Request) -> dict[str, Any]:
        return {"json": request.get_json(force=True), "is_json": request.is_json}

    problem = client.post("/", content=b"[1]", headers={"Content-Type": "application/problem+json"})
    assert problem.json() == {"json": [1], "is_json": True}
    forced = client.post("/", content=b"[2]", headers={"Content-Type": "text/plain"})
    assert forced.json() == {"json": [2], "is_json": False}


def test_get_json_silent(app: Cupola, client: TestClient) -> None:
    @app.post("/")
    def view(request: Request) -> dict[str, Any]:
        return {"json": request.get_json(silent=True)}

    assert client.post("/", content=b"{bad").json() == {"json": None}
    bad = client.post("/", content=b"{bad", headers={"Content-Type": "application/json"})
    assert bad.json() == {"json": None}


def test_headers_are_case_insensitive(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def view(request: Request) -> dict[str, Any]:
        headers = request.headers
        return {
            "lower": headers["x-custom-thing"],
            "upper": headers["X-CUSTOM-THING"],
            "get": headers.get("X-Custom-Thing"),
            "missing": headers.get("x-none", "dflt"),
            "in": "X-CUSTOM-THING" in headers,
            "ua": headers.get("user-agent") is not None,
        }

    response = client.get("/", headers={"X-Custom-Thing": "value"})
    assert response.json() == {
        "lower": "value",
        "upper": "value",
        "get": "value",
        "missing": "dflt",
        "in": True,
        "ua": True,
    }


def test_cookies(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def view(request: Request) -> dict[str, str]:
        return request.cookies

    assert client.get("/", cookies={"a": "1", "b": "two words"}).json() == {
        "a": "1",
        "b": "two words",
    }


def test_url_parts(app: Cupola, client: TestClient) -> None:
    @app.get("/p/<name>")
    def view(request: Request, name: str) -> dict[str, Any]:
        return {
            "name": name,
            "method": request.method,
            "path": request.path,
            "full_path": request.full_path,
            "url": request.url,
            "base_url": request.base_url,
            "host_url": request.host_url,
            "scheme": request.scheme,
            "host": request.host,
            "is_secure": request.is_secure,
            "remote_addr": request.remote_addr,
            "root_path": request.root_path,
        }

    response = client.get("/p/a%20b?x=1")
    assert response.json() == {
        "name": "a b",
        "method": "GET",
        "path": "/p/a b",
        "full_path": "/p/a%20b?x=1",
        "url": "http://localhost/p/a%20b?x=1",
        "base_url": "http://localhost/p/a%20b",
        "host_url": "http://localhost/",
        "scheme": "http",
        "host": "localhost",
        "is_secure": False,
        "remote_addr": "127.0.0.1",
        "root_path": "",
    }


def test_https_and_port(app: Cupola, protocol: str) -> None:
    app.config["ALLOWED_HOSTS"] = ["example.com"]

    @app.get("/")
    def view(request: Request) -> dict[str, Any]:
        return {"secure": request.is_secure, "host": request.host, "url": request.url}

    with app.test_client(protocol, base_url="https://example.com:8443") as client:  # type: ignore[arg-type]
        assert client.get("/").json() == {
            "secure": True,
            "host": "example.com:8443",
            "url": "https://example.com:8443/",
        }


def test_malformed_host_is_400(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def view(request: Request) -> str:
        return request.host

    response = client.get("/", headers={"Host": "bad host/"})
    assert response.status_code == 400
    assert "Host header is malformed" in response.text


def test_routing_attributes(app: Cupola, client: TestClient) -> None:
    bp = Blueprint("shop", __name__, url_prefix="/shop")

    @bp.get("/<int:item_id>")
    def item(item_id: int) -> dict[str, Any]:
        return {
            "view_args": request.view_args,
            "endpoint": request.endpoint,
            "blueprint": request.blueprint,
            "rule": request.url_rule.rule if request.url_rule else None,
        }

    @app.get("/")
    def index() -> dict[str, Any]:
        return {"endpoint": request.endpoint, "blueprint": request.blueprint}

    app.register_blueprint(bp)
    assert client.get("/shop/4").json() == {
        "view_args": {"item_id": 4},
        "endpoint": "shop.item",
        "blueprint": "shop",
        "rule": "/shop/<int:item_id>",
    }
    assert client.get("/").json() == {"endpoint": "index", "blueprint": None}


def test_unmatched_request_has_no_endpoint(app: Cupola, client: TestClient) -> None:
    @app.errorhandler(404)
    def missing(exc: Exception) -> dict[str, Any]:
        return {"endpoint": request.endpoint, "view_args": request.view_args}

    assert client.get("/nothing").json() == {"endpoint": None, "view_args": {}}


def test_body_read_in_async_view(app: Cupola, client: TestClient) -> None:
    @app.post("/")
    async def view(request: Request) -> dict[str, Any]:
        return {"json": request.json, "len": len(request.get_data())}

    assert client.post("/", json={"x": "y"}).json() == {"json": {"x": "y"}, "len": 9}


def test_stream_reads_the_body(app: Cupola, client: TestClient) -> None:
    @app.post("/")
    def view(request: Request) -> bytes:
        return bytes(request.stream.read())

    assert client.post("/", content=b"streamed").content == b"streamed"


# -- bad input: JSON -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{bad json", "Invalid JSON"),
        (b'{"a": [1, 2', "Invalid JSON"),
        (b"", "The JSON body is empty"),
        (b"[" * 129 + b"]" * 129, "nested deeper than 128 levels"),
        (b'{"x": NaN}', "NaN and Infinity are not valid JSON numbers"),
        (b"[Infinity]", "NaN and Infinity are not valid JSON numbers"),
        (b"1" * 4301, "too large"),
        (b'"\\ud800"', "unpaired UTF-16 surrogate"),
        (b'"\xff"', "not valid UTF-8"),
    ],
)
def test_bad_json_is_400(app: Cupola, client: TestClient, body: bytes, message: str) -> None:
    echo_app(app)
    response = client.post("/json", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert message in response.text


def test_json_depth_128_is_accepted(app: Cupola, client: TestClient) -> None:
    echo_app(app)
    response = client.post(
        "/json", content=b"[" * 128 + b"]" * 128, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_json_on_wrong_content_type_is_415(
    app: Cupola, client: TestClient, content_type: str | None
) -> None:
    echo_app(app)
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/json", content=b'{"a": 1}', headers=headers)
    assert response.status_code == 415
    assert "application/json" in response.text


# -- bad input: forms ------------------------------------------------------------------------


def test_non_utf8_urlencoded_form_is_400(app: Cupola, client: TestClient) -> None:
    echo_app(app)
    for body in (b"name=%FF%FE", b"name=\xff"):
        response = client.post(
            "/form", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert response.status_code == 400
        assert "not valid UTF-8" in response.text


def test_non_utf8_multipart_field_is_400(app: Cupola, client: TestClient) -> None:
    echo_app(app)
    body = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="f"\r\n\r\n'.encode()
        + b"\xff\xfe\r\n"
        + f"--{BOUNDARY}--\r\n".encode()
    )
    response = client.post("/form", content=body, headers=multipart_headers())
    assert response.status_code == 400
    assert "not valid UTF-8" in response.text


def test_multipart_without_boundary_is_400(app: Cupola, client: TestClient) -> None:
    echo_app(app)
    response = client.post(
        "/form", content=multipart(("a", "1")), headers={"Content-Type": "multipart/form-data"}
    )
    assert response.status_code == 400
    assert "no boundary" in response.text


def test_multipart_boundary_too_long_is_400(app: Cupola, client: TestClient) -> None:
    echo_app(app)
    boundary = "b" * 71
    response = client.post(
        "/form",
        content=multipart(("a", "1"), boundary=boundary),
        headers=multipart_headers(boundary),
    )
    assert response.status_code == 400
    assert "longer than 70 characters" in response.text


def test_truncated_multipart_is_400(app: Cupola, client: TestClient) -> None:
    echo_app(app)
    body = multipart(("a", "1"), end=False) + f"--{BOUNDARY}\r\nContent-Disp".encode()
    response = client.post("/form", content=body, headers=multipart_headers())
    assert response.status_code == 400
    assert "multipart" in response.text.lower()


def test_multipart_part_header_over_8k_is_400(app: Cupola, client: TestClient) -> None:
    echo_app(app)
    body = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n'
        f"X-Long: {'v' * 9000}\r\n\r\n1\r\n--{BOUNDARY}--\r\n"
    ).encode()
    response = client.post("/form", content=body, headers=multipart_headers())
    assert response.status_code == 400
    assert "headers over the size limit" in response.text


def test_too_many_multipart_parts_is_413(app: Cupola, client: TestClient) -> None:
    echo_app(app)
    app.config["MAX_FORM_PARTS"] = 10
    ok = client.post("/form", content=multipart(*[("f", "v")] * 10), headers=multipart_headers())
    assert ok.status_code == 200
    response = client.post(
        "/form", content=multipart(*[("f", "v")] * 11), headers=multipart_headers()
    )
    assert response.status_code == 413
    assert "MAX_FORM_PARTS" in response.text


def test_too_many_urlencoded_fields_is_413(app: Cupola, client: TestClient) -> None:
    echo_app(app)
    body = "&".join(f"f{n}=v" for n in range(1001)).encode()
    response = client.post(
        "/form", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413
    assert "MAX_FORM_PARTS" in response.text


def test_too_many_files_is_413(app: Cupola, client: TestClient) -> None:
    echo_app(app)
    app.config["MAX_FORM_FILES"] = 2
    files = [("f", (f"{n}.txt", b"x")) for n in range(3)]
    response = client.post("/form", files=files)
    assert response.status_code == 413
    assert "MAX_FORM_FILES" in response.text


def test_form_memory_limit_is_413(app: Cupola, client: TestClient) -> None:
    echo_app(app)
    app.config["MAX_FORM_MEMORY_SIZE"] = 100
    urlencoded = client.post("/form", data={"big": "x" * 200})
    assert urlencoded.status_code == 413
    assert "MAX_FORM_MEMORY_SIZE" in urlencoded.text
    parts = client.post("/form", content=multipart(("big", "x" * 200)), headers=multipart_headers())
    assert parts.status_code == 413
    assert "MAX_FORM_MEMORY_SIZE" in parts.text
    # Files do not count against the memory limit.
    files = client.post("/form", files={"f": ("a.bin", b"x" * 500)})
    assert files.json() == {"form": {}, "files": {"f": 500}}


def test_spooled_urlencoded_body_over_the_memory_limit_is_413(
    app: Cupola, client: TestClient
) -> None:
    echo_app(app)
    app.config["MAX_FORM_MEMORY_SIZE"] = 100
    response = client.post("/form", data={"big": "x" * (SPOOL_MAX_SIZE + 1)})
    assert response.status_code == 413
    assert "MAX_FORM_MEMORY_SIZE" in response.text


def test_multipart_part_without_name_is_400(app: Cupola, client: TestClient) -> None:
    echo_app(app)
    body = f"--{BOUNDARY}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--{BOUNDARY}--\r\n"
    response = client.post("/form", content=body.encode(), headers=multipart_headers())
    assert response.status_code == 400
    assert "no name" in response.text


def test_non_utf8_body_as_text_is_400(app: Cupola, client: TestClient) -> None:
    @app.post("/")
    def view(request: Request) -> str:
        return str(request.get_data(as_text=True))

    response = client.post("/", content=b"\xff\xfe")
    assert response.status_code == 400
    assert "not valid UTF-8" in response.text


def test_indexing_a_missing_field_is_400(app: Cupola, client: TestClient) -> None:
    @app.post("/")
    def view(request: Request) -> str:
        return request.form["title"] + request.args["page"]

    response = client.post("/", data={"other": "x"})
    assert response.status_code == 400
    assert "no field named &#x27;title&#x27;" in response.text
    assert client.post("/?page=1", data={"title": "t"}).text == "t1"


def test_header_reads_one_header_without_parsing_all(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def view(request: Request) -> dict[str, Any]:
        before = request.header("X-Custom")
        parsed = request.headers.get("x-custom")  # parses them all
        return {
            "before": before,
            "after": request.header("x-custom"),
            "parsed": parsed,
            "missing": request.header("x-missing"),
            "type": request.header("content-type"),
        }

    response = client.get("/", headers={"X-Custom": "a b", "Content-Type": "text/plain"})
    assert response.json() == {
        "before": "a b",
        "after": "a b",
        "parsed": "a b",
        "missing": None,
        "type": "text/plain",
    }


def test_repr_names_method_and_path(app: Cupola) -> None:
    with app.test_request_context("/books?x=1", method="POST") as req:
        assert repr(req) == "<Request POST '/books'>"


def test_adapter_and_router_attributes(app: Cupola, client: TestClient, protocol: str) -> None:
    @app.post("/items/<int:item_id>")
    def view(request: Request, item_id: int) -> dict[str, Any]:
        route = request.matched_route
        before = request.loaded_body
        request.get_data()
        return {
            "endpoint": route.endpoint if route is not None else None,
            "raw_is_dict": isinstance(request.raw, dict),
            "host_header": request.host_header,
            "forwarded": request.forwarded,
            "read_before": before is not None,
            "read_after": request.loaded_body is not None,
        }

    assert client.post("/items/3", content=b"x", headers={"Host": "localhost:8000"}).json() == {
        "endpoint": "view",
        "raw_is_dict": True,
        "host_header": "localhost:8000",
        "forwarded": None,
        # The ASGI adapter buffers the body before the view runs; WSGI reads it on demand.
        "read_before": protocol == "asgi",
        "read_after": True,
    }


def test_unmatched_request_has_no_matched_route(app: Cupola, client: TestClient) -> None:
    @app.errorhandler(404)
    def missing(exc: Exception) -> dict[str, Any]:
        return {"route": request.matched_route}

    assert client.get("/nothing").json() == {"route": None}


def test_json_null_body_is_parsed_once(app: Cupola, client: TestClient) -> None:
    @app.post("/")
    def view(request: Request) -> dict[str, Any]:
        first = request.json
        request.loaded_body = None  # a second parse would read the body again
        return {"first": first, "second": request.get_json(force=True)}

    response = client.post("/", content=b"null", headers={"Content-Type": "application/json"})
    assert response.json() == {"first": None, "second": None}


def test_users_may_add_attributes(app: Cupola, client: TestClient) -> None:
    @app.before_request
    def mark() -> None:
        request.started = "early"  # type: ignore[attr-defined]

    @app.get("/")
    def view(request: Request) -> str:
        return request.started  # type: ignore[attr-defined,no-any-return]

    assert client.get("/").text == "early"


def test_user_is_loaded_once_and_may_be_replaced(app: Cupola, client: TestClient) -> None:
    loads: list[str] = []

    class Loader:
        def load_user(self, request: Request) -> Any:
            loads.append(request.path)
            return None  # an app may answer "nobody" with None

    app.user_loader = Loader()

    @app.get("/")
    def view(request: Request) -> dict[str, Any]:
        first, again = request.user, request.user
        request.user = "replaced"
        kept = request.g is request.g and request.args is request.args
        return {"first": first, "again": again, "now": request.user, "kept": kept}

    assert client.get("/").json() == {
        "first": None,
        "again": None,
        "now": "replaced",
        "kept": True,
    }
    assert len(loads) == 1
