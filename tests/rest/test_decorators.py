"""@api_view, the policy decorators and @action."""

from __future__ import annotations

from typing import Any

import pytest

from cupola import Cupola
from cupola.rest import decorators, renderers
from cupola.rest.decorators import ImproperlyConfiguredAction, action, api_view
from cupola.rest.response import Response

REST = {"DEFAULT_AUTHENTICATION_CLASSES": [], "DEFAULT_PERMISSION_CLASSES": []}


class Never:
    message = "Never."

    def has_permission(self, request: Any, view: Any) -> bool:
        return False


def test_api_view_with_policies(protocol: str) -> None:
    @api_view(["GET", "PUT"])
    @decorators.renderer_classes([renderers.JSONRenderer])
    def book(request: Any, pk: int) -> Response:
        """A book."""
        return Response({"pk": pk, "method": request.method})

    @api_view()
    @decorators.permission_classes([Never])
    def closed(request: Any) -> Response:
        return Response({})

    app = Cupola(__name__)
    app.config["REST"] = dict(REST)
    app.add_url_rule("/books/<int:pk>", view_func=book)
    app.add_url_rule("/closed", view_func=closed)
    assert book.__name__ == "book"
    assert book.cls.__doc__ == "A book."  # type: ignore[attr-defined]
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.put("/books/2")
        assert response.json() == {"pk": 2, "method": "PUT"}
        assert response.headers["Allow"] == "GET, PUT, OPTIONS"
        assert "Vary" not in response.headers  # one renderer
        assert client.post("/books/2").status_code == 405
        response = client.get("/closed")
        assert (response.status_code, response.json()) == (403, {"detail": "Never."})


def test_api_view_misuse() -> None:
    with pytest.raises(TypeError, match="missing list of allowed HTTP methods"):
        api_view(lambda request: None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected a list of strings, received str"):
        api_view("GET")

    @api_view(["GET"])
    def view(request: Any) -> Response:
        return Response()

    with pytest.raises(TypeError, match="must come after"):
        decorators.throttle_classes([])(view)


def test_policy_decorators_set_attributes() -> None:
    def view(request: Any) -> None:
        pass

    for name in (
        "renderer_classes",
        "parser_classes",
        "authentication_classes",
        "throttle_classes",
        "throttle_scope",
        "permission_classes",
        "content_negotiation_class",
        "metadata_class",
        "versioning_class",
        "schema",
    ):
        getattr(decorators, name)(name)(view)
        assert getattr(view, name) == name


def test_action_attributes() -> None:
    class ViewSet:
        @action(detail=True, methods=["post", "PUT"], permission_classes=[Never])
        def set_password(self, request: Any, pk: Any = None) -> None:
            """Change it."""

        @set_password.mapping.delete
        def unset_password(self, request: Any, pk: Any = None) -> None:
            pass

        @action(detail=False, url_path="recent-books", url_name="recent", suffix="List")
        def recent(self, request: Any) -> None:
            pass

    method: Any = ViewSet.set_password
    assert method.detail is True
    assert method.url_path == "set_password"
    assert method.url_name == "set-password"
    assert method.mapping == {
        "post": "set_password",
        "put": "set_password",
        "delete": "unset_password",
    }
    assert method.kwargs == {
        "permission_classes": [Never],
        "name": "Set password",
        "description": "Change it.",
    }
    recent: Any = ViewSet.recent
    assert (recent.detail, recent.url_path, recent.url_name) == (False, "recent-books", "recent")
    assert recent.mapping == {"get": "recent"}
    assert recent.kwargs == {"suffix": "List", "description": None}


def test_action_misuse() -> None:
    with pytest.raises(ImproperlyConfiguredAction, match="missing required argument: 'detail'"):
        action()
    with pytest.raises(ImproperlyConfiguredAction, match="mutually exclusive"):
        action(detail=True, name="x", suffix="y")

    def thing(self: Any, request: Any) -> None:
        pass

    marked: Any = action(detail=True)(thing)
    with pytest.raises(ImproperlyConfiguredAction, match="already been mapped"):
        marked.mapping.get(lambda self, request: None)
    with pytest.raises(ImproperlyConfiguredAction, match="same method name"):
        marked.mapping.post(thing)
    for method in ("post", "put", "patch", "delete", "head", "options", "trace"):

        def handler(self: Any, request: Any) -> None:
            pass

        handler.__name__ = f"thing_{method}"
        getattr(marked.mapping, method)(handler)
    assert marked.mapping["trace"] == "thing_trace"
