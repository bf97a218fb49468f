"""``AutoSchema``: the OpenAPI operation of one view and method, read from the view's classes.

A view's ``schema`` attribute (an :class:`AutoSchema`, the default) describes each of its
operations: ``operationId``, path parameters (typed by their converters or the model's
primary key), query parameters (pagination, filters, versioning), the request body and the
responses from the serializer, the security requirements from the authentication classes,
and the 4xx answers the view's policies can give.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import inspect as sa_inspect

from cupola.rest import authentication, permissions, versioning
from cupola.rest.openapi.fields import map_field, map_serializer
from cupola.rest.renderers import BrowsableAPIRenderer

_ACTIONS = {"get": "retrieve", "post": "create", "put": "update", "patch": "partialUpdate"}
_ACTIONS["delete"] = "destroy"
_FILTERED_ACTIONS = ("list", "retrieve", "update", "partial_update", "destroy")
_ERROR_REF = {"$ref": "#/components/schemas/Error"}
_SAFE = ("GET", "HEAD", "OPTIONS")


def _camel(name: str) -> str:
    head, *rest = [part for part in re.split(r"[_\-\s]+", name) if part]
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class AutoSchema:
    """The OpenAPI description of a view, worked out from its attributes.

    Args:
        tags: The operations' tags (default: the path's first segment after any prefix
            variable).
        operation_id_base: The noun of the operation ids (default: the model's or the
            serializer's name): ``list<Base>s``, ``retrieve<Base>``, …
        component_name: The name of the serializer's schema under ``components``.
    """

    def __init__(
        self,
        tags: list[str] | None = None,
        operation_id_base: str | None = None,
        component_name: str | None = None,
    ) -> None:
        self._tags = tags
        self.operation_id_base = operation_id_base
        self.component_name = component_name
        self.view: Any = None
        self.components: dict[str, Any] = {}

    # -- the operation ----------------------------------------------------------------------

    def get_operation(self, path: str, method: str, path_types: dict[str, Any]) -> dict[str, Any]:
        """The operation object of ``method`` on ``path`` (the view is ``self.view``)."""
        operation: dict[str, Any] = {"operationId": self.get_operation_id(path, method)}
        description = self.view.get_view_description()
        if description:
            operation["description"] = description
        parameters = self.get_path_parameters(path, path_types)
        parameters += self.get_query_parameters(path, method)
        if parameters:
            operation["parameters"] = parameters
        body = self.get_request_body(path, method)
        if body:
            operation["requestBody"] = body
        operation["responses"] = self.get_responses(path, method)
        operation["tags"] = self.get_tags(path, method)
        security = self.get_security(method)
        if security is not None:
            operation["security"] = security
        return operation

    def get_action(self, method: str) -> str:
        """The view's action for ``method`` (``list`` for a GET on a list view)."""
        action = getattr(self.view, "action", None)
        if action:
            return str(action)
        if method.lower() == "get" and self.is_list(method):
            return "list"
        name = _ACTIONS.get(method.lower(), method.lower())
        return "partial_update" if name == "partialUpdate" else name

    def is_list(self, method: str) -> bool:
        """Whether ``method`` answers a list of objects."""
        action = getattr(self.view, "action", None)
        if action is not None:
            return bool(action == "list")
        if method.lower() != "get" or not hasattr(self.view, "list"):
            return False
        lookup = getattr(self.view, "lookup_url_kwarg", None) or getattr(
            self.view, "lookup_field", None
        )
        return lookup not in self._path_variables

    def get_operation_id_base(self, action: str) -> str:
        """The noun of the operation ids: the model's name, else the serializer's or view's."""
        if self.operation_id_base:
            return self.operation_id_base
        model = self._model()
        if model is not None:
            return str(model.__name__)
        serializer = self.get_serializer_class()
        if serializer is not None:
            name = str(serializer.__name__)
            return name[: -len("Serializer")] if name.endswith("Serializer") else name
        name = type(self.view).__name__
        for suffix in ("APIView", "ViewSet", "View"):
            if name.endswith(suffix) and len(name) > len(suffix):
                return name[: -len(suffix)]
        return name

    def get_operation_id(self, path: str, method: str) -> str:
        """``list<Name>s``, ``retrieve<Name>``, ``create<Name>``… or ``<action><Name>``."""
        action = self.get_action(method)
        base = self.get_operation_id_base(action)
        if action == "list" and not base.endswith("s"):
            base += "s"
        verb = _camel(action)
        return verb + base[:1].upper() + base[1:]

    def get_tags(self, path: str, method: str) -> list[str]:
        """The operation's tags: the first fixed path segment after the common prefix."""
        if self._tags:
            return list(self._tags)
        parts = [part for part in path.strip("/").split("/") if part and "{" not in part]
        return [parts[min(self._prefix_depth, len(parts) - 1)]] if parts else ["default"]

    # -- parameters ---------------------------------------------------------------------------

    _path_variables: tuple[str, ...] = ()
    _prefix_depth = 0
    _renamed: dict[str, str] = {}  # document name -> URL name

    def get_path_parameters(self, path: str, path_types: dict[str, Any]) -> list[dict[str, Any]]:
        """One parameter per ``{variable}`` of ``path``, typed by its converter or model."""
        parameters = []
        for name in re.findall(r"{(\w+)}", path):
            schema = dict(path_types.get(name) or {"type": "string"})
            description = self._path_description(name, schema)
            parameter: dict[str, Any] = {
                "name": name,
                "in": "path",
                "required": True,
                "schema": schema,
            }
            if description:
                parameter["description"] = description
            parameters.append(parameter)
        return parameters

    def _path_description(self, name: str, schema: dict[str, Any]) -> str:
        versioning_class = getattr(self.view, "versioning_class", None)
        if versioning_class is not None and issubclass(
            versioning_class, versioning.URLPathVersioning
        ):
            scheme = versioning_class()
            if name == scheme.version_param:
                if scheme.allowed_versions:
                    schema.clear()
                    schema.update({"type": "string", "enum": list(scheme.allowed_versions)})
                return "The API version."
        lookup = getattr(self.view, "lookup_url_kwarg", None) or getattr(
            self.view, "lookup_field", None
        )
        model = self._model()
        if self._renamed.get(name, name) != lookup or model is None:
            return ""
        try:
            column = sa_inspect(model).primary_key[0]
            integer = column.type.python_type is int
        except Exception:  # NOTE: unusual key types document as strings
            integer = False
        if integer and getattr(self.view, "lookup_field", "pk") in ("pk", column.key):
            schema.clear()
            schema["type"] = "integer"
        words = re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()
        kind = "integer value" if schema.get("type") == "integer" else "value"
        return f"A unique {kind} identifying this {words}."

    def get_query_parameters(self, path: str, method: str) -> list[dict[str, Any]]:
        """Pagination, filter and query-parameter versioning parameters."""
        parameters: list[dict[str, Any]] = []
        action = self.get_action(method)
        if self.is_list(method):
            paginator = getattr(self.view, "paginator", None)
            if paginator is not None:
                parameters += paginator.get_schema_operation_parameters(self.view)
        backends = getattr(self.view, "filter_backends", None) or ()
        if backends and (action in _FILTERED_ACTIONS or self.is_list(method)):
            for backend in backends:
                parameters += backend().get_schema_operation_parameters(self.view)
        versioning_class = getattr(self.view, "versioning_class", None)
        if versioning_class is not None and issubclass(
            versioning_class, versioning.QueryParameterVersioning
        ):
            scheme = versioning_class()
            schema: dict[str, Any] = {"type": "string"}
            if scheme.allowed_versions:
                schema["enum"] = list(scheme.allowed_versions)
            parameters.append(
                {"name": scheme.version_param, "in": "query", "required": False, "schema": schema}
            )
        return parameters

    # -- bodies -------------------------------------------------------------------------------

    def get_serializer_class(self) -> Any:
        """The view's serializer class, or ``None`` (views without one)."""
        get = getattr(self.view, "get_serializer_class", None)
        if get is None:
            return None
        try:
            return get()
        except Exception:  # NOTE: a view whose serializer needs a real request
            return None

    def get_serializer(self) -> Any:
        """An unbound serializer instance of the view, or ``None``."""
        serializer_class = self.get_serializer_class()
        if serializer_class is None:
            return None
        context = {"request": getattr(self.view, "request", None), "view": self.view}
        return serializer_class(context=context)

    def get_component_name(self, serializer: Any) -> str:
        """The serializer's name under ``components/schemas`` (without ``Serializer``)."""
        if self.component_name:
            return self.component_name
        name = type(serializer).__name__
        if name.endswith("Serializer") and len(name) > len("Serializer"):
            name = name[: -len("Serializer")]
        return name

    def get_reference(self, serializer: Any) -> dict[str, Any]:
        """A ``$ref`` to the serializer's component (added to ``self.components``)."""
        name = self.get_component_name(serializer)
        if name not in self.components:
            self.components[name] = {}  # reserved first: a serializer may nest itself
            self.components[name] = map_serializer(
                serializer, self._coerce_decimal(), self.get_reference
            )
        return {"$ref": f"#/components/schemas/{name}"}

    def _coerce_decimal(self) -> bool:
        settings = getattr(self.view, "settings", None)
        return bool(settings.get("COERCE_DECIMAL_TO_STRING")) if settings is not None else True

    def _model(self) -> Any:
        model = getattr(self.view, "model", None)
        if model is not None:
            return model
        queryset = getattr(self.view, "queryset", None)
        try:
            return queryset.column_descriptions[0]["entity"] if queryset is not None else None
        except (AttributeError, IndexError, KeyError):
            return None

    def get_request_body(self, path: str, method: str) -> dict[str, Any] | None:
        """The request body of POST, PUT and PATCH: the serializer, in each parsed type."""
        if method.upper() not in ("POST", "PUT", "PATCH"):
            return None
        serializer = self.get_serializer()
        if serializer is None:
            schema: dict[str, Any] = {}
        else:
            schema = self.get_reference(serializer)
        media_types = [parser.media_type for parser in self.view.parser_classes]
        return {"content": {media: {"schema": schema} for media in media_types}}

    # -- responses ----------------------------------------------------------------------------

    def response_media_types(self) -> list[str]:
        """The media types the view renders, browser pages left out."""
        types = [
            renderer.media_type
            for renderer in self.view.renderer_classes
            if not issubclass(renderer, BrowsableAPIRenderer)
        ]
        return types or ["application/json"]

    def _content(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {media: {"schema": schema} for media in self.response_media_types()}

    def get_success_schema(self, method: str) -> dict[str, Any]:
        """The schema of the successful answer's body."""
        serializer = self.get_serializer()
        if serializer is None:
            return {}
        item = self.get_reference(serializer)
        if not self.is_list(method):
            return item
        schema: dict[str, Any] = {"type": "array", "items": item}
        paginator = getattr(self.view, "paginator", None)
        if paginator is not None:
            paged: dict[str, Any] = paginator.get_paginated_response_schema(schema)
            return paged
        return schema

    def get_responses(self, path: str, method: str) -> dict[str, Any]:
        """The success answer and the 4xx answers the view's policies can give."""
        method = method.upper()
        responses: dict[str, Any] = {}
        if method == "DELETE":
            responses["204"] = {"description": "No content."}
        else:
            code = "201" if method == "POST" and self.get_action(method) == "create" else "200"
            responses[code] = {
                "description": "",
                "content": self._content(self.get_success_schema(method)),
            }
        for code, description in self.get_error_responses(path, method):
            schema = (
                {"$ref": "#/components/schemas/ValidationError"} if code == "400" else _ERROR_REF
            )
            responses[code] = {"description": description, "content": self._content(schema)}
        return responses

    def get_error_responses(self, path: str, method: str) -> list[tuple[str, str]]:
        """``(status, description)`` of the errors this operation can answer."""
        errors: list[tuple[str, str]] = []
        if method in ("POST", "PUT", "PATCH"):
            errors.append(("400", "Invalid input."))
        else:  # a malformed query (control characters, a bad filter value…)
            errors.append(("400", "Malformed request."))
        if self._needs_login(method) is not False:
            if self._authentication_classes():
                errors.append(("401", "Authentication required or failed."))
            errors.append(("403", "Permission denied."))
        if self._path_variables or self.is_list(method):
            errors.append(("404", "Not found."))
        errors.append(("406", "Could not satisfy the request Accept header."))
        if method in ("POST", "PUT", "PATCH"):
            errors.append(("415", "Unsupported media type."))
        if list(getattr(self.view, "throttle_classes", None) or ()):
            errors.append(("429", "Request was throttled."))
        return errors

    # -- security -----------------------------------------------------------------------------

    def _authentication_classes(self) -> list[Any]:
        return list(getattr(self.view, "authentication_classes", None) or ())

    def _needs_login(self, method: str) -> bool | None:
        """``True``: only authenticated users; ``False``: anyone; ``None``: it depends."""
        classes = list(getattr(self.view, "permission_classes", None) or ())
        if not classes or all(c is permissions.AllowAny for c in classes):
            return False
        strict = (permissions.IsAuthenticated, permissions.IsAdminUser)
        if any(isinstance(c, type) and issubclass(c, strict) for c in classes):
            return True
        if all(c is permissions.IsAuthenticatedOrReadOnly for c in classes):
            return method not in _SAFE
        return None

    def get_security(self, method: str) -> list[dict[str, list[str]]] | None:
        """The operation's security requirements, from its authentication classes."""
        names = [
            name
            for name in (security_scheme_name(c) for c in self._authentication_classes())
            if name is not None
        ]
        if not names:
            return None
        requirements: list[dict[str, list[str]]] = [{name: []} for name in names]
        if self._needs_login(method) is not True:
            requirements.append({})
        return requirements


def security_scheme_name(authentication_class: Any) -> str | None:
    """The name of an authentication class's security scheme (``None`` when unknown)."""
    known = security_scheme(authentication_class)
    return None if known is None else authentication_class.__name__.removesuffix("Authentication")


def security_scheme(authentication_class: Any) -> dict[str, Any] | None:
    """The OpenAPI security scheme of an authentication class, or ``None``.

    A class may declare its own with an ``openapi_security_scheme`` attribute.
    """
    declared = getattr(authentication_class, "openapi_security_scheme", None)
    if declared is not None:
        return dict(declared)
    if issubclass(authentication_class, authentication.BasicAuthentication):
        return {"type": "http", "scheme": "basic"}
    if issubclass(authentication_class, authentication.TokenAuthentication):
        keyword = authentication_class.keyword
        if keyword.lower() == "bearer":
            return {"type": "http", "scheme": "bearer"}
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": f'The token with its keyword: "{keyword} <key>".',
        }
    if issubclass(authentication_class, authentication.SessionAuthentication):
        return {"type": "apiKey", "in": "cookie", "name": "session"}
    return None


__all__ = ["AutoSchema", "map_field", "security_scheme"]
