"""OpenAPI 3.1 for REST views: a generator, the document's view and an explorer page.

Example:
    >>> from cupola.rest.openapi import get_schema_view, get_docs_view
    >>> # app.add_url_rule("/openapi.json", view_func=get_schema_view(title="Shelf"))
    >>> # app.add_url_rule("/api-docs/", view_func=get_docs_view("/openapi.json"))
"""

from __future__ import annotations

from cupola.rest.openapi.fields import map_field, map_serializer
from cupola.rest.openapi.generator import SchemaGenerator, converter_schema, openapi_path
from cupola.rest.openapi.inspectors import AutoSchema, security_scheme
from cupola.rest.openapi.views import (
    JSONOpenAPIRenderer,
    SchemaView,
    add_schema_routes,
    get_docs_view,
    get_schema_view,
    render_docs_page,
)

__all__ = [
    "AutoSchema",
    "JSONOpenAPIRenderer",
    "SchemaGenerator",
    "SchemaView",
    "add_schema_routes",
    "converter_schema",
    "get_docs_view",
    "get_schema_view",
    "map_field",
    "map_serializer",
    "openapi_path",
    "render_docs_page",
    "security_scheme",
]
