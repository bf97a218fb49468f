"""Hyperlinked relations at their edges: lookup fields, relative view names, mounted apps."""

from __future__ import annotations

import io
import json
from typing import Any

from sqlalchemy import select

from cupola.rest import serializers
from cupola.rest.response import Response
from cupola.rest.views import APIView

from .conftest import Shelf

REST = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
}


def tag_app(shelf: Shelf) -> None:
    """``/tags/<slug>/`` and ``/tags/latest/`` (one endpoint) and a view echoing a tag link."""

    class TagLink(serializers.Serializer):
        # "." + name: the endpoint of the request's blueprint, here the app itself.
        tag = serializers.HyperlinkedRelatedField(
            view_name=".tag-detail", lookup_field="slug", queryset=select(shelf.Tag)
        )
        also = serializers.HyperlinkedRelatedField(
            view_name="tag-detail", lookup_field="slug", queryset=select(shelf.Tag), required=False
        )

    class Echo(APIView):
        def post(self, request: Any) -> Response:
            serializer = TagLink(data=request.data, context={"request": request})
            serializer.is_valid(raise_exception=True)
            return Response(TagLink(serializer.validated_data, context={"request": request}).data)

    class Detail(APIView):
        def get(self, request: Any, slug: str = "latest") -> Response:
            return Response({"slug": slug})

    detail = Detail.as_view("tag-detail")
    shelf.app.add_url_rule("/tags/latest/", view_func=detail)
    shelf.app.add_url_rule("/tags/<slug>/", view_func=detail)
    shelf.app.add_url_rule("/echo", view_func=Echo.as_view("echo"))
    shelf.app.config.update(REST=REST, CSRF_ENABLED=False, ALLOWED_HOSTS=["*"])


def test_slug_lookup_and_relative_view_name(shelf: Shelf, protocol: str) -> None:
    tag_app(shelf)
    shelf.add(shelf.Tag(slug="sf"))
    base = "http://localhost"
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        link = f"{base}/tags/sf/"
        echoed = client.post("/echo", json={"tag": link, "also": link})
        assert echoed.status_code == 200, echoed.text
        assert echoed.json() == {"tag": link, "also": link}
        for url, message in (
            (f"{base}/tags/latest/", "Invalid hyperlink - Object does not exist."),
            (f"{base}/tags/nope/", "Invalid hyperlink - Object does not exist."),
            (f"{base}/echo", "Invalid hyperlink - Incorrect URL match."),
        ):
            bad = client.post("/echo", json={"tag": url})
            assert (bad.status_code, bad.json()) == (400, {"tag": [message]})


def test_urls_under_a_mount_point(shelf: Shelf) -> None:
    """Under ``SCRIPT_NAME`` the links carry the prefix and input links drop it."""
    tag_app(shelf)
    shelf.add(shelf.Tag(slug="sf"))
    body = json.dumps({"tag": "http://example.com/mount/tags/sf/"}).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "/mount",
        "PATH_INFO": "/echo",
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_HOST": "example.com",
        "SERVER_NAME": "example.com",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
    }
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
        seen["status"] = status
        return lambda data: None

    out = b"".join(shelf.app(environ, start_response))
    assert seen["status"] == "200 OK", out
    assert json.loads(out) == {"tag": "http://example.com/mount/tags/sf/"}
