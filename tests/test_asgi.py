"""The ASGI adapter: threads and the loop, request-head limits, bodies, lifespan."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from cupola import Cupola, Middleware, Response
from cupola.asgi import MAX_HEADER, MAX_TARGET
from cupola.http.request import Request

AsgiCall = Callable[..., Any]


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_sync_route_runs_in_one_worker_thread(app: Cupola, asgi_call: AsgiCall) -> None:
    threads: dict[str, threading.Thread] = {}

    class Where(Middleware):
        def process_request(self, request: Request) -> None:
            threads["process_request"] = threading.current_thread()

        def process_response(self, request: Request, response: Response) -> Response:
            threads["process_response"] = threading.current_thread()
            return response

    app.add_middleware(Where)

    @app.before_request
    def before() -> None:
        threads["before"] = threading.current_thread()

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        threads["teardown"] = threading.current_thread()

    @app.get("/")
    def view() -> str:
        threads["view"] = threading.current_thread()
        return "sync"

    async def main() -> Any:
        threads["loop"] = threading.current_thread()
        return await asgi_call("GET", b"/")

    assert run(main()).body == b"sync"
    loop_thread = threads.pop("loop")
    assert threads["view"] is not loop_thread
    assert set(threads.values()) == {threads["view"]}  # one hop for the whole route


def test_async_view_runs_on_the_loop(app: Cupola, asgi_call: AsgiCall) -> None:
    seen: dict[str, Any] = {}

    @app.get("/")
    async def view() -> str:
        seen["thread"] = threading.current_thread()
        seen["loop"] = asyncio.get_running_loop()
        return "async"

    async def main() -> Any:
        seen["main_thread"] = threading.current_thread()
        seen["main_loop"] = asyncio.get_running_loop()
        return await asgi_call("GET", b"/")

    assert run(main()).body == b"async"
    assert seen["thread"] is seen["main_thread"]
    assert seen["loop"] is seen["main_loop"]


def test_sync_view_does_not_block_the_loop(app: Cupola, asgi_call: AsgiCall) -> None:
    release = threading.Event()

    @app.get("/block")
    def block() -> str:
        assert release.wait(5)
        return "released"

    @app.get("/free")
    async def free() -> str:
        release.set()
        return "free"

    async def main() -> list[Any]:
        blocked = asyncio.create_task(asgi_call("GET", b"/block"))
        await asyncio.sleep(0.01)
        return [await asgi_call("GET", b"/free"), await blocked]

    free_response, blocked_response = run(main())
    assert (free_response.body, blocked_response.body) == (b"free", b"released")


def test_sync_stream_pulled_off_the_loop(app: Cupola, asgi_call: AsgiCall) -> None:
    threads: list[threading.Thread] = []

    @app.get("/")
    def view() -> Iterator[bytes]:
        def chunks() -> Iterator[bytes]:
            threads.append(threading.current_thread())
            yield b"a"
            yield b"b"

        return chunks()

    async def main() -> Any:
        threads.append(threading.current_thread())
        return await asgi_call("GET", b"/")

    assert run(main()).body == b"ab"
    assert threads[1] is not threads[0]


# -- request head limits ---------------------------------------------------------------------


def test_target_over_8k_is_414(app: Cupola, asgi_call: AsgiCall) -> None:
    @app.get("/<path:p>")
    def view(p: str) -> str:
        return "reached"

    ok = run(asgi_call("GET", b"/" + b"a" * 100, query=b"q=" + b"b" * (MAX_TARGET - 200)))
    assert ok.status == 200
    long_path = run(asgi_call("GET", b"/" + b"a" * MAX_TARGET))
    assert long_path.status == 414
    assert "8192 bytes" in long_path.text
    long_query = run(asgi_call("GET", b"/a", query=b"q=" + b"b" * MAX_TARGET))
    assert long_query.status == 414


def test_too_many_headers_is_431(app: Cupola, asgi_call: AsgiCall) -> None:
    @app.get("/")
    def view() -> str:
        return "reached"

    headers = [(f"x-h{n}", "v") for n in range(100)]  # plus Host: 101 headers
    response = run(asgi_call("GET", b"/", headers=headers))
    assert response.status == 431
    assert "more than 100 headers" in response.text
    assert run(asgi_call("GET", b"/", headers=headers[:99])).status == 200


def test_header_over_8k_is_431(app: Cupola, asgi_call: AsgiCall) -> None:
    @app.get("/")
    def view() -> str:
        return "reached"

    response = run(asgi_call("GET", b"/", headers=[("x-big", "v" * MAX_HEADER)]))
    assert response.status == 431
    assert "header exceeds 8192 bytes" in response.text


def test_headers_over_64k_in_total_is_431(app: Cupola, asgi_call: AsgiCall) -> None:
    @app.get("/")
    def view() -> str:
        return "reached"

    headers = [(f"x-h{n}", "v" * 8000) for n in range(9)]
    response = run(asgi_call("GET", b"/", headers=headers))
    assert response.status == 431
    assert "65536 bytes" in response.text


def test_head_limit_errors_go_through_error_handlers(app: Cupola, asgi_call: AsgiCall) -> None:
    @app.errorhandler(431)
    def too_large(exc: Exception) -> tuple[str, int]:
        return "custom 431", 431

    response = run(asgi_call("GET", b"/", headers=[("x-big", "v" * MAX_HEADER)]))
    assert (response.status, response.body) == (431, b"custom 431")


def test_invalid_content_length_is_400(app: Cupola, asgi_call: AsgiCall) -> None:
    @app.post("/")
    def view() -> str:
        return "reached"

    response = run(asgi_call("POST", b"/", headers=[("content-length", "5x")], chunks=[b"a"]))
    assert response.status == 400
    assert "Content-Length" in response.text


# -- bodies ----------------------------------------------------------------------------------


def test_chunked_body_over_limit_stops_reading(app: Cupola, asgi_call: AsgiCall) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1000
    reached: list[bool] = []

    @app.post("/")
    def view(request: Request) -> str:
        reached.append(True)
        return str(len(request.get_data()))

    chunks = [b"x" * 100] * 1000  # 100 kB announced by no Content-Length
    response = run(asgi_call("POST", b"/", chunks=chunks))
    assert response.status == 413
    assert "MAX_CONTENT_LENGTH" in response.text
    assert response.chunks_read <= 12  # stopped soon after the limit, not at the end
    assert reached == []


def test_chunked_body_within_limit(app: Cupola, asgi_call: AsgiCall) -> None:
    @app.post("/")
    async def view(request: Request) -> str:
        return str(len(request.get_data()))

    response = run(asgi_call("POST", b"/", chunks=[b"y" * 10_000] * 200))
    assert response.body == b"2000000"  # spooled to disk past 1 MiB, read back whole


def test_declared_length_over_limit_reads_nothing(app: Cupola, asgi_call: AsgiCall) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 10

    @app.post("/")
    def view(request: Request) -> str:
        return str(len(request.get_data()))

    response = run(asgi_call("POST", b"/", chunks=[b"x" * 100], content_length=100))
    assert response.status == 413
    assert response.chunks_read == 0


def test_untruthful_content_length_over_limit_is_413(app: Cupola, asgi_call: AsgiCall) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 10

    @app.post("/")
    def view(request: Request) -> str:
        return str(len(request.get_data()))

    response = run(asgi_call("POST", b"/", chunks=[b"x" * 8, b"x" * 8], content_length=5))
    assert response.status == 413


def test_client_disconnect_during_body_sends_nothing(app: Cupola) -> None:
    calls: list[str] = []

    @app.post("/")
    def view() -> str:
        calls.append("view")
        return ""

    sent: list[Any] = []
    messages = [
        {"type": "http.request", "body": b"part", "more_body": True},
        {"type": "http.disconnect"},
    ]

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "raw_path": b"/",
        "query_string": b"",
        "headers": [(b"host", b"x"), (b"transfer-encoding", b"chunked")],
    }
    run(app.asgi(scope, receive, send))
    assert sent == []
    assert calls == []


# -- lifespan --------------------------------------------------------------------------------


def test_lifespan_runs_sync_and_async_functions(app: Cupola) -> None:
    events: list[str] = []

    @app.on_startup
    def sync_start() -> None:
        events.append("sync start")

    @app.on_startup
    async def async_start() -> None:
        await asyncio.sleep(0)
        events.append("async start")

    @app.on_shutdown
    def sync_stop() -> None:
        events.append("sync stop")

    @app.on_shutdown
    async def async_stop() -> None:
        events.append("async stop")

    @app.get("/")
    def view() -> str:
        return ",".join(events)

    with app.test_client("asgi") as client:
        assert client.get("/").text == "sync start,async start"
    assert events == ["sync start", "async start", "sync stop", "async stop"]


def test_lifespan_startup_failure_surfaces(app: Cupola, caplog: pytest.LogCaptureFixture) -> None:
    @app.on_startup
    def broken() -> None:
        raise ValueError("database unreachable")

    client = app.test_client("asgi")
    with pytest.raises(RuntimeError, match="Lifespan startup failed") as info, client:
        pass
    assert "database unreachable" in str(info.value)
    assert "Error during lifespan startup" in caplog.text


def test_lifespan_shutdown_failure_surfaces(app: Cupola) -> None:
    @app.on_shutdown
    async def broken() -> None:
        raise OSError("flush failed")

    client = app.test_client("asgi")
    with pytest.raises(RuntimeError, match=r"(?s)Lifespan shutdown failed.*flush failed"), client:
        pass


def test_lifespan_messages(app: Cupola) -> None:
    @app.on_startup
    def start() -> None:
        pass

    incoming = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return incoming.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    run(app.asgi({"type": "lifespan"}, receive, send))
    assert sent == [{"type": "lifespan.startup.complete"}, {"type": "lifespan.shutdown.complete"}]


def test_root_path_is_stripped_and_used_for_urls(app: Cupola) -> None:
    from cupola import url_for

    app.config["ALLOWED_HOSTS"] = ["*"]  # this test is about paths, whatever the host

    @app.get("/page")
    def page(request: Request) -> str:
        return f"{request.path} {url_for('page')} {request.url}"

    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "scheme": "https",
        "path": "/mount/page",
        "raw_path": b"/mount/page",
        "root_path": "/mount",
        "query_string": b"",
        "headers": [(b"host", b"example.com")],
    }
    run(app.asgi(scope, receive, send))
    assert sent[0]["status"] == 200
    assert sent[1]["body"] == b"/page /mount/page https://example.com/mount/page"


def test_shutdown_functions_run_in_an_app_context(app: Cupola) -> None:
    from cupola import current_app

    seen: list[object] = []

    @app.on_shutdown
    async def stop() -> None:
        seen.append(current_app._get_current_object())  # type: ignore[attr-defined]

    with app.test_client("asgi"):
        pass
    assert seen == [app]


@pytest.mark.parametrize(
    ("version", "server", "scheme", "expected"),
    [
        # HTTP/1.0 may omit Host: the server's own address stands in.
        ("1.0", ("example.org", 8080), "http", (200, b"example.org:8080")),
        ("1.0", ("example.org", 443), "https", (200, b"example.org")),
        ("1.0", None, "http", (400, b"The request has no Host header.")),
        ("1.1", ("example.org", 80), "http", (400, b"The request has no Host header.")),
    ],
)
def test_host_without_host_header(
    app: Cupola, version: str, server: Any, scheme: str, expected: tuple[int, bytes]
) -> None:
    app.config["ALLOWED_HOSTS"] = ["*"]  # the server's own address stands in for Host

    @app.get("/")
    def view(request: Request) -> str:
        return request.host

    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "http_version": version,
        "scheme": scheme,
        "path": "/",
        "query_string": b"",
        "headers": [],
        "server": server,
    }
    run(app.asgi(scope, receive, send))
    status, body = expected
    assert sent[0]["status"] == status
    assert body in sent[1]["body"]


def test_repeated_header_names_with_one_host(app: Cupola, asgi_call: AsgiCall) -> None:
    @app.get("/")
    def view(request: Request) -> str:
        return ",".join(request.headers.getlist("accept"))

    headers = [("accept", "text/html"), ("accept", "application/json")]
    response = run(asgi_call("GET", b"/", headers=headers))
    assert response.status == 200
    assert response.text == "text/html,application/json"


def test_second_host_among_repeated_names_is_400(app: Cupola, asgi_call: AsgiCall) -> None:
    @app.get("/")
    def view() -> str:
        return "reached"

    headers = [("accept", "a"), ("accept", "b"), ("host", "other.example")]
    response = run(asgi_call("GET", b"/", headers=headers))
    assert response.status == 400
    assert "more than one Host" in response.text


def test_large_head_of_small_headers_is_accepted(app: Cupola, asgi_call: AsgiCall) -> None:
    @app.get("/")
    def view(request: Request) -> str:
        return str(len(request.headers))

    headers = [(f"x-h{n}", "v" * 4000) for n in range(15)]  # 60 KB, each under 8 KiB
    response = run(asgi_call("GET", b"/", headers=headers))
    assert response.status == 200
    assert response.text == "16"


def test_repeated_heads_get_their_own_length_and_values(app: Cupola, asgi_call: AsgiCall) -> None:
    @app.get("/<int:size>")
    def view(size: int) -> Response:
        return Response("x" * size, headers={"X-Size": str(size % 2)})

    for size in (1, 3, 4, 10, 11):
        response = run(asgi_call("GET", f"/{size}".encode()))
        assert response.headers["Content-Length"] == str(size)
        assert response.headers["X-Size"] == str(size % 2)
        assert response.body == b"x" * size


def test_a_view_sets_its_own_content_length_once(app: Cupola, asgi_call: AsgiCall) -> None:
    sent: list[dict[str, Any]] = []

    @app.get("/")
    def view() -> Response:
        return Response(b"abc", headers={"Content-Length": "3"})

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "http_version": "1.1",
        "scheme": "http",
        "path": "/",
        "query_string": b"",
        "headers": [(b"host", b"localhost")],
    }
    for _ in range(3):  # the head is cached from the second response on
        sent.clear()
        run(app.asgi(scope, receive, send))
        names = [name.lower() for name, _ in sent[0]["headers"]]
        assert names.count(b"content-length") == 1


def test_receive_failing_mid_body_is_400(app: Cupola) -> None:
    calls: list[str] = []

    @app.post("/")
    def view(request: Request) -> str:
        calls.append("view")
        return str(len(request.get_data()))

    sent: list[Any] = []
    messages: list[Any] = [{"type": "http.request", "body": b"part", "more_body": True}]

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)  # type: ignore[no-any-return]  # a test message
        raise OSError("the server's input failed")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "raw_path": b"/",
        "query_string": b"",
        "headers": [(b"host", b"localhost"), (b"transfer-encoding", b"chunked")],
    }
    run(app.asgi(scope, receive, send))
    assert sent[0]["status"] == 400
    assert b"could not be read" in sent[1]["body"]
    assert calls == []


def test_an_unknown_scope_type_is_ignored(app: Cupola) -> None:
    sent: list[Any] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    run(app.asgi({"type": "webtransport"}, receive, send))
    assert sent == []


def test_content_length_pairs_are_kept_up_to_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    from cupola.http import heads
    from cupola.http.bounded import BoundedDict

    monkeypatch.setattr(heads, "LENGTHS", BoundedDict(1024))
    for size in range(1024 + 10):
        assert heads.length_pair(size) == (b"Content-Length", str(size).encode())
    assert len(heads.LENGTHS) == 1024  # random sizes cannot grow it further
