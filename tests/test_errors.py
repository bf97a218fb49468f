"""Error handlers and default error pages: lookup order, 500s, DEBUG and TESTING."""

from __future__ import annotations

from typing import Any

import pytest

from cupola import Blueprint, Cupola, abort
from cupola.errors import ErrorHandlerRegistry, find_handler
from cupola.exceptions import (
    BadRequest,
    Forbidden,
    HTTPException,
    ImproperlyConfigured,
    InternalServerError,
    NotFound,
    TooManyRequests,
)
from cupola.testing import TestClient


class AppError(Exception):
    pass


class SpecificError(AppError):
    pass


def test_handler_by_code(app: Cupola, client: TestClient) -> None:
    @app.errorhandler(404)
    def not_found(exc: NotFound) -> tuple[dict[str, Any], int]:
        return {"error": "nope", "code": exc.code}, 404

    response = client.get("/missing")
    assert response.status_code == 404
    assert response.json() == {"error": "nope", "code": 404}


def test_handler_by_http_exception_class_is_by_code(app: Cupola, client: TestClient) -> None:
    @app.errorhandler(Forbidden)
    def forbidden(exc: Forbidden) -> tuple[str, int]:
        return f"forbidden: {exc.description}", 403

    @app.get("/")
    def view() -> None:
        abort(403, "no entry")

    response = client.get("/")
    assert (response.status_code, response.text) == (403, "forbidden: no entry")


@pytest.mark.usefixtures("on_loop")
def test_handler_by_class_most_specific_wins(app: Cupola, client: TestClient) -> None:
    @app.errorhandler(Exception)
    def anything(exc: Exception) -> tuple[str, int]:
        return "exception", 500

    @app.errorhandler(AppError)
    def app_error(exc: AppError) -> tuple[str, int]:
        return "app error", 400

    @app.errorhandler(SpecificError)
    def specific(exc: SpecificError) -> tuple[str, int]:
        return "specific", 409

    @app.get("/<name>")
    def view(name: str) -> None:
        raise {"specific": SpecificError, "app": AppError, "other": ValueError}[name]()

    assert client.get("/specific").text == "specific"
    assert client.get("/app").text == "app error"
    assert client.get("/other").text == "exception"


def test_code_handler_beats_class_handler(app: Cupola, client: TestClient) -> None:
    @app.errorhandler(HTTPException)
    def any_http(exc: HTTPException) -> tuple[str, int]:
        return f"generic {exc.code}", exc.code

    @app.errorhandler(404)
    def not_found(exc: NotFound) -> tuple[str, int]:
        return "specific 404", 404

    @app.get("/")
    def view() -> None:
        abort(429)

    assert client.get("/missing").text == "specific 404"
    assert client.get("/").text == "generic 429"


@pytest.mark.usefixtures("on_loop")
def test_blueprint_handler_first_for_its_views(app: Cupola, client: TestClient) -> None:
    bp = Blueprint("api", __name__, url_prefix="/api")

    @bp.errorhandler(AppError)
    def bp_handler(exc: AppError) -> tuple[str, int]:
        return "blueprint handler", 400

    @bp.get("/fail")
    def bp_fail() -> None:
        raise AppError()

    @app.errorhandler(AppError)
    def app_handler(exc: AppError) -> tuple[str, int]:
        return "app handler", 400

    @app.get("/fail")
    def app_fail() -> None:
        raise AppError()

    app.register_blueprint(bp)
    assert client.get("/api/fail").text == "blueprint handler"
    assert client.get("/fail").text == "app handler"


def test_app_handler_applies_to_blueprint_views(app: Cupola, client: TestClient) -> None:
    bp = Blueprint("api", __name__)

    @bp.get("/fail")
    def fail() -> None:
        raise AppError()

    @app.errorhandler(AppError)
    def app_handler(exc: AppError) -> tuple[str, int]:
        return "app handler", 418

    app.register_blueprint(bp)
    response = client.get("/fail")
    assert (response.status_code, response.text) == (418, "app handler")


@pytest.mark.usefixtures("on_loop")
def test_500_handler_receives_internal_server_error(app: Cupola, client: TestClient) -> None:
    received: list[Any] = []

    @app.errorhandler(500)
    def server_error(exc: InternalServerError) -> tuple[str, int]:
        received.append(exc)
        return "custom 500", 500

    @app.get("/")
    def view() -> None:
        raise KeyError("original")

    response = client.get("/")
    assert (response.status_code, response.text) == (500, "custom 500")
    assert len(received) == 1
    assert isinstance(received[0], InternalServerError)
    original = received[0].original_exception
    assert isinstance(original, KeyError)
    assert original.args == ("original",)


def test_500_handler_for_explicit_abort(app: Cupola, client: TestClient) -> None:
    @app.errorhandler(500)
    def server_error(exc: InternalServerError) -> tuple[str, int]:
        return f"custom {exc.code}", 500

    @app.get("/")
    def view() -> None:
        abort(500)

    assert client.get("/").text == "custom 500"


@pytest.mark.usefixtures("on_loop")
def test_500_page_leaks_nothing(app: Cupola, client: TestClient) -> None:
    app.config["SECRET_KEY"] = "top-secret-key-value"

    @app.get("/")
    def view() -> None:
        raise RuntimeError("password=hunter2 in /srv/app/secret.py")

    response = client.get("/")
    assert response.status_code == 500
    assert "Internal Server Error" in response.text
    for leak in ("hunter2", "Traceback", "secret.py", "RuntimeError", __file__, "top-secret"):
        assert leak not in response.text


@pytest.mark.usefixtures("on_loop")
def test_500_in_debug_shows_escaped_traceback(app: Cupola, client: TestClient) -> None:
    app.debug = True

    @app.get("/")
    def view() -> None:
        raise RuntimeError("<marker>")

    response = client.get("/")
    assert response.status_code == 500
    assert "Traceback" in response.text
    assert "RuntimeError: &lt;marker&gt;" in response.text
    assert "<marker>" not in response.text


@pytest.mark.usefixtures("on_loop")
def test_testing_propagates_exceptions(app: Cupola, client: TestClient) -> None:
    app.config["TESTING"] = True

    @app.get("/")
    def view() -> None:
        raise LookupError("propagated")

    with pytest.raises(LookupError, match="propagated"):
        client.get("/")


def test_propagate_exceptions_overrides_testing(app: Cupola, client: TestClient) -> None:
    app.config.update(TESTING=True, PROPAGATE_EXCEPTIONS=False)

    @app.get("/")
    def view() -> None:
        raise LookupError("kept inside")

    assert client.get("/").status_code == 500


def test_testing_still_answers_http_exceptions(app: Cupola, client: TestClient) -> None:
    app.config["TESTING"] = True

    @app.get("/")
    def view() -> None:
        abort(403)

    assert client.get("/").status_code == 403
    assert client.get("/missing").status_code == 404


@pytest.mark.usefixtures("on_loop")
def test_testing_lets_handlers_claim_exceptions(app: Cupola, client: TestClient) -> None:
    app.config["TESTING"] = True

    @app.errorhandler(AppError)
    def handled(exc: AppError) -> tuple[str, int]:
        return "handled", 400

    @app.get("/")
    def view() -> None:
        raise AppError()

    assert client.get("/").text == "handled"


@pytest.mark.usefixtures("on_loop")
def test_error_handler_that_raises_gives_500(
    app: Cupola, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    @app.errorhandler(AppError)
    def broken(exc: AppError) -> str:
        raise RuntimeError("handler broke")

    @app.get("/")
    def view() -> None:
        raise AppError()

    response = client.get("/")
    assert response.status_code == 500
    assert "handler broke" not in response.text


def test_http_exception_headers_and_description(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def view() -> None:
        raise TooManyRequests("slow down <now>", retry_after=30)

    response = client.get("/")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "30"
    assert "slow down &lt;now&gt;" in response.text


def test_abort_with_unknown_code_is_a_lookup_error() -> None:
    with pytest.raises(LookupError):
        abort(299)


def test_async_error_handler(app: Cupola, client: TestClient) -> None:
    @app.errorhandler(BadRequest)
    async def bad(exc: BadRequest) -> tuple[dict[str, str], int]:
        return {"detail": exc.description}, 400

    @app.get("/")
    def view() -> None:
        abort(400, "broken input")

    assert client.get("/").json() == {"detail": "broken input"}


@pytest.mark.parametrize("key", [299, "404", 3.5, object()])
def test_bad_handler_keys_are_refused(app: Cupola, key: Any) -> None:
    with pytest.raises(ImproperlyConfigured):
        app.register_error_handler(key, lambda exc: "")


def test_find_handler_walks_registries_in_order() -> None:
    inner, outer = ErrorHandlerRegistry(), ErrorHandlerRegistry()

    def inner_handler(exc: Exception) -> str:
        return "inner"

    def outer_handler(exc: Exception) -> str:
        return "outer"

    outer.register(SpecificError, outer_handler)
    inner.register(AppError, inner_handler)
    # The innermost registry wins even with a less specific class.
    assert find_handler([inner, outer], SpecificError()) is inner_handler
    assert find_handler([outer], SpecificError()) is outer_handler
    assert find_handler([inner, outer], ValueError()) is None
    assert not ErrorHandlerRegistry()


class BookNotFound(NotFound):
    description = "No such book."


def test_handler_for_subclass_of_status_exception_wins(app: Cupola, client: TestClient) -> None:
    @app.errorhandler(404)
    def generic(exc: NotFound) -> tuple[str, int]:
        return "generic 404", 404

    @app.errorhandler(BookNotFound)
    def book(exc: BookNotFound) -> tuple[str, int]:
        return f"book: {exc.description}", 404

    @app.errorhandler(HTTPException)
    def any_http(exc: HTTPException) -> tuple[str, int]:
        return "any", exc.code

    @app.get("/book")
    def view() -> None:
        raise BookNotFound()

    assert client.get("/book").text == "book: No such book."
    assert client.get("/missing").text == "generic 404"


def test_testing_propagates_from_async_views(app: Cupola, client: TestClient) -> None:
    app.config["TESTING"] = True

    @app.get("/")
    async def view() -> None:
        raise LookupError("async propagated")

    with pytest.raises(LookupError, match="async propagated"):
        client.get("/")


def test_error_handler_failure_propagates_in_testing(app: Cupola, client: TestClient) -> None:
    app.config["TESTING"] = True

    @app.errorhandler(AppError)
    def broken(exc: AppError) -> str:
        raise RuntimeError("handler failed under test")

    @app.get("/")
    def view() -> None:
        raise AppError()

    with pytest.raises(RuntimeError, match="handler failed under test"):
        client.get("/")


# -- error pages: the app's error template, or the built-in page ----------------------------


def error_routes(app: Cupola) -> None:
    @app.get("/abort/<int:code>")
    def aborted(code: int) -> None:
        abort(code)

    @app.get("/crash")
    def crash() -> None:
        raise RuntimeError("password=hunter2")


ERROR_PAGES = [
    ("/abort/400", 400, "Bad Request"),
    ("/abort/401", 401, "Unauthorized"),
    ("/abort/403", 403, "Forbidden"),
    ("/missing", 404, "Not Found"),
    ("/crash", 500, "Internal Server Error"),
]


@pytest.mark.parametrize(("path", "code", "name"), ERROR_PAGES)
def test_builtin_error_pages_share_one_styled_layout(
    app: Cupola, client: TestClient, path: str, code: int, name: str
) -> None:
    error_routes(app)
    response = client.get(path)
    assert response.status_code == code
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    text = response.text
    assert f"<title>{code} {name}</title>" in text
    assert '<main class="cupola-error">' in text and "<style>" in text
    assert f"<p class=code>{code}</p>" in text and f"<h1>{name}</h1>" in text


def test_builtin_405_page_is_styled_and_keeps_allow(app: Cupola, client: TestClient) -> None:
    error_routes(app)
    response = client.post("/crash")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert '<main class="cupola-error">' in response.text
    assert "<h1>Method Not Allowed</h1>" in response.text


@pytest.fixture
def templated(tmp_path: Any) -> Cupola:
    """An app whose templates folder has a layout and an ``error.html`` extending it."""
    (tmp_path / "base.html").write_text(
        '<!doctype html><html><head><link rel="stylesheet" href="/site.css"></head>'
        '<body><header class="site">My site</header>{% block content %}{% endblock %}'
        "</body></html>"
    )
    (tmp_path / "error.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>{{ code }} · {{ name }}</h1>'
        "<p>{{ description }}</p>{% endblock %}"
    )
    return Cupola(__name__, template_folder=str(tmp_path))


@pytest.mark.parametrize(("path", "code", "name"), ERROR_PAGES)
def test_the_apps_error_template_renders_every_error_page(
    templated: Cupola, protocol: str, path: str, code: int, name: str
) -> None:
    error_routes(templated)
    with templated.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get(path)
    assert response.status_code == code
    assert '<header class="site">My site</header>' in response.text
    assert f"<h1>{code} · {name}</h1>" in response.text
    assert "hunter2" not in response.text


def test_the_error_template_keeps_headers_and_handlers_win(
    templated: Cupola, protocol: str
) -> None:
    error_routes(templated)

    @templated.errorhandler(404)
    def not_found(exc: HTTPException) -> tuple[str, int]:
        return "own 404", 404

    with templated.test_client(protocol) as client:  # type: ignore[arg-type]
        not_allowed = client.post("/crash")
        assert not_allowed.status_code == 405
        assert not_allowed.headers["Allow"] == "GET, HEAD, OPTIONS"
        assert "<h1>405 · Method Not Allowed</h1>" in not_allowed.text
        assert client.get("/missing").text == "own 404"


def test_a_failing_error_template_falls_back_to_the_builtin_page(
    tmp_path: Any, protocol: str, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "error.html").write_text("{{ undefined_function() }}")
    app = Cupola(__name__, template_folder=str(tmp_path))
    error_routes(app)
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get("/abort/403")
    assert response.status_code == 403
    assert '<main class="cupola-error">' in response.text
    assert "Error rendering the error template for 403" in caplog.text


def test_error_template_can_be_switched_off(templated: Cupola) -> None:
    templated.config["ERROR_TEMPLATE"] = None
    error_routes(templated)
    response = templated.test_client().get("/abort/401")
    assert '<main class="cupola-error">' in response.text
    assert "My site" not in response.text
