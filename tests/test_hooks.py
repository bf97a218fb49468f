"""Flask's request hooks and their order along a view's blueprint chain."""

from __future__ import annotations

from cupola import Blueprint, Cupola, Response, g, request
from cupola.hooks import compose
from cupola.testing import TestClient


def test_hooks_share_g_with_the_view(app: Cupola, client: TestClient) -> None:
    @app.before_request
    def load() -> None:
        g.user = request.headers.get("x-user", "anonymous")

    @app.after_request
    def stamp(response: Response) -> Response:
        response.headers["X-User"] = g.user
        return response

    @app.get("/")
    def view() -> str:
        return f"hello {g.user}"

    response = client.get("/", headers={"X-User": "ada"})
    assert response.text == "hello ada"
    assert response.headers["x-user"] == "ada"


def test_order_along_nested_blueprints(app: Cupola, client: TestClient) -> None:
    events: list[str] = []
    parent = Blueprint("parent", __name__, url_prefix="/p")
    child = Blueprint("child", __name__, url_prefix="/c")

    for name, scaffold in (("app", app), ("parent", parent), ("child", child)):

        def before(name: str = name) -> None:
            events.append(f"before:{name}")

        def after(response: Response, name: str = name) -> Response:
            events.append(f"after:{name}")
            return response

        def teardown(exc: BaseException | None, name: str = name) -> None:
            events.append(f"teardown:{name}")

        scaffold.before_request(before)
        scaffold.after_request(after)
        scaffold.teardown_request(teardown)

    @child.get("/")
    def view() -> str:
        events.append("view")
        return ""

    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert client.get("/p/c/").status_code == 200
    assert events == [
        "before:app",
        "before:parent",
        "before:child",
        "view",
        "after:child",
        "after:parent",
        "after:app",
        "teardown:child",
        "teardown:parent",
        "teardown:app",
    ]


def test_hooks_registered_after_first_request_apply(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def view() -> str:
        return ""

    assert "x-late" not in client.get("/").headers

    @app.after_request
    def late(response: Response) -> Response:
        response.headers["X-Late"] = "1"
        return response

    assert client.get("/").headers["x-late"] == "1"


def test_compose_orders_hooks(app: Cupola) -> None:
    bp = Blueprint("bp", __name__)

    def a() -> None: ...
    def b() -> None: ...
    def c() -> None: ...

    app.before_request(a)
    app.before_request(b)
    bp.before_request(c)
    app.after_request(a)
    app.after_request(b)
    bp.after_request(c)
    hooks = compose([app, bp])
    assert hooks.before == (a, b, c)
    assert hooks.after == (c, b, a)
    assert hooks.error_handlers == ()
