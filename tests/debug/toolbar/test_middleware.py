"""The toolbar middleware: X-Debug-Id, injection, /__debug__/, and who sees any of it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from cupola import Cupola, PlainTextResponse, StreamingResponse
from cupola.exceptions import ImproperlyConfigured
from cupola.static import send_file
from cupola.testing import TestClient, WebSocketRejected
from cupola.websockets import WebSocket

from ..conftest import details

PAGE = "<!doctype html><html><head><title>Page</title></head><body><h1>Hi</h1></body></html>"


def routes(app: Cupola) -> None:
    @app.get("/")
    def page() -> str:
        return PAGE

    @app.get("/api/books")
    def books() -> Any:
        return {"books": ["Emma"]}

    @app.get("/fragment")
    def fragment() -> str:
        return "<p>no body element</p>"

    @app.get("/stream")
    def stream() -> StreamingResponse:
        return StreamingResponse(iter([b"<html><body>", b"streamed</body></html>"]))

    @app.get("/crash")
    def crash() -> None:
        raise RuntimeError("crash")


def test_html_pages_get_the_toolbar_and_an_id(app: Cupola, client: TestClient) -> None:
    routes(app)
    response = client.get("/")
    assert response.status_code == 200
    debug_id = response.headers["X-Debug-Id"]
    assert re.fullmatch(r"[0-9a-f]{16}", debug_id)
    text = response.text
    assert text.count('id="cupola-debug-toolbar"') == 1
    toolbar = text.index('<div id="cupola-debug-toolbar"')
    assert text.index("<h1>Hi</h1>") < toolbar < text.index("</body>")
    assert f'data-debug-id="{debug_id}"' in text
    assert int(response.headers["Content-Length"]) == len(response.content)
    assert '<script src="/__debug__/static/toolbar.js" defer>' in text
    assert "https://" not in text  # no CDN


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/books", 200),
        ("GET", "/missing", 404),
        ("POST", "/api/books", 405),
        ("GET", "/crash", 500),
        ("GET", "/fragment", 200),
        ("GET", "/stream", 200),
    ],
)
def test_every_response_carries_an_id(
    app: Cupola, client: TestClient, method: str, path: str, status: int
) -> None:
    app.config["CSRF_ENABLED"] = False
    routes(app)
    response = client.request(method, path)
    assert response.status_code == status
    assert re.fullmatch(r"[0-9a-f]{16}", response.headers["X-Debug-Id"])


def test_only_complete_html_with_a_body_is_injected(app: Cupola, client: TestClient) -> None:
    routes(app)
    assert client.get("/api/books").json() == {"books": ["Emma"]}
    assert client.get("/fragment").text == "<p>no body element</p>"
    assert client.get("/stream").text == "<html><body>streamed</body></html>"
    crash = client.get("/crash")  # the debug error page gets the toolbar too
    assert crash.text.count('id="cupola-debug-toolbar"') == 1


def test_history_lists_pages_and_api_calls(app: Cupola, client: TestClient) -> None:
    routes(app)
    page_id = client.get("/").headers["X-Debug-Id"]
    api_id = client.get("/api/books?page=2").headers["X-Debug-Id"]
    missing_id = client.get("/missing").headers["X-Debug-Id"]
    history = client.get("/__debug__/")
    assert history.status_code == 200
    assert history.headers["Cache-Control"] == "no-store"
    assert "X-Debug-Id" not in history.headers
    text = history.text
    rows = re.findall(r"<tr data-kind=\"(\w+)\">(.*?)</tr>", text, re.S)
    assert [kind for kind, _ in rows] == ["page", "api", "page"]  # newest first
    assert f'href="/__debug__/{api_id}">/api/books?page=2</a>' in text
    assert f'href="/__debug__/{page_id}">/</a>' in text
    assert f'href="/__debug__/{missing_id}">/missing</a>' in text
    assert "<td>GET</td>" in rows[1][1] and '<td class="">200</td>' in rows[1][1]
    assert 'class="cdt-status-error">404</td>' in rows[0][1]
    assert re.search(r"\d+\.\d\d ms", rows[1][1])


def test_details_show_every_panel_in_the_page(app: Cupola, client: TestClient) -> None:
    routes(app)
    debug_id = client.get(
        "/api/books?page=2", headers={"Authorization": "Bearer abc", "X-Mine": "<x>"}
    ).headers["X-Debug-Id"]
    page = details(client, debug_id)
    for name in ("request", "timer", "sql", "templates", "cache", "logging", "route"):
        assert f'id="cdt-panel-{name}"' in page
    assert "<h1>GET /api/books?page=2 <small>→ 200</small></h1>" in page
    assert "<td>x-mine</td><td>&lt;x&gt;</td>" in page.lower()
    assert "Bearer abc" not in page and "<td>********</td>" in page
    assert "<td>Endpoint</td><td>books</td>" in page


def test_history_filters_by_kind(app: Cupola, client: TestClient) -> None:
    routes(app)

    @app.get("/robots.txt")
    def robots() -> PlainTextResponse:
        return PlainTextResponse("User-agent: *")

    client.get("/")
    client.get("/api/books")
    client.get("/robots.txt")
    api = client.get("/__debug__/?kind=api").text
    assert re.findall(r'<tr data-kind="(\w+)">', api) == ["api"]
    assert '<a href="/__debug__/?kind=api" aria-current=page>JSON API</a>' in api
    other = client.get("/__debug__/?kind=other").text
    assert re.findall(r'<tr data-kind="(\w+)">', other) == ["other"]
    client.get("/__debug__/static/toolbar.css")  # not recorded
    everything = client.get("/__debug__/?kind=unknown").text
    assert re.findall(r'<tr data-kind="(\w+)">', everything) == ["other", "api", "page"]


def test_files_are_their_own_kind(app: Cupola, client: TestClient, tmp_path: Any) -> None:
    (tmp_path / "notes.txt").write_text("notes")

    @app.get("/notes")
    def notes() -> Any:
        return send_file(tmp_path / "notes.txt")

    response = client.get("/notes")
    assert response.text == "notes" and "X-Debug-Id" in response.headers
    files = client.get("/__debug__/?kind=file").text
    assert re.findall(r'<tr data-kind="(\w+)">', files) == ["file"]
    assert '<span class="cdt-kind file">File</span>' in files


def test_details_as_json_for_api_clients(app: Cupola, client: TestClient) -> None:
    routes(app)
    response = client.get("/api/books?api_key=k", headers={"Authorization": "Bearer abc"})
    data = client.get(f"/__debug__/{response.headers['X-Debug-Id']}?format=json").json()
    assert data["kind"] == "http" and data["method"] == "GET" and data["status"] == 200
    assert data["path"] == "/api/books?api_key=********"
    assert data["content_type"] == "application/json"
    panels = data["panels"]
    assert set(panels) == {"request", "timer", "sql", "templates", "cache", "logging", "route"}
    assert panels["route"]["endpoint"] == "books"
    assert panels["timer"]["wall_ms"] > 0
    headers = {name.lower(): value for name, value in panels["request"]["tables"][0][1]}
    assert headers["authorization"] == "********"
    assert "Bearer abc" not in str(data)


def test_history_is_bounded(app: Cupola, client: TestClient) -> None:
    app.config["DEBUG_TOOLBAR_HISTORY"] = 3
    routes(app)
    ids = [client.get(f"/api/books?n={n}").headers["X-Debug-Id"] for n in range(5)]
    text = client.get("/__debug__/").text
    assert text.count("<tr data-kind=") == 3
    assert client.get(f"/__debug__/{ids[0]}").status_code == 404
    assert client.get(f"/__debug__/{ids[4]}").status_code == 200


def test_debug_pages_check_the_host_and_set_security_headers(
    app: Cupola, client: TestClient
) -> None:
    routes(app)
    page = client.get("/__debug__/")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    rebound = client.get("/__debug__/", headers={"Host": "attacker.example"})
    assert rebound.status_code == 400
    assert "attacker.example" not in client.get("/__debug__/").text
    app.config["ALLOWED_HOSTS"] = ["books.example"]
    assert client.get("/__debug__/", headers={"Host": "books.example"}).status_code == 200


def test_debug_paths_that_are_not_pages(app: Cupola, client: TestClient) -> None:
    app.config["CSRF_ENABLED"] = False
    assert client.get("/__debug__/unknown").status_code == 404
    assert client.post("/__debug__/").status_code == 404
    assert client.get("/__debug__/static/other.txt").status_code == 404
    script = client.get("/__debug__/static/toolbar.js")
    assert script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert "cupola-debug-toolbar" in script.text
    style = client.get("/__debug__/static/toolbar.css")
    assert style.headers["Content-Type"] == "text/css; charset=utf-8"


def assert_invisible(client: TestClient) -> None:
    response = client.get("/")
    assert "X-Debug-Id" not in response.headers
    assert response.text == PAGE
    assert client.get("/api/books").json() == {"books": ["Emma"]}
    for path in ("/__debug__/", "/__debug__", "/__debug__/static/toolbar.js"):
        assert client.get(path).status_code == 404


def test_nothing_with_debug_off(protocol: str) -> None:
    app = Cupola(__name__)
    routes(app)
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert_invisible(client)
        assert "X-Debug-Id" not in client.get("/missing").headers
    pipeline = app.pipeline
    assert pipeline.websocket_tap is None and pipeline.error_pages.debug_page is None
    hooks = pipeline.middleware.callables()
    assert not any(type(getattr(h, "__self__", None)).__name__.startswith("Debug") for h in hooks)


def test_nothing_for_clients_outside_internal_ips(app: Cupola, client: TestClient) -> None:
    app.config["INTERNAL_IPS"] = ["10.0.0.0/8", "::1"]
    routes(app)
    assert_invisible(client)
    app.config["INTERNAL_IPS"] = ["127.0.0.0/8"]  # a network holds the client
    assert "X-Debug-Id" in client.get("/").headers


def test_unknown_or_malformed_addresses_are_not_internal(app: Cupola) -> None:
    from cupola.debug.toolbar import DebugToolbarMiddleware

    toolbar = DebugToolbarMiddleware(app)
    assert toolbar.is_internal("127.0.0.1") and toolbar.is_internal("::1")
    assert toolbar.is_internal("::ffff:127.0.0.1")
    assert not toolbar.is_internal(None)
    assert not toolbar.is_internal("unix-socket")
    assert not toolbar.is_internal("127.0.0.2")


def test_internal_ips_must_be_addresses(app: Cupola, client: TestClient) -> None:
    app.config["INTERNAL_IPS"] = ["localhost"]
    with pytest.raises(ImproperlyConfigured, match="INTERNAL_IPS holds 'localhost'"):
        app.build()


def test_a_failing_panel_never_breaks_the_response(
    app: Cupola, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cupola.debug.toolbar.panels.route import RoutePanel
    from cupola.debug.toolbar.panels.timer import TimerPanel

    def broken(*args: Any) -> None:
        raise RuntimeError("panel bug")

    monkeypatch.setattr(RoutePanel, "process_response", broken)
    monkeypatch.setattr(TimerPanel, "process_request", broken)
    routes(app)
    response = client.get("/")
    assert response.status_code == 200
    assert 'id="cupola-debug-toolbar"' in response.text
    assert client.get(f"/__debug__/{response.headers['X-Debug-Id']}").status_code == 200


def test_history_survives_a_rebuild(app: Cupola, client: TestClient) -> None:
    routes(app)
    debug_id = client.get("/").headers["X-Debug-Id"]
    app.config["SITE"] = "changed"  # any change rebuilds the pipeline
    assert client.get(f"/__debug__/{debug_id}").status_code == 200


@pytest.fixture
def echo(app: Cupola) -> Iterator[None]:
    @app.websocket("/ws/echo")
    async def handler(ws: WebSocket) -> None:
        await ws.accept()
        async for text in ws.iter_text():
            await ws.send_text(text.upper())

    yield


@pytest.mark.usefixtures("echo")
def test_websocket_sessions_have_a_frame_timeline(app: Cupola, client: TestClient) -> None:
    with client.websocket_connect("/ws/echo?room=<1>") as ws:
        ws.send_text("hello <b>")
        assert ws.receive_text() == "HELLO <B>"
        live = client.get("/__debug__/").text
        assert '<span class="cdt-kind websocket">WebSocket</span>' in live
        assert ">open</td>" in live
    history = client.get("/__debug__/").text
    found = re.search(r'href="/__debug__/(\w+)">/ws/echo\?room=%3C1%3E</a>', history)
    assert found is not None, history
    page = details(client, found.group(1))
    assert "<h1>WebSocket /ws/echo?room=%3C1%3E</h1>" in page
    frames = re.findall(r"<tr>(.*?)</tr>", page.partition("Frame timeline")[2], re.S)
    kinds = [re.findall(r"<td>(.*?)</td>", row)[2] for row in frames if "ms</td>" in row]
    assert kinds[:4] == [
        "websocket.connect",
        "websocket.accept",
        "websocket.receive",
        "websocket.send",
    ]
    assert "hello &lt;b&gt;" in page and "HELLO &lt;B&gt;" in page
    assert "closed (1000)" in page


@pytest.mark.usefixtures("echo")
def test_refused_handshakes_are_recorded(app: Cupola, client: TestClient) -> None:
    with pytest.raises(WebSocketRejected) as refused:  # a foreign page's script
        client.websocket_connect("/ws/echo", headers={"Origin": "https://evil.example"}).__enter__()
    assert refused.value.status == 403
    data = client.get("/__debug__/?kind=websocket").text
    found = re.search(r'href="/__debug__/(\w+)">/ws/echo</a>', data)
    assert found is not None and ">refused (403)</td>" in data
    timeline = client.get(f"/__debug__/{found.group(1)}?format=json").json()
    assert [f["type"] for f in timeline["frames"]][:2] == [
        "websocket.connect",
        "websocket.http.response.start",
    ]
    assert timeline["frames"][1]["content"] == "HTTP 403"


@pytest.mark.usefixtures("echo")
def test_websockets_behind_trusted_proxies_are_judged_by_the_peer(
    app: Cupola, client: TestClient
) -> None:
    # The handshake's Host is allowed only through X-Forwarded-Host: the proxy headers
    # middleware's hook, timed by the toolbar, is still found by the handshake.
    app.config.update(TRUSTED_PROXIES=1, ALLOWED_HOSTS=["books.example"])
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Host": "books.example"}
    with client.websocket_connect("/ws/echo", headers=forwarded) as ws:  # the proxy is local
        ws.send_text("hi")
        assert ws.receive_text() == "HI"
    history = client.get("/__debug__/", headers={"Host": "books.example"}).text
    assert ">closed (1000)</td>" in history


@pytest.mark.usefixtures("echo")
def test_websockets_of_other_clients_are_not_recorded(app: Cupola, client: TestClient) -> None:
    app.config["INTERNAL_IPS"] = ["10.1.2.3"]
    with client.websocket_connect("/ws/echo") as ws:
        ws.send_text("x")
        assert ws.receive_text() == "X"
    app.config["INTERNAL_IPS"] = ["127.0.0.1"]
    assert "No requests yet." in client.get("/__debug__/").text
