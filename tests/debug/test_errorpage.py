"""The debug error page: only with DEBUG on; chain, frames, masked locals, request data."""

from __future__ import annotations

from typing import Any

import pytest

from cupola import Cupola, request
from cupola.testing import TestClient


def failing_routes(app: Cupola) -> None:
    def load(user_id: int, api_token: str) -> Any:
        settings = {"SECRET_KEY": "nested-" + "secret", "name": "visible-name"}
        return settings[f"user-{user_id}"]

    @app.route("/boom/<int:user_id>", methods=["GET", "POST"])
    def boom(user_id: int) -> Any:
        password = "hunter2"  # a local the page must mask
        note = "<b>escaped</b>"
        try:
            load(user_id, api_token="tok-" + str(123))
        except KeyError as exc:
            raise RuntimeError(f"could not load <user {user_id}> ({note}, {password})") from exc
        return None

    @app.get("/handling")
    def handling() -> Any:
        try:
            {}["missing"]
        except KeyError:
            if request.args.get("quiet"):
                raise ValueError("while handling") from None
            raise ValueError("while handling")  # noqa: B904  # the implicit context is shown


def test_debug_page_shows_the_chain_frames_and_masked_locals(
    app: Cupola, client: TestClient
) -> None:
    failing_routes(app)
    response = client.get(
        "/boom/7?page=2&access_token=qs-secret",
        headers={"Authorization": "Bearer header-secret", "X-Trace": "<trace>"},
        cookies={"auth_cookie": "cookie-secret", "theme": "dark"},
    )
    assert response.status_code == 500
    text = response.text
    assert "<h1>RuntimeError</h1>" in text
    assert "could not load &lt;user 7&gt;" in text  # the message, escaped
    assert "Direct cause of the exception above" in text
    assert "KeyError: &#x27;user-7&#x27;" in text
    # Frames: the view and the helper, each with its source line.
    assert '<code class="func">test_debug_page_shows' not in text
    assert "failing_routes.&lt;locals&gt;.boom" in text
    assert "failing_routes.&lt;locals&gt;.load" in text
    assert "raise RuntimeError(f&quot;could not load" in text
    assert 'class="current"' in text
    # Locals: escaped, secrets masked (also inside a dict), the rest shown.
    assert "<th>note</th>" in text and "&lt;b&gt;escaped&lt;/b&gt;" in text
    assert "<th>password</th><td><code>********</code>" in text
    assert "<th>api_token</th><td><code>********</code>" in text
    assert "visible-name" in text
    for secret in ("nested-secret", "tok-123", "qs-secret", "header-secret", "cookie-secret"):
        assert secret not in text
    # The request: method, URL, headers, query, cookies.
    assert "<b>GET</b> http://localhost/boom/7?page=2" in text
    assert "<th>page</th><td><code>2</code>" in text
    assert "<th>x-trace</th><td><code>&lt;trace&gt;</code>" in text.lower()
    assert "<th>theme</th><td><code>dark</code>" in text


def test_debug_page_shows_the_form_masked(app: Cupola, client: TestClient) -> None:
    app.config["CSRF_ENABLED"] = False
    failing_routes(app)
    response = client.post("/boom/1", data={"username": "ada", "password": "form-secret"})
    assert response.status_code == 500
    assert "<th>username</th><td><code>ada</code>" in response.text
    assert "form-secret" not in response.text


def test_context_and_suppressed_context(app: Cupola, client: TestClient) -> None:
    failing_routes(app)
    chained = client.get("/handling").text
    assert "Being handled when the one above was raised" in chained
    assert "KeyError: &#x27;missing&#x27;" in chained
    quiet = client.get("/handling?quiet=1").text
    assert "ValueError: while handling" in quiet
    assert "KeyError: &#x27;missing&#x27;" not in quiet
    assert "Being handled" not in quiet


def test_never_reachable_with_debug_off(app: Cupola, client: TestClient) -> None:
    failing_routes(app)
    assert "Traceback" in client.get("/boom/7").text
    app.debug = False  # the app is rebuilt without the debug page
    response = client.get("/boom/7", headers={"Authorization": "Bearer header-secret"})
    assert response.status_code == 500
    assert "<h1>Internal Server Error</h1>" in response.text
    for leak in ("RuntimeError", "Traceback", "hunter2", "load", "user-7", "header-secret"):
        assert leak not in response.text
    assert app.pipeline.error_pages.debug_page is None


def test_debug_page_wins_over_a_500_handler_only_with_debug(
    app: Cupola, client: TestClient
) -> None:
    failing_routes(app)

    @app.errorhandler(500)
    def server_error(exc: Exception) -> tuple[str, int]:
        return "the site's 500 page", 500

    assert "<h1>RuntimeError</h1>" in client.get("/boom/1").text
    app.debug = False
    assert client.get("/boom/1").text == "the site's 500 page"


def test_handlers_of_the_exception_still_apply(app: Cupola, client: TestClient) -> None:
    failing_routes(app)

    @app.errorhandler(RuntimeError)
    def handled(exc: RuntimeError) -> tuple[str, int]:
        return "handled", 409

    response = client.get("/boom/1")
    assert (response.status_code, response.text) == (409, "handled")


def test_a_failing_error_handler_gets_the_debug_page(app: Cupola, client: TestClient) -> None:
    @app.errorhandler(404)
    def broken(exc: Exception) -> Any:
        raise LookupError("the 404 handler broke")

    response = client.get("/missing")
    assert response.status_code == 500
    assert "<h1>LookupError</h1>" in response.text
    assert "the 404 handler broke" in response.text


@pytest.mark.usefixtures("on_loop")
def test_async_views_get_the_debug_page(app: Cupola, client: TestClient) -> None:
    @app.get("/async")
    async def failing() -> None:
        secret_key = "async-" + "secret"
        raise OSError(f"disk gone {len(secret_key)}")

    response = client.get("/async")
    assert response.status_code == 500
    assert "OSError" in response.text and "disk gone 12" in response.text
    assert "async-" + "secret" not in response.text  # written so: the source is shown
    assert "<th>secret_key</th><td><code>********</code>" in response.text


def test_a_form_too_large_to_read_is_reported(app: Cupola, client: TestClient) -> None:
    app.config.update(CSRF_ENABLED=False, MAX_FORM_MEMORY_SIZE=10)

    @app.post("/upload")
    def upload() -> None:
        raise RuntimeError("failed before reading the form")

    response = client.post("/upload", data={"field": "x" * 100})
    assert response.status_code == 500
    assert "<th>(unreadable)</th><td><code>RequestEntityTooLarge" in response.text
