"""reverse(): relative or absolute URLs, version-aware, keeping ?format=."""

from __future__ import annotations

from typing import Any

import pytest

from cupola import Cupola
from cupola.exceptions import BuildError, ImproperlyConfigured
from cupola.rest.response import Response
from cupola.rest.reverse import replace_query_param, reverse, unversioned_reverse
from cupola.rest.views import APIView


class PrefixVersioning:
    """A small versioning scheme: the version from the URL, reversed into /v2/…."""

    def determine_version(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return kwargs.get("version")

    def reverse(
        self,
        viewname: str,
        args: Any = None,
        kwargs: Any = None,
        request: Any = None,
        format: Any = None,
        **extra: Any,
    ) -> str:
        if viewname == "unversioned":
            raise BuildError(viewname, "no versioned route")
        values = {**(kwargs or {}), "version": request.version}
        return unversioned_reverse(viewname, args, values, request, format)


class Links(APIView):
    versioning_class = PrefixVersioning

    def get(self, request: Any, **kwargs: Any) -> Response:
        return Response(
            {
                "self": reverse("links", kwargs={"version": "v1"}),
                "absolute": reverse("book", kwargs={"pk": 3}, request=request),
                "plain": reverse("unversioned", request=request),
            }
        )


@pytest.fixture
def app() -> Cupola:
    app = Cupola(__name__)
    app.config["REST"] = {"DEFAULT_AUTHENTICATION_CLASSES": [], "DEFAULT_PERMISSION_CLASSES": []}
    app.add_url_rule("/<version>/links", view_func=Links.as_view("links"))
    app.add_url_rule("/<version>/books/<int:pk>", view_func=Links.as_view("book"))
    app.add_url_rule("/plain", view_func=Links.as_view("unversioned"))
    return app


def test_reverse_in_a_view(client: Any) -> None:
    assert client.get("/v2/links").json() == {
        "self": "/v1/links",
        "absolute": "http://localhost/v2/books/3",
        "plain": "http://localhost/plain",
    }
    assert client.get("/v2/links?format=json").json()["absolute"] == (
        "http://localhost/v2/books/3?format=json"
    )


def test_reverse_outside_requests(app: Cupola) -> None:
    with app.app_context():
        assert reverse("book", kwargs={"version": "v1", "pk": 1}) == "/v1/books/1"
        assert reverse("unversioned", format="json") == "/plain?format=json"
        with pytest.raises(ImproperlyConfigured, match="pass kwargs"):
            reverse("book", args=[1])
        with pytest.raises(BuildError):
            reverse("nowhere")


def test_replace_query_param() -> None:
    assert replace_query_param("/b?x=1&a=2&a=3", "x", "9") == "/b?a=2&a=3&x=9"
    assert replace_query_param("http://h/b", "page", "2") == "http://h/b?page=2"
