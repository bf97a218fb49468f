"""The test client: cookies, redirects, bodies, query strings, lifespan, cleanup."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from cupola import Cupola, Response, redirect, request
from cupola.exceptions import ImproperlyConfigured
from cupola.http.request import Request
from cupola.testing import TestClient


def echo(app: Cupola) -> None:
    @app.route("/echo", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def view(request: Request) -> dict[str, Any]:
        return {
            "method": request.method,
            "args": request.args.to_dict(flat=False),
            "form": request.form.to_dict(flat=False),
            "files": {name: f.read().decode() for name, f in request.files.items()},
            "json": request.get_json(silent=True),
            "data": request.get_data(as_text=True) if not request.form else "",
            "type": request.mimetype,
            "x": request.headers.get("x-test"),
        }


def test_json_body(app: Cupola, client: TestClient) -> None:
    echo(app)
    body = client.post("/echo", json={"a": [1, "b"]}).json()
    assert body["json"] == {"a": [1, "b"]}
    assert body["type"] == "application/json"


def test_form_data_and_raw_data(app: Cupola, client: TestClient) -> None:
    echo(app)
    form = client.put("/echo", data={"a": "1", "b": ["2", "3"]}).json()
    assert form["form"] == {"a": ["1"], "b": ["2", "3"]}
    assert form["method"] == "PUT"
    raw = client.patch("/echo", data=b"raw bytes").json()
    assert (raw["data"], raw["method"]) == ("raw bytes", "PATCH")
    text = client.post("/echo", data="text body").json()
    assert text["data"] == "text body"


def test_files(app: Cupola, client: TestClient) -> None:
    echo(app)
    body = client.post("/echo", files={"up": ("a.txt", b"content")}, data={"field": "v"}).json()
    assert body["files"] == {"up": "content"}
    assert body["form"] == {"field": ["v"]}
    assert body["type"] == "multipart/form-data"


def test_query_and_headers(app: Cupola, client: TestClient) -> None:
    echo(app)
    body = client.delete(
        "/echo?fixed=1", query={"q": ["a", "b"], "n": 2}, headers={"X-Test": "yes"}
    ).json()
    assert body["method"] == "DELETE"
    assert body["x"] == "yes"
    assert body["args"]["q"] == ["a", "b"]
    assert body["args"]["n"] == ["2"]


def test_cookies_are_kept(app: Cupola, client: TestClient) -> None:
    @app.get("/login")
    def login() -> Response:
        response = Response("in")
        response.set_cookie("sid", "s1")
        return response

    @app.get("/whoami")
    def whoami() -> dict[str, str]:
        return request.cookies

    assert client.get("/whoami").json() == {}
    client.get("/login")
    assert client.cookies.get("sid") == "s1"
    assert client.get("/whoami").json() == {"sid": "s1"}
    assert client.get("/whoami", cookies={"extra": "1"}).json() == {"sid": "s1", "extra": "1"}
    # A cookie passed to one request is sent with it only; the jar keeps what was set.
    assert dict(client.cookies) == {"sid": "s1"}
    assert client.get("/whoami").json() == {"sid": "s1"}
    assert client.get("/whoami", cookies={"sid": "other"}).json() == {"sid": "other"}
    assert client.get("/whoami").json() == {"sid": "s1"}


def test_follow_redirects(app: Cupola, client: TestClient) -> None:
    @app.get("/start")
    def start() -> Response:
        return redirect("/middle")

    @app.get("/middle")
    def middle() -> Response:
        return redirect("/end", 303)

    @app.get("/end")
    def end() -> str:
        return "arrived"

    not_followed = client.get("/start")
    assert not_followed.status_code == 302
    assert not_followed.headers["location"] == "/middle"
    followed = client.get("/start", follow_redirects=True)
    assert (followed.status_code, followed.text) == (200, "arrived")
    assert [r.status_code for r in followed.history] == [302, 303]


def test_client_default_follows_when_asked(app: Cupola, protocol: str) -> None:
    @app.get("/a")
    def a() -> Response:
        return redirect("/b")

    @app.get("/b")
    def b() -> str:
        return "b"

    with app.test_client(protocol, follow_redirects=True) as client:  # type: ignore[arg-type]
        assert client.get("/a").text == "b"


def test_non_ascii_paths_and_values(app: Cupola, client: TestClient) -> None:
    @app.get("/naïve/<word>")
    def view(word: str) -> dict[str, str]:
        return {"word": word, "q": request.args["q"], "h": request.headers["x-h"]}

    response = client.get("/naïve/日本", query={"q": "ü"}, headers={"X-H": "é".encode("latin-1")})
    assert response.json() == {"word": "日本", "q": "ü", "h": "é"}


def test_unknown_protocol_is_refused(app: Cupola) -> None:
    with pytest.raises(ImproperlyConfigured, match="'wsgi' or 'asgi'"):
        app.test_client("http2")  # type: ignore[arg-type]


def test_exceptions_propagate_in_testing(app: Cupola, client: TestClient) -> None:
    app.config["TESTING"] = True

    @app.get("/")
    def view() -> str:
        raise RuntimeError("visible to the test")

    with pytest.raises(RuntimeError, match="visible to the test"):
        client.get("/")


def test_asgi_client_stops_its_thread(app: Cupola) -> None:
    @app.get("/")
    def view() -> str:
        return ""

    # Only this test's threads: a client another test left open is that test's leak.
    before = {t for t in threading.enumerate() if "run_forever" in t.name}

    def loop_threads() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if "run_forever" in t.name and t not in before]

    with app.test_client("asgi") as client:
        client.get("/")
        assert len(loop_threads()) == 1
    assert loop_threads() == []
    closed = app.test_client("asgi")
    closed.get("/")
    closed.close()
    assert loop_threads() == []


def test_lifespan_only_inside_with(app: Cupola, protocol: str) -> None:
    events: list[str] = []

    @app.on_startup
    def start() -> None:
        events.append("start")

    @app.get("/")
    def view() -> str:
        return ",".join(events)

    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert client.get("/").text == "start"
    assert events == ["start"]


def test_response_is_an_httpx_response(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def view() -> tuple[dict[str, int], int, dict[str, str]]:
        return {"n": 1}, 201, {"X-A": "b"}

    response = client.get("/")
    assert response.status_code == 201
    assert response.json() == {"n": 1}
    assert response.headers["X-A"] == "b"
    assert response.text == '{"n":1}'
    assert response.request.url.path == "/"


# -- Flask's client habits: with client:, session_transaction() --------------------------------


def session_app() -> Cupola:
    app = Cupola(__name__, config={"SECRET_KEY": "client-test", "TESTING": True})

    @app.post("/remember")
    def remember() -> str:
        from cupola import g, session

        session["name"] = request.form["name"]
        g.seen = request.form["name"]
        return "ok"

    @app.get("/name")
    def name() -> str:
        from cupola import session

        return str(session.get("name"))

    return app


def test_with_client_keeps_the_last_requests_context(protocol: str) -> None:
    from cupola import g, session
    from cupola.context import has_request_context

    app = session_app()
    client = app.test_client(protocol)  # type: ignore[arg-type]
    with client:
        client.post("/remember", data={"name": "ada"})
        assert request.path == "/remember"
        assert (session["name"], g.seen) == ("ada", "ada")
        client.get("/name")
        assert request.path == "/name" and "seen" not in g
    assert not has_request_context()
    with client:  # again, after the first block
        assert client.get("/name").text == "ada"
        assert request.path == "/name"
    assert not has_request_context()
    client.post("/remember", data={"name": "bob"})  # usable after its blocks
    assert not has_request_context()  # nothing kept outside a block
    client.close()


def test_kept_contexts_end_in_any_order(protocol: str) -> None:
    from cupola.context import has_request_context

    app = session_app()
    first, second = app.test_client(protocol), app.test_client(protocol)  # type: ignore[arg-type]
    first.__enter__()
    second.__enter__()
    first.get("/name")
    second.get("/name", query={"from": "second"})
    assert request.args.get("from") == "second"
    first.__exit__()  # left first, as fixtures often do
    assert request.args.get("from") == "second"
    second.__exit__()
    assert not has_request_context()


def test_only_the_thread_that_entered_keeps_contexts(protocol: str) -> None:
    from cupola.context import has_request_context

    app = session_app()
    seen: list[bool] = []
    with app.test_client(protocol) as client:  # type: ignore[arg-type]

        def other() -> None:
            client.get("/name")
            seen.append(has_request_context())

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        assert seen == [False]
        assert not has_request_context()


def test_session_transaction(protocol: str) -> None:
    app = session_app()
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        with client.session_transaction() as session:
            assert "name" not in session
            session["name"] = "grace"
        assert client.get("/name").text == "grace"
        client.post("/remember", data={"name": "ada"})
        with client.session_transaction() as session:
            assert session["name"] == "ada"  # reads what responses set
            session.clear()
        assert client.get("/name").text == "None"


def test_the_client_is_a_same_origin_browser_unless_told(protocol: str) -> None:
    from cupola.csrf import csrf_token

    app = session_app()

    @app.get("/token")
    def token() -> str:
        return csrf_token()

    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        client.get("/token")  # the session cookie, with a CSRF secret
        assert client.post("/remember", data={"name": "ada"}).status_code == 200
        forged = client.post("/remember", data={"name": "x"}, headers={"Origin": "http://evil"})
        assert forged.status_code == 403
        bad = client.post("/remember", data={"name": "x", "csrf_token": "A" * 86})
        assert bad.status_code == 403  # a token that is sent is checked
    with app.test_client(protocol, enforce_csrf_checks=True) as strict:  # type: ignore[arg-type]
        good = strict.get("/token").text
        assert strict.post("/remember", data={"name": "ada"}).status_code == 403
        posted = strict.post("/remember", data={"name": "ada", "csrf_token": good})
        assert posted.status_code == 200
