"""Serve the OpenAPI document and an interactive page that explores it.

``get_schema_view(title=…)`` returns a REST view function answering the document
(``application/vnd.oai.openapi+json`` or ``application/json``); ``get_docs_view()`` returns
a view function answering a self-contained HTML page (no external assets) that lists the
operations and sends requests from the browser. Both are opt-in: route them yourself, or
with :func:`add_schema_routes`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

from markupsafe import Markup, escape

from cupola.http.response import Response as CupolaResponse
from cupola.rest import permissions, renderers
from cupola.rest.openapi.generator import SchemaGenerator
from cupola.rest.response import Response
from cupola.rest.views import APIView


class JSONOpenAPIRenderer(renderers.JSONRenderer):
    """The OpenAPI document as JSON, media type ``application/vnd.oai.openapi+json``."""

    media_type = "application/vnd.oai.openapi+json"
    format = "openapi-json"


class SchemaView(APIView):
    """Answer the OpenAPI document of the app's REST views."""

    generator: Any = None
    public = True
    renderer_classes: Sequence[type[Any]] = [JSONOpenAPIRenderer, renderers.JSONRenderer]
    permission_classes: Sequence[type[Any]] = [permissions.AllowAny]
    throttle_classes: Sequence[type[Any]] = []
    versioning_class = None
    schema = None  # the document does not describe itself

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """The document, built for this request."""
        document = self.generator.get_schema(request=request, public=self.public)
        return Response(document)


def get_schema_view(
    title: str = "API",
    version: str = "1.0.0",
    description: str = "",
    url: str | None = None,
    prefix: str = "",
    public: bool = True,
    generator_class: type[SchemaGenerator] = SchemaGenerator,
    authentication_classes: Sequence[type[Any]] | None = None,
    permission_classes: Sequence[type[Any]] | None = None,
    renderer_classes: Sequence[type[Any]] | None = None,
) -> Any:
    """A view function answering the OpenAPI 3.1 document of the app's REST views.

    Args:
        title: ``info.title``.
        version: ``info.version``.
        description: ``info.description``.
        url: The ``servers`` URL, if any.
        prefix: Document only the paths starting with it (``"/api/"``).
        public: When false, each user sees only the operations they are permitted.
        generator_class: A :class:`SchemaGenerator` subclass.
        authentication_classes: Default: ``DEFAULT_AUTHENTICATION_CLASSES`` (with
            ``public=False``, they tell who the user is).
        permission_classes: Default: ``AllowAny``.
        renderer_classes: Default: ``JSONOpenAPIRenderer`` then ``JSONRenderer``.

    Example:
        ``app.add_url_rule("/openapi.json", view_func=get_schema_view(title="Shelf"))``
    """
    generator = generator_class(
        title=title, version=version, description=description, url=url, prefix=prefix
    )
    initkwargs: dict[str, Any] = {"generator": generator, "public": public}
    for key, value in (
        ("authentication_classes", authentication_classes),
        ("permission_classes", permission_classes),
        ("renderer_classes", renderer_classes),
    ):
        if value is not None:
            initkwargs[key] = list(value)
    return SchemaView.as_view(name="openapi_schema", **initkwargs)


@cache
def _docs_template() -> str:
    return resources.files(__package__).joinpath("templates/docs.html").read_text("utf-8")


def render_docs_page(schema_url: str, title: str = "API documentation") -> str:
    """The HTML of the explorer page for the document at ``schema_url``."""
    page = _docs_template()
    config = json.dumps({"schemaUrl": schema_url}).replace("<", "\\u003c")
    return page.replace("{{ title }}", str(escape(title))).replace(
        "{{ config }}", str(Markup(config))
    )


def get_docs_view(schema_url: str = "/openapi.json", title: str = "API documentation") -> Any:
    """A view function answering the interactive documentation page.

    The page is self-contained (its script and style are inline; nothing is fetched but the
    document) and reads the document at ``schema_url``. Without JavaScript it shows a link
    to the document.
    """

    def openapi_docs() -> CupolaResponse:
        return CupolaResponse(
            render_docs_page(schema_url, title),
            content_type="text/html; charset=utf-8",
            headers={
                # NOTE: inline script and style only; requests go to this origin.
                "Content-Security-Policy": "default-src 'self'; script-src 'unsafe-inline'; "
                "style-src 'unsafe-inline'; img-src 'self' data:",
            },
        )

    return openapi_docs


def add_schema_routes(
    app_or_blueprint: Any,
    schema_path: str = "/openapi.json",
    docs_path: str | None = "/api-docs/",
    **schema_options: Any,
) -> None:
    """Route the document at ``schema_path`` and, unless ``None``, the page at ``docs_path``.

    Args:
        app_or_blueprint: Where to add the rules.
        schema_path: The document's path.
        docs_path: The explorer page's path, or ``None`` for none.
        **schema_options: :func:`get_schema_view`'s arguments.
    """
    app_or_blueprint.add_url_rule(
        schema_path, "openapi_schema", view_func=get_schema_view(**schema_options)
    )
    if docs_path is not None:
        url = (getattr(app_or_blueprint, "url_prefix", None) or "") + schema_path
        title = schema_options.get("title", "API")
        app_or_blueprint.add_url_rule(
            docs_path, "openapi_docs", view_func=get_docs_view(url, f"{title} documentation")
        )


__all__ = [
    "JSONOpenAPIRenderer",
    "SchemaView",
    "add_schema_routes",
    "get_docs_view",
    "get_schema_view",
    "render_docs_page",
]
