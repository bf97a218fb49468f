"""The async runner with phases left empty or mixed: no hook needed, sync hooks among async."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cupola import Cupola, Middleware, Response, TemplateResponse
from cupola.http.request import Request
from cupola.testing import TestClient

events: list[str] = []


class AsyncArrival(Middleware):
    """Only an async ``process_request``: the route needs the loop, no response phase."""

    async def process_request(self, request: Request) -> None:  # type: ignore[override]
        events.append("arrival")


class SyncTemplate(Middleware):
    """Only a sync ``process_template_response``, which changes the context."""

    def process_template_response(self, request: Request, response: Any) -> Any:
        events.append("template")
        response.context["value"] = "changed"
        return response


@pytest.fixture
def app(tmp_path: Path) -> Cupola:
    (tmp_path / "page.html").write_text("page {{ value }}")
    app = Cupola(__name__, template_folder=str(tmp_path))
    app.config["MIDDLEWARE"] = []
    events.clear()
    return app


def test_an_async_view_with_no_middleware_at_all(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    async def view() -> str:
        return "bare"

    response = client.get("/")
    assert (response.status_code, response.text) == (200, "bare")


def test_an_async_request_hook_without_any_response_hook(app: Cupola, client: TestClient) -> None:
    app.config["MIDDLEWARE"] = [AsyncArrival]

    @app.get("/")
    async def view() -> str:
        return "arrived"

    response = client.get("/")
    assert (response.status_code, response.text, events) == (200, "arrived", ["arrival"])


def test_a_sync_template_hook_among_async_ones(app: Cupola, client: TestClient) -> None:
    app.config["MIDDLEWARE"] = [AsyncArrival, SyncTemplate]

    @app.get("/")
    def view() -> TemplateResponse:
        return TemplateResponse("page.html", {"value": "original"})

    response = client.get("/")
    assert (response.status_code, response.text) == (200, "page changed")
    assert events == ["arrival", "template"]


def test_a_plain_response_skips_the_template_hooks(app: Cupola, client: TestClient) -> None:
    app.config["MIDDLEWARE"] = [AsyncArrival, SyncTemplate]

    @app.get("/")
    async def view() -> Response:
        return Response("plain")

    assert client.get("/").text == "plain"
    assert events == ["arrival"]
