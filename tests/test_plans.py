"""Per-route plans: each route runs only the hooks that exist for it, on both protocols."""

from __future__ import annotations

from typing import Any

from cupola import Cupola, Middleware, Response
from cupola.http.request import Request
from cupola.plans import Route
from cupola.testing import TestClient

calls: list[str] = []


class OnlyForWrites(Middleware):
    """Declares that its process_request does nothing for read-only routes."""

    def route_hooks(self, route: Route) -> frozenset[str]:
        hooks = super().route_hooks(route)
        assert route.rule is not None  # the rule is known when the plan is composed
        if route.rule.methods <= {"GET", "HEAD", "OPTIONS"}:
            return hooks - {"process_request"}
        return hooks

    def process_request(self, request: Request) -> Response | None:
        calls.append(f"process_request {request.method} {request.path}")
        return None


def _plan_of(app: Cupola, path: str, method: str = "GET") -> Any:
    rule, _ = app.pipeline.router.match(path, method)
    return rule.target.plan


def test_a_hook_a_route_does_not_declare_is_never_called(app: Cupola, client: TestClient) -> None:
    calls.clear()
    app.add_middleware(OnlyForWrites)

    @app.get("/read")
    def read() -> str:
        return "read"

    @app.post("/write")
    def write() -> str:
        return "written"

    assert client.get("/read").text == "read"
    assert client.post("/write").text == "written"
    assert client.get("/missing").status_code == 404  # no route: every active hook runs
    assert calls == ["process_request POST /write", "process_request GET /missing"]
    hooks = [hook for _, hook in _plan_of(app, "/read").stack.request]
    assert not any(isinstance(getattr(h, "__self__", None), OnlyForWrites) for h in hooks)


def test_csrf_checks_only_the_routes_that_take_unsafe_methods() -> None:
    app = Cupola(__name__, config={"SECRET_KEY": "k" * 32})

    @app.get("/page")
    def page() -> str:
        return "page"

    @app.route("/form", methods=["GET", "POST"])
    def form() -> str:
        return "form"

    assert not _plan_of(app, "/page").stack.view
    assert _plan_of(app, "/form", "POST").stack.view  # the check runs for every request
    with app.test_client() as client:
        cross_site = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
        assert client.post("/form", headers=cross_site).status_code == 403
        assert client.get("/page", headers=cross_site).text == "page"


def test_an_async_view_with_sync_hooks_runs_its_phases_as_plain_calls(
    app: Cupola, client: TestClient
) -> None:
    calls.clear()

    @app.before_request
    def before() -> None:
        calls.append("before")

    @app.after_request
    def after(response: Response) -> Response:
        calls.append("after")
        return response

    @app.get("/")
    async def index() -> str:
        calls.append("view")
        return "ok"

    assert client.get("/").text == "ok"
    assert calls == ["before", "view", "after"]
    plan = _plan_of(app, "/")
    assert plan.sync and plan.gated


def test_an_async_hook_makes_the_phases_coroutines(app: Cupola, client: TestClient) -> None:
    @app.after_request
    async def after(response: Response) -> Response:
        response.headers["X-After"] = "async"
        return response

    @app.get("/")
    async def index() -> str:
        return "ok"

    response = client.get("/")
    assert response.headers["X-After"] == "async"
    assert not _plan_of(app, "/").sync
