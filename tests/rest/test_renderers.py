"""Renderers: JSON formatting, HTML from templates, static HTML, the browsable page."""

from __future__ import annotations

import datetime
import decimal
import uuid
from pathlib import Path
from typing import Any

import pytest

from cupola import Cupola
from cupola.exceptions import ImproperlyConfigured
from cupola.rest import renderers
from cupola.rest.exceptions import NotFound
from cupola.rest.response import Response
from cupola.rest.views import APIView

REST = {"DEFAULT_AUTHENTICATION_CLASSES": [], "DEFAULT_PERMISSION_CLASSES": []}


def render_json(data: Any, media_type: str | None = None, **settings: Any) -> bytes:
    app = Cupola(__name__)
    app.config["REST"] = {**REST, **settings}
    with app.app_context():
        return renderers.JSONRenderer().render(data, media_type)


def test_json_compact_unicode_and_separators() -> None:
    data = {"a": [1, 2], "t": "Zoë\u2028\u2029"}
    assert render_json(data) == '{"a":[1,2],"t":"Zoë\\u2028\\u2029"}'.encode()
    assert render_json(data, UNICODE_JSON=False) == b'{"a":[1,2],"t":"Zo\\u00eb\\u2028\\u2029"}'
    assert (
        render_json(data, COMPACT_JSON=False) == '{"a": [1, 2], "t": "Zoë\\u2028\\u2029"}'.encode()
    )
    assert render_json(None) == b""


@pytest.mark.parametrize(
    ("media_type", "expected"),
    [
        ("application/json; indent=2", b'{\n  "a": [\n    1\n  ]\n}'),
        ("application/json; indent=0", b'{"a":[1]}'),
        ("application/json; indent=x", b'{"a":[1]}'),
        ("application/json; indent=-3", b'{"a":[1]}'),
    ],
)
def test_json_indent(media_type: str, expected: bytes) -> None:
    assert render_json({"a": [1]}, media_type) == expected


def test_json_types() -> None:
    utc = datetime.UTC
    data = {
        "when": datetime.datetime(2024, 5, 1, 12, 30, tzinfo=utc),
        "day": datetime.date(2024, 5, 1),
        "price": decimal.Decimal("9.99"),
        "span": datetime.timedelta(minutes=1),
        "id": uuid.UUID(int=1),
        "tags": {"x"},
        "raw": b"bytes",
        "big": 2**70,
    }
    expected = (
        b'{"when":"2024-05-01T12:30:00Z","day":"2024-05-01","price":9.99,"span":"60.0",'
        b'"id":"00000000-0000-0000-0000-000000000001","tags":["x"],"raw":"bytes",'
        b'"big":1180591620717411303424}'
    )
    assert render_json(data) == expected
    with pytest.raises(TypeError, match="not JSON serializable"):
        render_json({"x": object()})
    with pytest.raises(ValueError, match="Out of range float"):
        render_json({"x": float("nan")}, COMPACT_JSON=False)


class Page(APIView):
    renderer_classes = [renderers.TemplateHTMLRenderer]
    template_name = "page.html"

    def get(self, request: Any, kind: str) -> Response:
        if kind == "missing":
            raise NotFound()
        if kind == "other":
            return Response({"title": "Other"}, template_name="other.html")
        return Response({"title": "<Dune>"})


class Static(APIView):
    renderer_classes = [renderers.StaticHTMLRenderer]

    def get(self, request: Any, kind: str) -> Response:
        if kind == "missing":
            raise NotFound()
        return Response("<p>ready</p>")


@pytest.fixture
def app(tmp_path: Path) -> Cupola:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text("<h1>{{ title }}</h1> {{ request.method }}")
    (templates / "other.html").write_text("other: {{ title }}")
    app = Cupola(__name__, template_folder=str(templates))
    app.config["REST"] = dict(REST)
    app.add_url_rule("/page/<kind>", view_func=Page.as_view())
    app.add_url_rule("/static/<kind>", view_func=Static.as_view())
    return app


def test_template_html_renderer(app: Cupola, client: Any, tmp_path: Path) -> None:
    response = client.get("/page/plain")
    assert response.text == "<h1>&lt;Dune&gt;</h1> GET"
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert client.get("/page/other").text == "other: Other"
    response = client.get("/page/missing")
    assert (response.status_code, response.text) == (404, "404 Not Found")
    (tmp_path / "templates" / "404.html").write_text("gone: {{ detail }} {{ status_code }}")
    assert client.get("/page/missing").text == "gone: Not found. 404"


def test_static_html_renderer(client: Any) -> None:
    response = client.get("/static/ok")
    assert response.text == "<p>ready</p>"
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert client.get("/static/missing").text == "404 Not Found"


def test_template_name_is_required(app: Cupola, protocol: str) -> None:
    class Nameless(APIView):
        renderer_classes = [renderers.TemplateHTMLRenderer]

        def get(self, request: Any) -> Response:
            return Response({})

    app.add_url_rule("/nameless", view_func=Nameless.as_view())
    app.config["PROPAGATE_EXCEPTIONS"] = True
    with app.test_client(protocol) as client, pytest.raises(ImproperlyConfigured):  # type: ignore[arg-type]
        client.get("/nameless")


def test_browsable_api_page(app: Cupola, client: Any) -> None:
    class Books(APIView):
        """Every <book>."""

        renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer]

        def get(self, request: Any) -> Response:
            return Response({"title": "<Dune>"})

    app.add_url_rule("/books", view_func=Books.as_view())
    response = client.get("/books", headers={"Accept": "text/html"})
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<h1>Books</h1>" in response.text
    assert "<p>Every &lt;book&gt;.</p>" in response.text
    assert "&#34;title&#34;: &#34;&lt;Dune&gt;&#34;" in response.text  # indented, escaped
    assert "<b>Allow:</b> GET, HEAD, OPTIONS" in response.text
    assert client.get("/books").json() == {"title": "<Dune>"}


def test_base_renderer_must_be_subclassed() -> None:
    with pytest.raises(NotImplementedError):
        renderers.BaseRenderer().render({})
