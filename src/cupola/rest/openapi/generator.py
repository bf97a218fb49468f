"""``SchemaGenerator``: the OpenAPI 3.1 document of an app's REST views.

It walks the app's routing rules once, keeps those served by REST views (``APIView`` and
viewset view functions), and asks each view's :class:`~cupola.rest.openapi.AutoSchema` for
its operations. Paths are written in OpenAPI's template syntax (``/books/{pk}/``) and each
path variable is typed by its converter (``int`` → integer, ``uuid`` → a uuid string…).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import inspect as sa_inspect

from cupola.context import get_app_context
from cupola.rest.openapi.inspectors import AutoSchema, security_scheme, security_scheme_name
from cupola.rest.views import APIView
from cupola.routing import converters

if TYPE_CHECKING:
    from cupola.app import Cupola

_IGNORED_METHODS = ("HEAD", "OPTIONS", "TRACE")
_METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "description": "Field errors (each field's messages, or `non_field_errors`), a list of "
    "messages, or `detail`.",
    "type": ["object", "array"],
    "additionalProperties": True,
    "items": {"type": "string"},
}


def converter_schema(converter: Any) -> dict[str, Any]:
    """The JSON Schema of the values a path converter accepts."""
    if isinstance(converter, converters.IntegerConverter):
        return {"type": "integer", "minimum": converter.min, "maximum": converter.max}
    if isinstance(converter, converters.FloatConverter):
        return {"type": "number"}
    if isinstance(converter, converters.UUIDConverter):
        return {"type": "string", "format": "uuid"}
    if isinstance(converter, converters.AnyConverter):
        return {"type": "string", "enum": sorted(converter.items)}
    if isinstance(converter, converters.SlugConverter):
        return {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}
    if isinstance(converter, converters.LookupConverter):
        return {"type": "string", "pattern": "^[^/.]+$"}
    if isinstance(converter, converters.PathConverter):
        return {"type": "string"}
    return {"type": "string", "pattern": "^[^/]+$"}


def openapi_path(rule: Any) -> tuple[str, dict[str, dict[str, Any]]]:
    """A Cupola rule as an OpenAPI path template, and the schema of each variable."""
    parts: list[str] = []
    types: dict[str, dict[str, Any]] = {}
    for segment in rule.segments:
        if isinstance(segment, str):
            parts.append(segment)
            continue
        parts.append(f"{segment.prefix}{{{segment.name}}}{segment.suffix}")
        types[segment.name] = converter_schema(segment.converter)
    return "/" + "/".join(parts), types


def _view_methods(view_func: Any) -> list[str]:
    """The HTTP methods a REST view function documents (HEAD and OPTIONS left out)."""
    actions = getattr(view_func, "actions", None)
    if actions is not None:
        methods = [m.upper() for m in actions]
    else:
        cls = view_func.view_class
        methods = [
            m.upper()
            for m in cls.http_method_names
            if getattr(cls, m, None) is not None and getattr(APIView, m, None) is None
        ]
    chosen = [m for m in methods if m not in _IGNORED_METHODS]
    return sorted(chosen, key=lambda m: _METHOD_ORDER.index(m) if m in _METHOD_ORDER else 9)


def _excluded(view_class: type[Any]) -> bool:
    """A view that sets ``schema = None`` itself (``@schema(None)``) stays out."""
    classes = view_class.__mro__
    for cls in classes[: classes.index(APIView)]:
        if "schema" in vars(cls):
            return vars(cls)["schema"] is None
    return False


class SchemaGenerator:
    """Build the OpenAPI 3.1 document of the current app's REST views.

    Args:
        title: ``info.title``.
        version: ``info.version``, the API's own version (not OpenAPI's).
        description: ``info.description``.
        url: A base URL for ``servers`` (none by default: the paths are absolute).
        patterns: Routing rules to document (default: every rule of the current app).
        prefix: Only rules whose path starts with ``prefix`` (``"/api/"``).
    """

    openapi_version = "3.1.0"

    def __init__(
        self,
        title: str = "API",
        version: str = "1.0.0",
        description: str = "",
        url: str | None = None,
        patterns: Iterable[Any] | None = None,
        prefix: str = "",
    ) -> None:
        self.title = title
        self.version = version
        self.description = description
        self.url = url
        self.patterns = patterns
        self.prefix = prefix

    def get_info(self) -> dict[str, Any]:
        """The ``info`` object."""
        info: dict[str, Any] = {"title": self.title, "version": self.version}
        if self.description:
            info["description"] = self.description
        return info

    def rest_rules(self) -> list[Any]:
        """The routing rules served by REST views, in registration order."""
        patterns = self.patterns
        if patterns is None:
            patterns = cast("Cupola", get_app_context().app).iter_rules()
        found = []
        for rule in patterns:
            view = getattr(getattr(rule, "target", None), "view", None)
            view_class = getattr(view, "view_class", None)
            if view_class is None or not issubclass(view_class, APIView):
                continue
            if getattr(rule, "websocket", False) or not rule.rule.startswith(self.prefix):
                continue
            if not _excluded(view_class):
                found.append((rule, view))
        return found

    def create_view(self, view_func: Any, method: str, request: Any = None) -> Any:
        """A view instance set up as for a ``method`` request (without running it)."""
        view = view_func.view_class(**view_func.view_initkwargs)
        actions = getattr(view_func, "actions", None)
        if actions is not None:
            view.action_map = actions
            view.action = actions.get(method.lower())
        view.args, view.kwargs, view.format_kwarg = (), {}, None
        if request is not None:
            view.request = request
        return view

    def get_schema(self, request: Any = None, public: bool = True) -> dict[str, Any]:
        """The OpenAPI document.

        Args:
            request: The REST request asking (its user and version reach the views).
            public: Document every view; when false, only the operations whose permissions
                let ``request``'s user in.
        """
        paths: dict[str, dict[str, Any]] = {}
        components: dict[str, Any] = {}
        schemes: dict[str, Any] = {}
        operation_ids: set[str] = set()
        rules = self.rest_rules()
        depth = _common_depth([openapi_path(rule)[0] for rule, _ in rules])
        for rule, view_func in rules:
            for method in _view_methods(view_func):
                view = self.create_view(view_func, method, request)
                if not public and not _allowed(view, request, method):
                    continue
                inspector = self.get_inspector(view)
                path, types = self.coerce_path(*openapi_path(rule), inspector)
                inspector._prefix_depth = depth
                inspector.components = components
                operation = inspector.get_operation(path, method, types)
                _unique_id(operation, operation_ids)
                paths.setdefault(path, {})[method.lower()] = operation
                for cls in inspector._authentication_classes():
                    name, scheme = security_scheme_name(cls), security_scheme(cls)
                    if name is not None and scheme is not None:
                        schemes[name] = self._adapt_scheme(scheme)
        return self.build_document(paths, components, schemes)

    def coerce_path(
        self, path: str, types: dict[str, Any], inspector: AutoSchema
    ) -> tuple[str, dict[str, Any]]:
        """Name a ``pk`` lookup after the model's key (``{id}``) with ``SCHEMA_COERCE_PATH_PK``.

        The inspector keeps the URL's own names for its lookups.
        """
        inspector._path_variables = tuple(types)
        view = inspector.view
        settings = getattr(view, "settings", None)
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
        model = inspector._model()
        if settings is None or not settings.get("SCHEMA_COERCE_PATH_PK"):
            return path, types
        if lookup != "pk" or "pk" not in types or model is None:
            return path, types
        try:
            key = sa_inspect(model).primary_key[0].key
        except Exception:  # NOTE: not a mapped class: keep the URL's name
            return path, types
        if key in types:
            return path, types
        inspector._renamed = {key: "pk"}
        renamed = {(key if name == "pk" else name): schema for name, schema in types.items()}
        return path.replace("{pk}", "{" + key + "}"), renamed

    def get_inspector(self, view: Any) -> AutoSchema:
        """The view's :class:`AutoSchema` (its ``schema`` attribute, else a new one)."""
        declared = getattr(view, "schema", None)
        inspector = declared if isinstance(declared, AutoSchema) else AutoSchema()
        inspector.view = view
        return inspector

    def _adapt_scheme(self, scheme: dict[str, Any]) -> dict[str, Any]:
        if scheme.get("in") == "cookie" and scheme.get("name") == "session":
            with contextlib.suppress(LookupError, RuntimeError):
                scheme["name"] = get_app_context().app.config["SESSION_COOKIE_NAME"]
        return scheme

    def build_document(
        self, paths: dict[str, Any], components: dict[str, Any], schemes: dict[str, Any]
    ) -> dict[str, Any]:
        """Assemble the document from its parts."""
        paths = upgrade_nullable(paths)
        components = upgrade_nullable(components)
        schemas = {**components, "Error": ERROR_SCHEMA, "ValidationError": VALIDATION_ERROR_SCHEMA}
        document: dict[str, Any] = {
            "openapi": self.openapi_version,
            "info": self.get_info(),
            "paths": paths,
            "components": {"schemas": dict(sorted(schemas.items()))},
        }
        if schemes:
            document["components"]["securitySchemes"] = schemes
        if self.url:
            document["servers"] = [{"url": self.url}]
        return document


def upgrade_nullable(value: Any) -> Any:
    """OpenAPI 3.0's ``nullable: true`` (still written by some classes) as 3.1's ``null`` type."""
    if isinstance(value, list):
        return [upgrade_nullable(item) for item in value]
    if not isinstance(value, dict):
        return value
    out = {key: upgrade_nullable(item) for key, item in value.items() if key != "nullable"}
    if value.get("nullable") is True:
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
        elif isinstance(kind, list) and "null" not in kind:
            out["type"] = [*kind, "null"]
    return out


def _common_depth(paths: list[str]) -> int:
    """How many fixed leading segments every path shares (``/api/`` → 1)."""
    fixed = [[p for p in path.strip("/").split("/") if p and "{" not in p] for path in paths]
    if len(fixed) < 2:
        return 0
    depth = 0
    while all(len(parts) > depth for parts in fixed) and len({p[depth] for p in fixed}) == 1:
        depth += 1
    return depth


def _allowed(view: Any, request: Any, method: str) -> bool:
    """Whether ``request``'s user may send ``method`` to the view."""
    if request is None:
        return True
    original = request.method
    request.method = method
    try:
        view.check_permissions(request)
    except Exception:  # NOTE: any refusal hides the operation from this user
        return False
    finally:
        request.method = original
    return True


def _unique_id(operation: dict[str, Any], seen: set[str]) -> None:
    """Make ``operationId`` unique in the document (``listBooks2`` for a second one)."""
    base = operation["operationId"]
    candidate, number = base, 1
    while candidate in seen:
        number += 1
        candidate = f"{base}{number}"
    seen.add(candidate)
    operation["operationId"] = candidate


__all__ = ["SchemaGenerator", "converter_schema", "openapi_path"]
