"""Renderer edge cases: the JSON fallback encoder, template lookup order, the browsable page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cupola import Cupola
from cupola.rest import renderers
from cupola.rest.exceptions import ValidationError
from cupola.rest.response import Response
from cupola.rest.views import APIView

REST: dict[str, Any] = {"DEFAULT_AUTHENTICATION_CLASSES": [], "DEFAULT_PERMISSION_CLASSES": []}


class Vector:
    """Array-like: converts itself with ``tolist()``."""

    def tolist(self) -> list[int]:
        return [1, 2]


class Point:
    """Declares its JSON form with ``__json__()``."""

    def __json__(self) -> dict[str, int]:
        return {"x": 1}


class Pairs:
    """A read-only mapping without being a ``dict``."""

    def keys(self) -> list[str]:
        return ["k"]

    def __getitem__(self, key: str) -> str:
        return key.upper()


class Bag:
    """Only iterable."""

    def __iter__(self) -> Iterator[int]:
        return iter([3, 4])


@pytest.mark.parametrize("settings", [{}, {"COMPACT_JSON": False}, {"UNICODE_JSON": False}])
def test_json_fallback_types(settings: dict[str, Any]) -> None:
    app = Cupola(__name__)
    app.config["REST"] = {**REST, **settings}
    data = {"v": Vector(), "p": Point(), "m": Pairs(), "b": Bag()}
    with app.app_context():
        out = renderers.JSONRenderer().render(data)
    expected = {"v": [1, 2], "p": {"x": 1}, "m": {"k": "K"}, "b": [3, 4]}
    assert json.loads(out) == expected


def test_json_class_level_ascii_wins_over_settings() -> None:
    class Ascii(renderers.JSONRenderer):
        ensure_ascii = True

    app = Cupola(__name__)
    app.config["REST"] = {**REST, "UNICODE_JSON": True}
    with app.app_context():
        assert Ascii().render({"t": "Zoë"}) == b'{"t":"Zo\\u00eb"}'
        assert renderers.JSONRenderer().render({"t": "Zoë"}) == '{"t":"Zoë"}'.encode()


class Text(renderers.BaseRenderer):
    """A renderer producing ``str``, not bytes."""

    media_type = "text/plain"
    format = "txt"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> str:
        return f"text: {data['title']}"


class Named(renderers.TemplateHTMLRenderer):
    template_name = "named.html"


@pytest.fixture
def app(tmp_path: Path) -> Cupola:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "named.html").write_text("named: {{ title }}")
    (templates / "chosen.html").write_text("chosen: {{ title }}")
    (templates / "400.html").write_text("{{ status_code }}: {{ details|join(', ') }}")
    app = Cupola(__name__, template_folder=str(templates))
    app.config["REST"] = dict(REST)

    class ByRenderer(APIView):
        renderer_classes = [Named]

        def get(self, request: Any) -> Response:
            return Response({"title": "Dune"})

    class ByMethod(APIView):
        renderer_classes = [renderers.TemplateHTMLRenderer]

        def get_template_names(self) -> list[str]:
            return ["absent.html", "chosen.html"]

        def get(self, request: Any) -> Response:
            return Response({"title": "Emma"})

    class Invalid(APIView):
        renderer_classes = [renderers.TemplateHTMLRenderer]
        template_name = "named.html"

        def get(self, request: Any) -> Response:
            raise ValidationError(["too short", "too plain"])

    class Missing(APIView):
        renderer_classes = [renderers.TemplateHTMLRenderer]

        def get(self, request: Any) -> Response:
            return Response({"title": "x"}, template_name="nowhere.html")

    class HTMLFirst(APIView):
        """Books as text."""

        renderer_classes = [renderers.BrowsableAPIRenderer, renderers.StaticHTMLRenderer, Text]

        def get(self, request: Any) -> Response:
            return Response({"title": "<Dune>"})

    class HTMLOnly(APIView):
        renderer_classes = [renderers.BrowsableAPIRenderer]

        def get(self, request: Any) -> Response:
            return Response({"title": "Dune"})

    app.add_url_rule("/renderer", view_func=ByRenderer.as_view())
    app.add_url_rule("/method", view_func=ByMethod.as_view())
    app.add_url_rule("/invalid", view_func=Invalid.as_view())
    app.add_url_rule("/missing", view_func=Missing.as_view())
    app.add_url_rule("/html-first", view_func=HTMLFirst.as_view())
    app.add_url_rule("/html-only", view_func=HTMLOnly.as_view())
    return app


def test_template_from_renderer_and_view_method(client: Any) -> None:
    assert client.get("/renderer").text == "named: Dune"
    assert client.get("/method").text == "chosen: Emma"


def test_error_list_becomes_details(client: Any) -> None:
    response = client.get("/invalid")
    assert (response.status_code, response.text) == (400, "400: too short, too plain")


def test_missing_template_of_a_success_is_an_error(app: Cupola, protocol: str) -> None:
    from jinja2 import TemplateNotFound

    app.config["PROPAGATE_EXCEPTIONS"] = True
    with app.test_client(protocol) as client, pytest.raises(TemplateNotFound):  # type: ignore[arg-type]
        client.get("/missing")


def test_browsable_page_uses_first_non_html_renderer(client: Any) -> None:
    response = client.get("/html-first", headers={"Accept": "text/html"})
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "text: &lt;Dune&gt;" in response.text  # the Text renderer's str, escaped
    assert "<p>Books as text.</p>" in response.text


def test_browsable_page_falls_back_to_json(client: Any) -> None:
    response = client.get("/html-only")
    assert "<h1>Html Only</h1>" in response.text
    assert "&#34;title&#34;: &#34;Dune&#34;" in response.text
