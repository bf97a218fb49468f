"""Django-style middleware: installing it, its hooks, and async hooks on both protocols."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from cupola import Cupola, Middleware, Response
from cupola.exceptions import ImproperlyConfigured
from cupola.http.request import Request
from cupola.middleware import MiddlewareStack, is_own_hook
from cupola.sessions import SessionMiddleware
from cupola.testing import TestClient


class Stamp(Middleware):
    """Adds a header naming the class, so tests can see which middleware ran."""

    def process_response(self, request: Request, response: Response) -> Response:
        response.headers.add("X-Stamp", type(self).__name__)
        return response


class OtherStamp(Stamp):
    pass


class NotMiddleware:
    pass


def test_add_middleware_class(app: Cupola, client: TestClient) -> None:
    app.add_middleware(Stamp)

    @app.get("/")
    def view() -> str:
        return ""

    assert client.get("/").headers["x-stamp"] == "Stamp"


@pytest.mark.parametrize("separator", [".", ":"])
def test_middleware_config_with_dotted_paths(
    app: Cupola, client: TestClient, separator: str
) -> None:
    app.config["MIDDLEWARE"] = [f"{__name__}{separator}Stamp", OtherStamp]

    @app.get("/")
    def view() -> str:
        return ""

    # process_response runs in reverse: the last installed adds its header first.
    assert client.get("/").headers["x-stamp"] == "OtherStamp, Stamp"


def test_config_middleware_comes_before_added(app: Cupola, client: TestClient) -> None:
    app.add_middleware(OtherStamp)
    app.config["MIDDLEWARE"] = [Stamp]

    @app.get("/")
    def view() -> str:
        return ""

    assert client.get("/").headers["x-stamp"] == "OtherStamp, Stamp"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (f"{__name__}.Missing", "has no attribute 'Missing'"),
        ("no_such_module_xyz.Thing", "Cannot import 'no_such_module_xyz'"),
        ("nodots", "not a dotted path"),
        (f"{__name__}.NotMiddleware", "not a subclass of cupola.Middleware"),
        (NotMiddleware, "not a subclass of cupola.Middleware"),
    ],
)
def test_bad_middleware_entries_are_reported(app: Cupola, entry: Any, message: str) -> None:
    app.config["MIDDLEWARE"] = [entry]
    with pytest.raises(ImproperlyConfigured, match=message):
        app.build()


def test_middleware_gets_app_and_is_created_once_per_build(app: Cupola, client: TestClient) -> None:
    created: list[Cupola] = []

    class Counting(Middleware):
        def __init__(self, app: Cupola) -> None:
            super().__init__(app)
            created.append(app)

    app.add_middleware(Counting)

    @app.get("/")
    def view() -> str:
        return ""

    for _ in range(3):
        client.get("/")
    assert created == [app]


def test_only_overridden_hooks_are_compiled(app: Cupola) -> None:
    stack = MiddlewareStack([Stamp(app)])
    assert stack.request == []
    assert stack.view == []
    assert stack.exception == []
    assert stack.template_response == []
    assert [index for index, _ in stack.response] == [0]


def test_process_response_can_replace(app: Cupola, client: TestClient) -> None:
    class Replace(Middleware):
        def process_response(self, request: Request, response: Response) -> Response:
            return Response(f"wrapped {response.status}", 200)

    app.add_middleware(Replace)

    @app.get("/")
    def view() -> str:
        return ""

    assert client.get("/nowhere").text == "wrapped 404"


def test_process_request_sees_the_request(app: Cupola, client: TestClient) -> None:
    class Auth(Middleware):
        def process_request(self, request: Request) -> Response | None:
            if request.headers.get("x-token") != "secret":
                return Response("denied", 401)
            request.user = "alice"  # type: ignore[attr-defined]
            return None

    app.add_middleware(Auth)

    @app.get("/")
    def view(request: Request) -> str:
        return request.user  # type: ignore[attr-defined,no-any-return]

    assert client.get("/").status_code == 401
    assert client.get("/", headers={"X-Token": "secret"}).text == "alice"


def test_async_middleware_runs_on_the_loop_under_both_protocols(
    app: Cupola, client: TestClient
) -> None:
    seen: dict[str, Any] = {}

    class AsyncTiming(Middleware):
        async def process_request(self, request: Request) -> None:  # type: ignore[override]
            await asyncio.sleep(0)
            seen["loop"] = asyncio.get_running_loop()

        async def process_response(  # type: ignore[override]
            self, request: Request, response: Response
        ) -> Response:
            await asyncio.sleep(0)
            response.headers["X-Async"] = "yes"
            return response

    app.add_middleware(AsyncTiming)

    @app.get("/")
    def sync_view() -> str:
        # The route runs on the loop because a hook is async, but a sync view never does.
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            seen["view_on_loop"] = False
        else:
            seen["view_on_loop"] = True
        return "sync view"

    response = client.get("/")
    assert response.text == "sync view"
    assert response.headers["x-async"] == "yes"
    assert isinstance(seen["loop"], asyncio.AbstractEventLoop)
    assert seen["view_on_loop"] is False


def test_async_process_exception_and_view(app: Cupola, client: TestClient) -> None:
    class Recover(Middleware):
        async def process_exception(  # type: ignore[override]
            self, request: Request, exception: Exception
        ) -> Response:
            return Response(f"recovered {type(exception).__name__}", 500)

        async def process_view(  # type: ignore[override]
            self, request: Request, view_func: Any, view_kwargs: dict[str, Any]
        ) -> Response | None:
            if view_kwargs.get("n") == 0:
                return Response("zero", 400)
            return None

    app.add_middleware(Recover)

    @app.get("/<int:n>")
    async def view(n: int) -> str:
        return str(10 // (n - 1))

    assert client.get("/0").text == "zero"
    assert client.get("/1").text == "recovered ZeroDivisionError"
    assert client.get("/3").text == "5"


def test_sync_middleware_runs_in_the_view_thread(app: Cupola, client: TestClient) -> None:
    threads: dict[str, threading.Thread] = {}

    class Where(Middleware):
        def process_request(self, request: Request) -> None:
            threads["middleware"] = threading.current_thread()

    app.add_middleware(Where)

    @app.get("/")
    def view() -> str:
        threads["view"] = threading.current_thread()
        return ""

    client.get("/")
    assert threads["middleware"] is threads["view"]


def test_the_base_hooks_change_nothing(app: Cupola) -> None:
    # The stack keeps only the hooks a subclass defines, so these defaults run only when a
    # subclass calls them through super().
    base = Middleware(app)
    with app.test_request_context("/") as request:
        response = Response("kept")
        assert base.process_request(request) is None
        assert base.process_view(request, lambda: None, {}) is None
        assert base.process_exception(request, ValueError("x")) is None
        assert base.process_template_response(request, response) is response
        assert base.process_response(request, response) is response
        assert base.process_handshake(request) is None


# -- the work the stack does without calls: fixed headers, unused sessions, known hosts ----


class SeesFrameOptions(Middleware):
    """Records the ``X-Frame-Options`` of each response it sees."""

    seen: list[str | None] = []

    def process_response(self, request: Request, response: Response) -> Response:
        SeesFrameOptions.seen.append(response.headers.get("X-Frame-Options"))
        return response


def test_middleware_outside_the_security_headers_sees_them(app: Cupola, client: TestClient) -> None:
    SeesFrameOptions.seen = []
    app.config["MIDDLEWARE"] = [SeesFrameOptions, "cupola.security.SecurityHeadersMiddleware"]
    app.get("/")(lambda: "ok")
    assert client.get("/").headers["x-frame-options"] == "DENY"
    assert SeesFrameOptions.seen == ["DENY"]


class FailsOnResponse(Middleware):
    def process_response(self, request: Request, response: Response) -> Response:
        raise RuntimeError("broken")


def test_a_failing_response_hook_skips_the_fixed_headers_of_outer_middleware(
    app: Cupola, client: TestClient
) -> None:
    app.config["MIDDLEWARE"] = ["cupola.security.SecurityHeadersMiddleware", FailsOnResponse]
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.get("/")(lambda: "ok")
    response = client.get("/")
    assert response.status_code == 500
    assert "x-frame-options" not in response.headers


class WritesSession(Middleware):
    def process_response(self, request: Request, response: Response) -> Response:
        request.session["seen"] = True
        return response


@pytest.mark.parametrize(("order", "saved"), [("inner", True), ("outer", False)])
def test_a_session_written_by_another_response_hook(
    app: Cupola, client: TestClient, order: str, saved: bool
) -> None:
    # The session is saved when the session middleware's process_response comes after the
    # write, in the response phase's reverse list order, as for any other middleware.
    sessions = "cupola.sessions.SessionMiddleware"
    stack = [sessions, WritesSession] if order == "inner" else [WritesSession, sessions]
    app.config.update(SECRET_KEY="test-secret-key", MIDDLEWARE=stack)
    app.get("/")(lambda: "ok")
    assert ("set-cookie" in client.get("/").headers) is saved


class StampedSessions(SessionMiddleware):
    def process_response(self, request: Request, response: Response) -> Response:
        response.headers["X-Stamp"] = "stamped"
        return super().process_response(request, response)


def test_a_session_middleware_subclass_sees_requests_without_a_session(
    app: Cupola, client: TestClient
) -> None:
    app.config.update(SECRET_KEY="test-secret-key", MIDDLEWARE=[StampedSessions])
    app.get("/")(lambda: "ok")
    assert client.get("/").headers["x-stamp"] == "stamped"


def test_a_hook_replaced_on_the_instance_is_no_longer_the_classs_own(app: Cupola) -> None:
    plain, stamped = SessionMiddleware(app), StampedSessions(app)
    assert is_own_hook(plain, "process_response", SessionMiddleware)
    assert not is_own_hook(stamped, "process_response", SessionMiddleware)
    plain.process_response = lambda request, response: response  # type: ignore[method-assign]
    assert not is_own_hook(plain, "process_response", SessionMiddleware)
    assert not plain.response_needs_session()
