"""Blueprints: prefixes, nesting, own hooks, handlers, templates and static files."""

from __future__ import annotations

from pathlib import Path

import pytest

from cupola import Blueprint, Cupola, Response, render, request, url_for
from cupola.exceptions import ImproperlyConfigured
from cupola.testing import TestClient


def test_routes_under_prefix_with_endpoint_names(app: Cupola, client: TestClient) -> None:
    books = Blueprint("books", __name__, url_prefix="/books")

    @books.get("/")
    def index() -> str:
        return f"{request.endpoint} {request.blueprint}"

    @books.get("/<int:book_id>")
    def show(book_id: int) -> str:
        return url_for("books.show", book_id=book_id)

    app.register_blueprint(books)
    assert client.get("/books/").text == "books.index books"
    assert client.get("/books/3").text == "/books/3"
    assert client.get("/books").status_code == 308


def test_register_overrides_prefix(app: Cupola, client: TestClient) -> None:
    bp = Blueprint("bp", __name__, url_prefix="/old")

    @bp.get("/x")
    def x() -> str:
        return "x"

    app.register_blueprint(bp, url_prefix="/new")
    assert client.get("/new/x").text == "x"
    assert client.get("/old/x").status_code == 404


def test_prefix_with_converter(app: Cupola, client: TestClient) -> None:
    bp = Blueprint("lang", __name__, url_prefix="/<lang>/<int:v>")

    @bp.get("/page")
    def page(lang: str, v: int) -> dict[str, object]:
        return {"lang": lang, "v": v, "url": url_for(".page", lang="fr", v=2)}

    app.register_blueprint(bp)
    assert client.get("/en/1/page").json() == {"lang": "en", "v": 1, "url": "/fr/2/page"}
    assert client.get("/en/x/page").status_code == 404


def test_nested_blueprints(app: Cupola, client: TestClient) -> None:
    api = Blueprint("api", __name__, url_prefix="/api")
    v1 = Blueprint("v1", __name__, url_prefix="/v1")

    @v1.get("/items")
    def items() -> dict[str, object]:
        return {"endpoint": request.endpoint, "blueprint": request.blueprint}

    api.register_blueprint(v1)
    app.register_blueprint(api)
    assert client.get("/api/v1/items").json() == {
        "endpoint": "api.v1.items",
        "blueprint": "api.v1",
    }
    with app.app_context():
        assert url_for("api.v1.items") == "/api/v1/items"


def test_child_registered_after_parent_is_bound(app: Cupola, client: TestClient) -> None:
    parent = Blueprint("parent", __name__, url_prefix="/p")
    child = Blueprint("child", __name__, url_prefix="/c")
    app.register_blueprint(parent)
    parent.register_blueprint(child)

    @child.get("/")
    def view() -> str:
        return "late child"

    assert client.get("/p/c/").text == "late child"


def test_hooks_only_for_own_views(app: Cupola, client: TestClient) -> None:
    bp = Blueprint("bp", __name__, url_prefix="/bp")
    calls: list[str] = []

    @bp.before_request
    def bp_before() -> None:
        calls.append(request.path)

    @bp.after_request
    def bp_after(response: Response) -> Response:
        response.headers["X-Bp"] = "1"
        return response

    @bp.get("/")
    def inside() -> str:
        return "in"

    @app.get("/")
    def outside() -> str:
        return "out"

    app.register_blueprint(bp)
    assert "x-bp" not in client.get("/").headers
    assert client.get("/bp/").headers["x-bp"] == "1"
    assert calls == ["/bp/"]


def test_app_wide_hooks_from_blueprint(app: Cupola, client: TestClient) -> None:
    bp = Blueprint("bp", __name__)
    calls: list[str] = []

    @bp.before_app_request
    def everywhere() -> None:
        calls.append(request.path)

    @bp.after_app_request
    def stamp(response: Response) -> Response:
        response.headers["X-All"] = "1"
        return response

    @bp.teardown_app_request
    def teardown(exc: BaseException | None) -> None:
        calls.append("teardown")

    @bp.app_errorhandler(404)
    def missing(exc: Exception) -> tuple[str, int]:
        return "bp 404", 404

    @app.get("/")
    def outside() -> str:
        return "out"

    app.register_blueprint(bp)
    assert client.get("/").headers["x-all"] == "1"
    response = client.get("/nowhere")
    assert (response.status_code, response.text) == (404, "bp 404")
    assert calls == ["/", "teardown", "/nowhere", "teardown"]


def test_app_wide_hook_registered_after_binding(app: Cupola, client: TestClient) -> None:
    bp = Blueprint("bp", __name__)
    app.register_blueprint(bp)

    @bp.before_app_request
    def late() -> str:
        return "intercepted"

    @app.get("/")
    def view() -> str:
        return "view"

    assert client.get("/").text == "intercepted"


def test_blueprint_error_handler_only_for_own_views(app: Cupola, client: TestClient) -> None:
    bp = Blueprint("bp", __name__, url_prefix="/bp")

    @bp.errorhandler(ValueError)
    def handle(exc: ValueError) -> tuple[str, int]:
        return "bp handled", 422

    @bp.get("/")
    def inside() -> str:
        raise ValueError()

    @app.get("/")
    def outside() -> str:
        raise ValueError()

    app.register_blueprint(bp)
    assert client.get("/bp/").status_code == 422
    assert client.get("/").status_code == 500


def test_nested_blueprint_error_handler_lookup(app: Cupola, client: TestClient) -> None:
    parent = Blueprint("parent", __name__, url_prefix="/p")
    child = Blueprint("child", __name__, url_prefix="/c")

    @parent.errorhandler(KeyError)
    def parent_handler(exc: KeyError) -> tuple[str, int]:
        return "parent", 400

    @child.get("/")
    def view() -> str:
        raise KeyError()

    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert client.get("/p/c/").text == "parent"


def test_template_folder(app: Cupola, client: TestClient, tmp_path: Path) -> None:
    app_templates = tmp_path / "app"
    bp_templates = tmp_path / "bp"
    app_templates.mkdir()
    bp_templates.mkdir()
    (bp_templates / "only_bp.html").write_text("bp template {{ x }}")
    (bp_templates / "shared.html").write_text("from blueprint")
    (app_templates / "shared.html").write_text("from app")
    app.template_folder = str(app_templates)
    bp = Blueprint("bp", __name__, template_folder=str(bp_templates))

    @bp.get("/only")
    def only() -> str:
        return render("only_bp.html", x="<1>")

    @bp.get("/shared")
    def shared() -> str:
        return render("shared.html")

    app.register_blueprint(bp)
    assert client.get("/only").text == "bp template &lt;1&gt;"
    assert client.get("/shared").text == "from app"  # the app's folder comes first


def test_static_folder(app: Cupola, client: TestClient, tmp_path: Path) -> None:
    static = tmp_path / "assets"
    static.mkdir()
    (static / "app.css").write_text("body{}")
    bp = Blueprint("admin", __name__, url_prefix="/admin", static_folder=str(static))

    @bp.get("/")
    def index() -> str:
        return url_for("admin.static", filename="app.css")

    app.register_blueprint(bp)
    assert client.get("/admin/").text == "/admin/assets/app.css"
    response = client.get("/admin/assets/app.css")
    assert response.status_code == 200
    assert response.text == "body{}"
    assert response.headers["content-type"].startswith("text/css")
    assert client.get("/admin/assets/%2e%2e/secret").status_code == 404


def test_static_url_path_override(app: Cupola, client: TestClient, tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("file")
    bp = Blueprint("bp", __name__, static_folder=str(tmp_path), static_url_path="/files")
    app.register_blueprint(bp, url_prefix="/x")
    with app.app_context():
        assert url_for("bp.static", filename="f.txt") == "/x/files/f.txt"
    assert client.get("/x/files/f.txt").text == "file"


def test_duplicate_name_is_an_error(app: Cupola) -> None:
    first = Blueprint("same", __name__)
    second = Blueprint("same", __name__)
    app.register_blueprint(first)
    app.register_blueprint(second)
    with pytest.raises(ImproperlyConfigured, match=r"'same' is already registered.*name="):
        app.build()


def test_register_twice_with_name(app: Cupola, client: TestClient) -> None:
    bp = Blueprint("shop", __name__)

    @bp.get("/")
    def index() -> str:
        return f"{request.blueprint}:{url_for('.index')}"

    app.register_blueprint(bp, url_prefix="/en")
    app.register_blueprint(bp, url_prefix="/fr", name="shop_fr")
    assert client.get("/en/").text == "shop:/en/"
    assert client.get("/fr/").text == "shop_fr:/fr/"


@pytest.mark.parametrize("name", ["", "a.b"])
def test_invalid_blueprint_names(name: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="without dots"):
        Blueprint(name, __name__)


def test_blueprint_on_itself_is_an_error() -> None:
    bp = Blueprint("bp", __name__)
    with pytest.raises(ImproperlyConfigured):
        bp.register_blueprint(bp)


def test_async_blueprint_views_and_hooks(app: Cupola, client: TestClient) -> None:
    bp = Blueprint("bp", __name__)

    @bp.before_request
    async def before() -> None:
        request.marker = "async hook"  # type: ignore[attr-defined]

    @bp.get("/")
    def view() -> str:
        return request.marker  # type: ignore[attr-defined,no-any-return]

    app.register_blueprint(bp)
    assert client.get("/").text == "async hook"


def test_child_nested_after_the_app_was_built(app: Cupola, client: TestClient) -> None:
    parent = Blueprint("parent", __name__, url_prefix="/p")
    app.register_blueprint(parent)

    @app.get("/")
    def index() -> str:
        return "index"

    assert client.get("/").text == "index"  # the app is built
    child = Blueprint("child", __name__, url_prefix="/c")
    parent.register_blueprint(child)
    seen: list[str] = []

    @child.get("/")
    def view() -> str:
        return "child"

    @child.before_app_request
    def everywhere() -> None:
        seen.append(request.path)

    assert client.get("/p/c/").text == "child"
    assert client.get("/").text == "index"
    assert seen == ["/p/c/", "/"]
