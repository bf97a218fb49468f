"""The REST response: rendering, empty bodies, status text."""

from __future__ import annotations

from typing import Any

import pytest

from cupola import Cupola
from cupola.rest import renderers
from cupola.rest.response import Response
from cupola.rest.views import APIView


class Answers(APIView):
    renderer_classes = [renderers.JSONRenderer]

    def get(self, request: Any, kind: str) -> Response:
        if kind == "created":
            return Response({"id": 1}, status=201, headers={"Location": "/books/1"})
        if kind == "typed":
            return Response({"id": 1}, content_type="application/vnd.books+json")
        if kind == "not-modified":
            return Response({"ignored": True}, status=304)
        return Response({"ignored": True}, status=204)


def test_responses(protocol: str) -> None:
    app = Cupola(__name__)
    app.config["REST"] = {"DEFAULT_AUTHENTICATION_CLASSES": [], "DEFAULT_PERMISSION_CLASSES": []}
    app.add_url_rule("/<kind>", view_func=Answers.as_view())
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get("/created")
        assert (response.status_code, response.json()) == (201, {"id": 1})
        assert response.headers["Location"] == "/books/1"
        response = client.get("/typed")
        assert response.headers["Content-Type"] == "application/vnd.books+json"
        for kind, status in (("no-content", 204), ("not-modified", 304)):
            response = client.get(f"/{kind}")
            assert (response.status_code, response.content) == (status, b"")
            assert "Content-Type" not in response.headers


def test_response_attributes() -> None:
    response = Response({"a": 1}, status=404, template_name="t.html")
    assert (response.data, response.status_code, response.template_name) == (
        {"a": 1},
        404,
        "t.html",
    )
    assert response.status_text == "Not Found"
    assert Response(status=599).status_text == ""
    with pytest.raises(RuntimeError, match="was not rendered"):
        response.render()
    with pytest.raises(TypeError, match="not a response"):
        Response(Response())


def test_rendered_once() -> None:
    response = Response({"a": 1})
    response.accepted_renderer = renderers.JSONRenderer()
    response.accepted_media_type = "application/json"
    assert response.rendered_content == b'{"a":1}'
    response.data = {"b": 2}
    assert response.render().body == b'{"a":1}'
