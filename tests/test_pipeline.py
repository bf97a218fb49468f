"""The request lifecycle in DESIGN §2's order, with Django's and Flask's short-circuits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cupola import Cupola, Middleware, Response, TemplateResponse, abort
from cupola.http.request import Request
from cupola.testing import TestClient

Events = list[str]


@pytest.fixture
def app(tmp_path: Path) -> Cupola:
    (tmp_path / "page.html").write_text("page {{ value }}")
    return Cupola(__name__, template_folder=str(tmp_path))


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    """Whether the middleware and hooks are plain or ``async def``."""
    return str(request.param)


def recording_middleware(events: Events, name: str, kind: str) -> type[Middleware]:
    """A middleware class recording every hook, sync or async."""
    if kind == "sync":

        class Sync(Middleware):
            def process_request(self, request: Request) -> None:
                events.append(f"{name}.process_request")

            def process_view(self, request: Request, view_func: Any, view_kwargs: Any) -> None:
                events.append(f"{name}.process_view")

            def process_template_response(self, request: Request, response: Any) -> Any:
                events.append(f"{name}.process_template_response")
                return response

            def process_response(self, request: Request, response: Response) -> Response:
                events.append(f"{name}.process_response")
                return response

        return Sync

    class Async(Middleware):
        async def process_request(self, request: Request) -> None:  # type: ignore[override]
            events.append(f"{name}.process_request")

        async def process_view(  # type: ignore[override]
            self, request: Request, view_func: Any, view_kwargs: Any
        ) -> None:
            events.append(f"{name}.process_view")

        async def process_template_response(  # type: ignore[override]
            self, request: Request, response: Any
        ) -> Any:
            events.append(f"{name}.process_template_response")
            return response

        async def process_response(  # type: ignore[override]
            self, request: Request, response: Response
        ) -> Response:
            events.append(f"{name}.process_response")
            return response

    return Async


def add_hooks(app: Cupola, events: Events, kind: str) -> None:
    if kind == "sync":

        @app.before_request
        def before() -> None:
            events.append("before_request")

        @app.after_request
        def after(response: Response) -> Response:
            events.append("after_request")
            return response

        @app.teardown_request
        def teardown(exc: BaseException | None) -> None:
            events.append(f"teardown({exc!r})")

    else:

        @app.before_request
        async def before() -> None:
            events.append("before_request")

        @app.after_request
        async def after(response: Response) -> Response:
            events.append("after_request")
            return response

        @app.teardown_request
        async def teardown(exc: BaseException | None) -> None:
            events.append(f"teardown({exc!r})")


def test_lifecycle_order(app: Cupola, client: TestClient, kind: str) -> None:
    events: Events = []
    app.add_middleware(recording_middleware(events, "m1", kind))
    app.add_middleware(recording_middleware(events, "m2", kind))
    add_hooks(app, events, kind)

    class Rendering(TemplateResponse):
        def render(self) -> TemplateResponse:
            if not self.is_rendered:
                events.append("render")
            return super().render()

    @app.get("/")
    def view() -> TemplateResponse:
        events.append("view")
        return Rendering("page.html", {"value": 1})

    response = client.get("/")
    assert response.status_code == 200
    assert response.text == "page 1"
    assert events == [
        "m1.process_request",
        "m2.process_request",
        "m1.process_view",
        "m2.process_view",
        "before_request",
        "view",
        "m2.process_template_response",
        "m1.process_template_response",
        "render",
        "after_request",
        "m2.process_response",
        "m1.process_response",
        "teardown(None)",
    ]


def test_template_hooks_skip_plain_responses(app: Cupola, client: TestClient, kind: str) -> None:
    events: Events = []
    app.add_middleware(recording_middleware(events, "m", kind))

    @app.get("/")
    def view() -> str:
        return "plain"

    assert client.get("/").text == "plain"
    assert "m.process_template_response" not in events
    assert events[-1] == "m.process_response"


def test_hooks_and_middleware_see_unmatched_requests(
    app: Cupola, client: TestClient, kind: str
) -> None:
    events: Events = []
    app.add_middleware(recording_middleware(events, "m", kind))
    add_hooks(app, events, kind)

    @app.get("/")
    def view() -> str:
        return ""

    assert client.get("/missing").status_code == 404
    assert events == [
        "m.process_request",
        "before_request",
        "after_request",
        "m.process_response",
        "teardown(None)",
    ]


@pytest.mark.usefixtures("on_loop")
def test_process_request_short_circuit(app: Cupola, client: TestClient) -> None:
    events: Events = []
    first = recording_middleware(events, "m1", "sync")
    third = recording_middleware(events, "m3", "sync")

    class Stop(Middleware):
        def process_request(self, request: Request) -> Response:
            events.append("m2.process_request")
            return Response("stopped", 403)

        def process_response(self, request: Request, response: Response) -> Response:
            events.append("m2.process_response")
            response.headers["X-M2"] = "seen"
            return response

    for middleware in (first, Stop, third):
        app.add_middleware(middleware)
    add_hooks(app, events, "sync")

    @app.get("/")
    def view() -> str:
        events.append("view")
        return "view"

    response = client.get("/")
    assert (response.status_code, response.text) == (403, "stopped")
    assert response.headers["x-m2"] == "seen"
    assert events == [
        "m1.process_request",
        "m2.process_request",
        "m2.process_response",
        "m1.process_response",
        "teardown(None)",
    ]


@pytest.mark.parametrize(
    ("returned", "status", "body"),
    [({"short": True}, 200, '{"short":true}'), ("text", 200, "text"), (("made", 202), 202, "made")],
)
def test_process_request_may_return_any_view_value(
    app: Cupola, client: TestClient, returned: Any, status: int, body: str
) -> None:
    class Stop(Middleware):
        def process_request(self, request: Request) -> Any:
            return returned

    app.add_middleware(Stop)

    @app.get("/")
    def view() -> str:
        raise AssertionError("not reached")

    response = client.get("/")
    assert (response.status_code, response.text) == (status, body)


@pytest.mark.usefixtures("on_loop")
def test_process_view_short_circuit(app: Cupola, client: TestClient) -> None:
    events: Events = []
    seen: dict[str, Any] = {}

    class Gate(Middleware):
        def process_view(
            self, request: Request, view_func: Callable[..., Any], view_kwargs: dict[str, Any]
        ) -> Response:
            seen["view"], seen["kwargs"] = view_func, dict(view_kwargs)
            events.append("gate.process_view")
            return Response("gated", 401)

    later = recording_middleware(events, "later", "sync")
    app.add_middleware(Gate)
    app.add_middleware(later)
    add_hooks(app, events, "sync")

    @app.get("/item/<int:item_id>")
    def item(item_id: int) -> str:
        events.append("view")
        return "view"

    response = client.get("/item/5")
    assert (response.status_code, response.text) == (401, "gated")
    assert seen == {"view": item, "kwargs": {"item_id": 5}}
    assert events == [
        "later.process_request",
        "gate.process_view",
        "after_request",
        "later.process_response",
        "teardown(None)",
    ]


def test_process_exception_reverse_order_first_response_wins(
    app: Cupola, client: TestClient, kind: str
) -> None:
    events: Events = []

    def catcher(name: str, answer: bool) -> type[Middleware]:
        if kind == "sync":

            class Catch(Middleware):
                def process_exception(self, request: Request, exc: Exception) -> Any:
                    events.append(f"{name}:{type(exc).__name__}")
                    return Response(f"handled by {name}", 503) if answer else None

            return Catch

        class AsyncCatch(Middleware):
            async def process_exception(  # type: ignore[override]
                self, request: Request, exc: Exception
            ) -> Any:
                events.append(f"{name}:{type(exc).__name__}")
                return Response(f"handled by {name}", 503) if answer else None

        return AsyncCatch

    app.add_middleware(catcher("outer", True))
    app.add_middleware(catcher("middle", True))
    app.add_middleware(catcher("inner", False))
    add_hooks(app, events, kind)

    @app.get("/")
    def view() -> str:
        raise KeyError("boom")

    response = client.get("/")
    assert (response.status_code, response.text) == (503, "handled by middle")
    assert events == [
        "before_request",
        "inner:KeyError",
        "middle:KeyError",
        "after_request",
        "teardown(None)",
    ]


@pytest.mark.usefixtures("on_loop")
def test_process_exception_without_answer_falls_to_error_handlers(
    app: Cupola, client: TestClient
) -> None:
    events: Events = []

    class Watch(Middleware):
        def process_exception(self, request: Request, exc: Exception) -> None:
            events.append(f"watch:{exc}")

    app.add_middleware(Watch)

    @app.errorhandler(LookupError)
    def lookup(exc: LookupError) -> tuple[str, int]:
        return f"lookup {exc.args[0]}", 409

    @app.get("/")
    def view() -> str:
        raise KeyError("k")

    response = client.get("/")
    assert (response.status_code, response.text) == (409, "lookup k")
    assert events == ["watch:'k'"]


def test_before_request_value_skips_view_and_goes_through_after(
    app: Cupola, client: TestClient, kind: str
) -> None:
    events: Events = []

    if kind == "sync":

        @app.before_request
        def first() -> dict[str, str]:
            events.append("first")
            return {"from": "before"}

    else:

        @app.before_request
        async def first() -> dict[str, str]:
            events.append("first")
            return {"from": "before"}

    @app.before_request
    def second() -> None:
        events.append("second")

    @app.after_request
    def after(response: Response) -> Response:
        events.append("after")
        response.headers["X-After"] = "1"
        return response

    @app.get("/")
    def view() -> str:
        events.append("view")
        return "view"

    response = client.get("/")
    assert response.json() == {"from": "before"}
    assert response.headers["x-after"] == "1"
    assert events == ["first", "after"]


def test_after_request_runs_in_reverse_registration_order(app: Cupola, client: TestClient) -> None:
    @app.after_request
    def first(response: Response) -> Response:
        response.headers.add("X-Order", "first")
        return response

    @app.after_request
    def second(response: Response) -> Response:
        response.headers.add("X-Order", "second")
        return response

    @app.get("/")
    def view() -> str:
        return ""

    assert client.get("/").headers["x-order"] == "second, first"


@pytest.mark.usefixtures("on_loop")
def test_after_request_can_replace_response(app: Cupola, client: TestClient) -> None:
    @app.after_request
    def replace(response: Response) -> Response:
        return Response("replaced", 299)

    @app.get("/")
    def view() -> str:
        return "original"

    response = client.get("/")
    assert (response.status_code, response.text) == (299, "replaced")


def test_teardown_receives_unhandled_exception(app: Cupola, client: TestClient, kind: str) -> None:
    events: Events = []
    add_hooks(app, events, kind)

    @app.get("/")
    def view() -> str:
        raise ValueError("secret detail")

    response = client.get("/")
    assert response.status_code == 500
    assert "secret detail" not in response.text
    assert events == ["before_request", "after_request", "teardown(ValueError('secret detail'))"]


@pytest.mark.usefixtures("on_loop")
def test_teardown_gets_none_when_handled(app: Cupola, client: TestClient) -> None:
    events: Events = []
    add_hooks(app, events, "sync")

    @app.errorhandler(ValueError)
    def handle(exc: ValueError) -> tuple[str, int]:
        return "handled", 400

    @app.get("/value")
    def value() -> str:
        raise ValueError("x")

    @app.get("/abort")
    def aborted() -> str:
        abort(404)

    assert client.get("/value").status_code == 400
    assert client.get("/abort").status_code == 404
    assert [e for e in events if e.startswith("teardown")] == ["teardown(None)", "teardown(None)"]


@pytest.mark.usefixtures("on_loop")
def test_teardown_runs_in_reverse_and_errors_in_it_are_logged(
    app: Cupola, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    events: Events = []

    @app.teardown_request
    def first(exc: BaseException | None) -> None:
        events.append("first")

    @app.teardown_request
    def broken(exc: BaseException | None) -> None:
        events.append("broken")
        raise RuntimeError("teardown failed")

    @app.get("/")
    def view() -> str:
        return "fine"

    response = client.get("/")
    assert (response.status_code, response.text) == (200, "fine")
    assert events == ["broken", "first"]
    assert "Error in a teardown_request hook" in caplog.text


@pytest.mark.usefixtures("on_loop")
def test_teardown_sees_exception_that_propagates_in_testing(
    app: Cupola, client: TestClient
) -> None:
    app.config["TESTING"] = True
    seen: list[BaseException | None] = []

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        seen.append(exc)

    @app.get("/")
    def view() -> str:
        raise ZeroDivisionError("propagated")

    with pytest.raises(ZeroDivisionError, match="propagated"):
        client.get("/")
    assert len(seen) == 1
    assert isinstance(seen[0], ZeroDivisionError)


@pytest.mark.usefixtures("on_loop")
def test_error_in_after_request_is_500(app: Cupola, client: TestClient) -> None:
    @app.after_request
    def after(response: Response) -> Response:
        raise RuntimeError("after failed")

    @app.get("/")
    def view() -> str:
        return "ok"

    response = client.get("/")
    assert response.status_code == 500
    assert "after failed" not in response.text


@pytest.mark.usefixtures("on_loop")
def test_error_in_process_request_is_500_and_entered_middleware_respond(
    app: Cupola, client: TestClient
) -> None:
    events: Events = []

    class Broken(Middleware):
        def process_request(self, request: Request) -> None:
            raise RuntimeError("broken middleware")

        def process_response(self, request: Request, response: Response) -> Response:
            events.append("broken.process_response")
            return response

    app.add_middleware(recording_middleware(events, "outer", "sync"))
    app.add_middleware(Broken)

    @app.get("/")
    def view() -> str:
        events.append("view")
        return ""

    response = client.get("/")
    assert response.status_code == 500
    assert "broken middleware" not in response.text
    assert events == ["outer.process_request", "outer.process_response"]


@pytest.mark.usefixtures("on_loop")
def test_error_in_process_response_is_500(app: Cupola, client: TestClient) -> None:
    class Broken(Middleware):
        def process_response(self, request: Request, response: Response) -> Response:
            raise RuntimeError("late failure")

    app.add_middleware(Broken)

    @app.get("/")
    def view() -> str:
        return "ok"

    response = client.get("/")
    assert response.status_code == 500
    assert "late failure" not in response.text


@pytest.mark.usefixtures("on_loop")
def test_http_exception_in_before_request(app: Cupola, client: TestClient) -> None:
    @app.before_request
    def guard() -> None:
        abort(403)

    @app.get("/")
    def view() -> str:
        return ""

    response = client.get("/")
    assert response.status_code == 403
    assert "Forbidden" in response.text


@pytest.mark.usefixtures("on_loop")
def test_template_response_from_process_request_is_rendered(
    app: Cupola, client: TestClient
) -> None:
    seen: list[bytes] = []

    class Maintenance(Middleware):
        def process_request(self, request: Request) -> TemplateResponse:
            return TemplateResponse("page.html", {"value": "down"}, status=503)

        def process_response(self, request: Request, response: Response) -> Response:
            seen.append(response.body)
            return response

    app.add_middleware(Maintenance)

    @app.get("/")
    def view() -> str:
        return ""

    response = client.get("/")
    assert (response.status_code, response.text) == (503, "page down")
    assert seen == [b"page down"]


@pytest.mark.usefixtures("on_loop")
def test_template_response_from_late_error_handler_is_rendered(
    app: Cupola, client: TestClient
) -> None:
    @app.errorhandler(KeyError)
    def handler(exc: KeyError) -> TemplateResponse:
        return TemplateResponse("page.html", {"value": "error"}, status=400)

    @app.after_request
    def after(response: Response) -> Response:
        raise KeyError("late")

    @app.get("/")
    def view() -> str:
        return ""

    response = client.get("/")
    assert (response.status_code, response.text) == (400, "page error")


def test_automatic_options_on_a_rule_with_variables(app: Cupola, client: TestClient) -> None:
    @app.get("/items/<int:item_id>")
    def show(item_id: int) -> dict[str, int]:
        return {"id": item_id}

    response = client.options("/items/1")
    assert response.status_code == 200
    assert response.headers["allow"] == "GET, HEAD, OPTIONS"


def test_request_parameter_may_come_after_path_values(app: Cupola, client: TestClient) -> None:
    @app.get("/a/<int:n>")
    def view(n: int, request: Request) -> str:
        return f"{n} {request.path}"

    assert client.get("/a/3").text == "3 /a/3"


def test_template_render_error_goes_through_process_exception(
    app: Cupola, client: TestClient
) -> None:
    class Recover(Middleware):
        def process_exception(self, request: Request, exception: Exception) -> Response:
            return Response(f"recovered {type(exception).__name__}", 500)

    app.add_middleware(Recover)

    @app.get("/")
    def view() -> TemplateResponse:
        return TemplateResponse("missing.html")

    response = client.get("/")
    assert (response.status_code, response.text) == (500, "recovered TemplateNotFound")


def test_routing_errors_skip_process_exception(app: Cupola, client: TestClient) -> None:
    seen: list[str] = []

    class Watch(Middleware):
        def process_exception(self, request: Request, exception: Exception) -> None:
            seen.append(type(exception).__name__)

    app.add_middleware(Watch)
    app.get("/")(lambda: "ok")
    assert client.get("/missing").status_code == 404
    assert client.post("/").status_code == 405
    assert seen == []


def test_a_view_with_several_path_values(app: Cupola, client: TestClient) -> None:
    @app.get("/<int:year>/<slug>")
    def post(year: int, slug: str) -> str:
        return f"{year}/{slug}"

    @app.get("/async/<int:year>/<slug>")
    async def async_post(year: int, slug: str) -> str:
        return f"async {year}/{slug}"

    assert client.get("/2024/hello").text == "2024/hello"
    assert client.get("/async/2024/hello").text == "async 2024/hello"


def test_an_error_rendering_a_template_response_on_the_async_path(
    app: Cupola, client: TestClient, tmp_path: Path
) -> None:
    (tmp_path / "broken.html").write_text("{{ 1 / 0 }}")
    app.template_folder = str(tmp_path)

    class Async(Middleware):
        async def process_response(self, request: Request, response: Response) -> Response:
            return response

    app.add_middleware(Async)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.errorhandler(ZeroDivisionError)
    def divided(error: ZeroDivisionError) -> tuple[str, int]:
        return "could not render", 500

    app.get("/", endpoint="page")(lambda: TemplateResponse("broken.html"))
    response = client.get("/")
    assert (response.status_code, response.text) == (500, "could not render")
