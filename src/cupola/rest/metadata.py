"""Metadata: what an ``OPTIONS`` request to a REST view answers.

:class:`SimpleMetadata` describes the view (name, description, the media types it renders
and parses) and, for views with a serializer, the fields accepted by ``POST`` and ``PUT`` —
only for methods the requesting user passes the permission checks for.
"""

from __future__ import annotations

from typing import Any

from cupola.exceptions import HTTPException
from cupola.rest.request import Request, clone_request

# Field class names to the type reported; the first class along the field's MRO wins.
FIELD_TYPES: dict[str, str] = {
    "Field": "field",
    "BooleanField": "boolean",
    "NullBooleanField": "boolean",
    "CharField": "string",
    "UUIDField": "string",
    "URLField": "url",
    "EmailField": "email",
    "RegexField": "regex",
    "SlugField": "slug",
    "IntegerField": "integer",
    "FloatField": "float",
    "DecimalField": "decimal",
    "DateField": "date",
    "DateTimeField": "datetime",
    "TimeField": "time",
    "DurationField": "duration",
    "ChoiceField": "choice",
    "MultipleChoiceField": "multiple choice",
    "FileField": "file upload",
    "ImageField": "image upload",
    "ListField": "list",
    "DictField": "nested object",
    "Serializer": "nested object",
}

FIELD_ATTRIBUTES = (
    "read_only",
    "label",
    "help_text",
    "min_length",
    "max_length",
    "min_value",
    "max_value",
    "max_digits",
    "decimal_places",
)
"""Field attributes reported when set (not ``None`` and not ``""``)."""

_RELATED = ("RelatedField", "ManyRelatedField")


class BaseMetadata:
    """Base class of metadata policies: implement :meth:`determine_metadata`."""

    def determine_metadata(self, request: Request, view: Any) -> Any:
        """Return the data of the ``OPTIONS`` response."""
        raise NotImplementedError(".determine_metadata() must be overridden.")


def _class_names(field: Any) -> list[str]:
    return [cls.__name__ for cls in type(field).__mro__]


class SimpleMetadata(BaseMetadata):
    """``name``, ``description``, ``renders``, ``parses`` and, when allowed, ``actions``.

    Example:
        ``OPTIONS /books/`` → ``{"name": "Book List", "description": "", "renders":
        ["application/json", "text/html"], "parses": [...], "actions": {"POST": {...}}}``
    """

    def determine_metadata(self, request: Request, view: Any) -> dict[str, Any]:
        """Describe ``view`` for ``request``'s user."""
        metadata: dict[str, Any] = {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
        }
        if hasattr(view, "get_serializer"):
            actions = self.determine_actions(request, view)
            if actions:
                metadata["actions"] = actions
        return metadata

    def determine_actions(self, request: Request, view: Any) -> dict[str, Any]:
        """The fields of ``POST`` and ``PUT``, for the methods the user may use."""
        actions: dict[str, Any] = {}
        for method in ("PUT", "POST"):
            if method not in view.allowed_methods:
                continue
            view.request = clone_request(request, method)
            try:
                view.check_permissions(view.request)
                if method == "PUT" and hasattr(view, "get_object"):
                    view.get_object()
            except HTTPException:
                continue  # not allowed, or no such object: the method is not described
            finally:
                view.request = request
            actions[method] = self.get_serializer_info(view.get_serializer())
        return actions

    def get_serializer_info(self, serializer: Any) -> dict[str, Any]:
        """Each field of ``serializer`` (or of its ``child``) with its description."""
        if hasattr(serializer, "child"):
            serializer = serializer.child
        return {
            name: self.get_field_info(field)
            for name, field in serializer.fields.items()
            if "HiddenField" not in _class_names(field)
        }

    def field_type(self, field: Any) -> str:
        """The reported type of ``field``, from its class or the nearest base class."""
        for name in _class_names(field):
            if name in FIELD_TYPES:
                return FIELD_TYPES[name]
        return "field"

    def get_field_info(self, field: Any) -> dict[str, Any]:
        """``type``, ``required`` and the set attributes of ``field``."""
        info: dict[str, Any] = {
            "type": self.field_type(field),
            "required": getattr(field, "required", False),
        }
        for attribute in FIELD_ATTRIBUTES:
            value = getattr(field, attribute, None)
            if value is not None and value != "":
                info[attribute] = value if isinstance(value, bool | int | float) else str(value)
        if getattr(field, "child", None):
            info["child"] = self.get_field_info(field.child)
        elif getattr(field, "fields", None):
            info["children"] = self.get_serializer_info(field)
        related = any(name in _RELATED for name in _class_names(field))
        if not info.get("read_only") and not related and hasattr(field, "choices"):
            info["choices"] = [
                {"value": value, "display_name": str(display)}
                for value, display in field.choices.items()
            ]
        return info


__all__ = ["FIELD_TYPES", "BaseMetadata", "SimpleMetadata"]
