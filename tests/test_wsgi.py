"""The WSGI adapter: environ translation, bodies, async views on a thread loop, startup."""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from cupola import Cupola, Response, StreamingResponse, url_for
from cupola.http.request import Request
from cupola.wsgi import status_line


def test_app_is_the_wsgi_callable(app: Cupola, wsgi_call: Callable[..., Any]) -> None:
    @app.get("/hello")
    def hello() -> str:
        return "hi"

    response = wsgi_call("GET", b"/hello")
    assert response.status == 200
    assert response.body == b"hi"
    assert response.headers["content-length"] == "2"


def test_async_view_runs_on_a_thread_loop(app: Cupola, wsgi_call: Callable[..., Any]) -> None:
    loops: list[asyncio.AbstractEventLoop] = []

    @app.get("/")
    async def view() -> str:
        await asyncio.sleep(0)
        loops.append(asyncio.get_running_loop())
        return "async under wsgi"

    assert wsgi_call("GET", b"/").body == b"async under wsgi"
    assert wsgi_call("GET", b"/").body == b"async under wsgi"
    assert loops[0] is loops[1]  # one loop per thread, reused


def test_async_iterable_streamed_under_wsgi(app: Cupola, wsgi_call: Callable[..., Any]) -> None:
    @app.get("/")
    def view() -> StreamingResponse:
        async def chunks() -> AsyncIterator[str]:
            for part in ("a", "b"):
                await asyncio.sleep(0)
                yield part

        return StreamingResponse(chunks())

    response = wsgi_call("GET", b"/")
    assert response.body == b"ab"
    assert "content-length" not in response.headers


def test_streaming_response_closed_after_iteration(
    app: Cupola, wsgi_call: Callable[..., Any]
) -> None:
    closed = threading.Event()

    @app.get("/")
    def view() -> Iterator[bytes]:
        def chunks() -> Iterator[bytes]:
            try:
                yield b"one"
                yield b"two"
            finally:
                closed.set()

        return chunks()

    assert wsgi_call("GET", b"/").body == b"onetwo"
    assert closed.is_set()


def test_head_on_stream_closes_without_iterating(
    app: Cupola, wsgi_call: Callable[..., Any]
) -> None:
    started: list[bool] = []

    @app.get("/")
    def view() -> Iterator[bytes]:
        def chunks() -> Iterator[bytes]:
            started.append(True)
            yield b"never"

        return chunks()

    response = wsgi_call("HEAD", b"/")
    assert (response.status, response.body) == (200, b"")
    assert started == []


@pytest.mark.parametrize("status", [204, 304])
def test_no_body_statuses(app: Cupola, wsgi_call: Callable[..., Any], status: int) -> None:
    @app.get("/")
    def view() -> Response:
        return Response(b"dropped", status)

    response = wsgi_call("GET", b"/")
    assert response.status == status
    assert response.body == b""
    assert "content-length" not in response.headers


def test_status_lines() -> None:
    assert status_line(200) == "200 OK"
    assert status_line(418) == "418 I'm a Teapot"
    assert status_line(299) == "299 Unknown"


def test_unknown_status_code_is_sent(app: Cupola, wsgi_call: Callable[..., Any]) -> None:
    @app.get("/")
    def view() -> tuple[str, int]:
        return "odd", 299

    assert wsgi_call("GET", b"/").status == 299


def test_body_with_content_length(app: Cupola, wsgi_call: Callable[..., Any]) -> None:
    @app.post("/")
    def view(request: Request) -> bytes:
        return bytes(request.get_data())

    response = wsgi_call("POST", b"/", chunks=[b"abc", b"def"], content_length=6)
    assert response.body == b"abcdef"


def test_body_without_length_read_to_eof_when_terminated(
    app: Cupola, wsgi_call: Callable[..., Any]
) -> None:
    @app.post("/")
    def view(request: Request) -> bytes:
        return bytes(request.get_data())

    response = wsgi_call("POST", b"/", chunks=[b"x" * 70_000, b"y"])
    assert response.body == b"x" * 70_000 + b"y"


def test_truncated_body_is_400(app: Cupola, wsgi_call: Callable[..., Any]) -> None:
    @app.post("/")
    def view(request: Request) -> bytes:
        return bytes(request.get_data())

    response = wsgi_call("POST", b"/", chunks=[b"short"], content_length=100)
    assert response.status == 400
    assert "ended before Content-Length" in response.text


def test_invalid_content_length_is_400(app: Cupola, wsgi_call: Callable[..., Any]) -> None:
    @app.post("/")
    def view(request: Request) -> bytes:
        return bytes(request.get_data())

    response = wsgi_call("POST", b"/", headers=[("Content-Length", "12x")], chunks=[b"a"])
    assert response.status == 400
    assert "Content-Length" in response.text


def test_script_name_is_the_root_path(app: Cupola, wsgi_call: Callable[..., Any]) -> None:
    app.config["ALLOWED_HOSTS"] = ["example.com"]

    @app.get("/page")
    def page(request: Request) -> dict[str, str]:
        return {"path": request.path, "url": url_for("page"), "full": request.url}

    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> Callable[..., None]:
        seen["status"] = status
        return lambda data: None

    import io
    import json

    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "/mount",
        "PATH_INFO": "/page",
        "QUERY_STRING": "",
        "SERVER_NAME": "example.com",
        "SERVER_PORT": "8080",
        "SERVER_PROTOCOL": "HTTP/1.0",  # HTTP/1.0 may omit Host: the server address is used
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
    }
    body = b"".join(app(environ, start_response))
    assert seen["status"] == "200 OK"
    assert json.loads(body) == {
        "path": "/page",
        "url": "/mount/page",
        "full": "http://example.com:8080/mount/page",
    }


def test_startup_runs_before_the_first_request(app: Cupola, wsgi_call: Callable[..., Any]) -> None:
    events: list[str] = []

    @app.on_startup
    def sync_start() -> None:
        events.append("sync")

    @app.on_startup
    async def async_start() -> None:
        await asyncio.sleep(0)
        events.append("async")

    @app.get("/")
    def view() -> str:
        return ",".join(events)

    assert wsgi_call("GET", b"/").body == b"sync,async"
    app.config["DEBUG"] = False  # a rebuild must not run startup again
    assert wsgi_call("GET", b"/").body == b"sync,async"


def test_startup_runs_even_if_the_app_was_built_before(
    app: Cupola, wsgi_call: Callable[..., Any]
) -> None:
    events: list[str] = []

    @app.on_startup
    def start() -> None:
        events.append("started")

    @app.get("/")
    def view() -> str:
        return ",".join(events)

    with app.app_context():
        assert url_for("view") == "/"  # builds the pipeline
    assert wsgi_call("GET", b"/").body == b"started"


def test_shutdown_registered_at_exit(
    app: Cupola, wsgi_call: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    registered: list[tuple[Any, ...]] = []
    monkeypatch.setattr("cupola.wsgi.atexit.register", lambda *args: registered.append(args))
    done: list[str] = []

    @app.on_shutdown
    async def stop() -> None:
        done.append("stopped")

    @app.get("/")
    def view() -> str:
        return ""

    wsgi_call("GET", b"/")
    assert len(registered) == 1
    func, *args = registered[0]
    func(*args)
    assert done == ["stopped"]


@pytest.mark.parametrize(
    ("host", "protocol", "status"),
    [
        (None, "HTTP/1.1", 400),
        (None, "HTTP/1.0", 200),
        ("bad host", "HTTP/1.1", 400),
        ("example.com:99999", "HTTP/1.1", 400),
        ("example.com:8080", "HTTP/1.1", 200),
        ("[::1]:8000", "HTTP/1.1", 200),
    ],
)
def test_host_header_is_checked_on_every_request(
    host: str | None, protocol: str, status: int
) -> None:
    app = Cupola(__name__, config={"ALLOWED_HOSTS": ["*"]})  # syntax only, whatever the name
    app.get("/")(lambda: "ok")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/",
        "SERVER_NAME": "example.com",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": protocol,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
    }
    if host is not None:
        environ["HTTP_HOST"] = host
    seen: list[str] = []
    body = b"".join(app(environ, lambda status, headers: seen.append(status)))
    assert int(seen[0][:3]) == status
    if status == 400:
        assert b"Host" in body


class _BrokenInput:
    """A ``wsgi.input`` whose read fails as a server's does on broken chunked framing."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def read(self, size: int = -1) -> bytes:
        raise self.error


@pytest.mark.parametrize("error", [ValueError("Invalid chunk size"), OSError("reset")])
@pytest.mark.parametrize("reader", ["form", "json", "get_data", "stream"])
def test_read_error_from_wsgi_input_is_400(app: Cupola, reader: str, error: Exception) -> None:
    @app.post("/")
    def view(request: Request) -> str:
        if reader == "form":
            return str(dict(request.form))
        if reader == "json":
            return str(request.get_json(force=True))
        if reader == "stream":
            return str(len(request.stream().read()))
        return str(len(request.get_data()))

    statuses: list[str] = []
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "HTTP_HOST": "localhost",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "wsgi.input": _BrokenInput(error),
        "wsgi.input_terminated": True,
        "wsgi.url_scheme": "http",
    }
    body = b"".join(app(environ, lambda status, headers, *_: statuses.append(status)))
    assert statuses == ["400 Bad Request"]
    assert b"could not be read" in body


def test_header_names_to_environ_keys_are_kept_up_to_a_bound(
    app: Cupola, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cupola import wsgi
    from cupola.http.bounded import BoundedDict

    monkeypatch.setattr(wsgi, "_ENVIRON_KEYS", BoundedDict())
    environ = {f"HTTP_X_{n}": str(n) for n in range(300)}
    assert [wsgi.WSGI_SOURCE.header(environ, f"X-{n}") for n in range(300)] == [
        str(n) for n in range(300)
    ]
    assert len(wsgi._ENVIRON_KEYS) == 256


def test_an_environ_without_server_name(app: Cupola) -> None:
    from cupola.wsgi import WSGI_SOURCE

    assert WSGI_SOURCE.server({}) is None
    assert WSGI_SOURCE.server({"SERVER_NAME": "h", "SERVER_PORT": "x"}) == ("h", None)


def test_closing_a_response_without_close() -> None:
    from cupola.wsgi import _close

    _close(Response("no close method"))  # nothing to release, nothing raised


class _FailsAfterSpooling:
    """A ``wsgi.input`` that hands out 2 MiB (past the spool size), then fails."""

    def __init__(self) -> None:
        self.sent = 0

    def read(self, size: int = -1) -> bytes:
        if self.sent >= 2 * 1024 * 1024:
            raise ValueError("Invalid chunk size")
        self.sent += size
        return b"x" * size


def test_a_spooled_body_is_released_when_the_input_fails(
    app: Cupola, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    from cupola.http import body

    opened: list[Any] = []
    real = tempfile.TemporaryFile

    def recording(*args: Any, **kwargs: Any) -> Any:
        opened.append(real(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(body.tempfile, "TemporaryFile", recording)

    @app.post("/")
    def view(request: Request) -> str:
        return str(len(request.get_data()))

    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "HTTP_HOST": "localhost",
        "wsgi.input": _FailsAfterSpooling(),
        "wsgi.input_terminated": True,
        "wsgi.url_scheme": "http",
    }
    statuses: list[str] = []
    b"".join(app(environ, lambda status, headers, *_: statuses.append(status)))
    assert statuses == ["400 Bad Request"]
    assert len(opened) == 1 and opened[0].closed
