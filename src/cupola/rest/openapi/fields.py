"""Serializer fields as JSON Schema (the dialect of OpenAPI 3.1).

:func:`map_field` gives one field's schema: its type and format, ``enum`` for choices,
``maxLength``/``minLength``, ``minimum``/``maximum``, ``readOnly``/``writeOnly``, ``default``
and ``description``; a field that accepts ``None`` gets ``"null"`` among its types.
:func:`map_serializer` gives an object schema with the ``required`` input fields.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from typing import Any

from sqlalchemy import inspect as sa_inspect

from cupola.rest import serializers as s

_SIMPLE: list[tuple[type[Any], dict[str, Any]]] = [
    # Most specific first: EmailField is a CharField, DateTimeField is not a DateField.
    (s.BooleanField, {"type": "boolean"}),
    (s.EmailField, {"type": "string", "format": "email"}),
    (s.URLField, {"type": "string", "format": "uri"}),
    (s.UUIDField, {"type": "string", "format": "uuid"}),
    (s.DateTimeField, {"type": "string", "format": "date-time"}),
    (s.DateField, {"type": "string", "format": "date"}),
    (s.TimeField, {"type": "string", "format": "time"}),
    (s.DurationField, {"type": "string", "format": "duration"}),
    (s.FileField, {"type": "string", "format": "binary"}),
    (s.IntegerField, {"type": "integer"}),
    (s.FloatField, {"type": "number", "format": "double"}),
    (s.DictField, {"type": "object"}),
    (s.JSONField, {}),
    (s.SerializerMethodField, {}),
    (s.ReadOnlyField, {}),
]


def _enum(choices: Any) -> list[Any]:
    return list(dict(choices).keys()) if choices else []


def _decimal(field: Any, coerce_to_string: bool) -> dict[str, Any]:
    as_string = getattr(field, "coerce_to_string", None)
    if as_string is None:
        as_string = coerce_to_string
    if as_string:
        schema: dict[str, Any] = {"type": "string", "format": "decimal"}
        places = getattr(field, "decimal_places", None)
        digits = getattr(field, "max_digits", None)
        if places is not None and digits is not None:
            # At least one digit before the point: every text it matches is a valid value.
            whole = max(digits - places, 1)
            fraction = rf"(?:\.\d{{1,{places}}})?" if places else ""
            schema["pattern"] = rf"^-?\d{{1,{whole}}}{fraction}$"
        return schema
    schema = {"type": "number"}
    if getattr(field, "max_digits", None) is not None:
        places = getattr(field, "decimal_places", 0) or 0
        schema["exclusiveMaximum"] = int(10 ** (field.max_digits - places))
        schema["exclusiveMinimum"] = -schema["exclusiveMaximum"]
    return schema


def _related(field: Any) -> dict[str, Any]:
    """A related object's key: an integer for an integer primary key, else a string."""
    if isinstance(field, s.StringRelatedField):
        return {"type": "string"}
    if isinstance(field, s.SlugRelatedField):
        return {"type": "string"}
    queryset = getattr(field, "queryset", None)
    try:
        entity = queryset.column_descriptions[0]["entity"] if queryset is not None else None
        column = sa_inspect(entity).primary_key[0] if entity is not None else None
        python_type = column.type.python_type if column is not None else str
    except Exception:  # NOTE: any unusual statement or type documents as a string
        python_type = str
    return {"type": "integer"} if python_type is int else {"type": "string"}


def _base_schema(field: Any, coerce_decimal: bool, nested: Callable[[Any], Any]) -> dict[str, Any]:
    """The type part of ``field``'s schema."""
    if isinstance(field, s.ListSerializer | s.ManyRelatedField | s.ListField):
        child = getattr(field, "child", None) or getattr(field, "child_relation", None)
        items = map_field(child, coerce_decimal, nested) if child is not None else {}
        return {"type": "array", "items": items}
    if isinstance(field, s.BaseSerializer):
        result: dict[str, Any] = nested(field)
        return result
    if isinstance(field, s.MultipleChoiceField):
        return {"type": "array", "items": {"enum": _enum(field.choices)}}
    if isinstance(field, s.ChoiceField):
        return {"enum": _enum(field.choices)}
    if isinstance(field, s.RelatedField):
        return _related(field)
    if isinstance(field, s.DecimalField):
        return _decimal(field, coerce_decimal)
    for field_class, schema in _SIMPLE:
        if isinstance(field, field_class):
            return dict(schema)
    return {"type": "string"}


def _string_limits(field: Any, schema: dict[str, Any]) -> None:
    if getattr(field, "max_length", None) is not None:
        schema["maxLength"] = field.max_length
    min_length = getattr(field, "min_length", None)
    if min_length is None and getattr(field, "allow_blank", True) is False:
        min_length = 1
    if min_length:
        schema["minLength"] = min_length
    for validator in getattr(field, "validators", ()):
        regex = getattr(validator, "regex", None)
        if regex is not None and not getattr(validator, "inverse_match", False):
            schema["pattern"] = getattr(regex, "pattern", regex)


def _validators(field: Any, schema: dict[str, Any]) -> None:
    """Add the limits the field checks (lengths, ranges, patterns)."""
    kind = schema.get("type")
    if kind == "string" and "format" not in schema:
        _string_limits(field, schema)
    if kind == "array":
        if getattr(field, "max_length", None) is not None:
            schema["maxItems"] = field.max_length
        if getattr(field, "min_length", None) is not None:
            schema["minItems"] = field.min_length
    if kind in ("integer", "number"):
        for attribute, key in (("max_value", "maximum"), ("min_value", "minimum")):
            value = getattr(field, attribute, None)
            if isinstance(value, int | float | decimal.Decimal):
                schema[key] = int(value) if kind == "integer" else float(value)


def _allow_null(schema: dict[str, Any]) -> None:
    """Add ``null`` to the accepted types or values (OpenAPI 3.1 has no ``nullable``)."""
    if "enum" in schema:
        if None not in schema["enum"]:
            schema["enum"] = [*schema["enum"], None]
        return
    kind = schema.get("type")
    if isinstance(kind, str):
        schema["type"] = [kind, "null"]
    elif "$ref" in schema:
        ref = schema.pop("$ref")
        schema["oneOf"] = [{"$ref": ref}, {"type": "null"}]


def map_field(
    field: Any, coerce_decimal: bool = True, nested: Callable[[Any], Any] | None = None
) -> dict[str, Any]:
    """The JSON Schema of one serializer field.

    Args:
        field: A bound serializer field.
        coerce_decimal: ``COERCE_DECIMAL_TO_STRING``: decimals are strings.
        nested: Called with a nested serializer for its schema (default: inline).
    """
    nested = nested or (lambda serializer: map_serializer(serializer, coerce_decimal))
    schema = _base_schema(field, coerce_decimal, nested)
    _validators(field, schema)
    if getattr(field, "allow_null", False):
        _allow_null(schema)
    if field.read_only:
        schema["readOnly"] = True
    if field.write_only:
        schema["writeOnly"] = True
    default = field.default
    if default is not s.empty and not callable(default) and _is_json(default):
        schema["default"] = default
    if field.help_text:
        schema["description"] = str(field.help_text)
    return schema


def _is_json(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def map_serializer(
    serializer: Any, coerce_decimal: bool = True, nested: Callable[[Any], Any] | None = None
) -> dict[str, Any]:
    """The object schema of ``serializer``: its fields as properties, and ``required``."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name, field in serializer.fields.items():
        if isinstance(field, s.HiddenField):
            continue
        if field.required and not field.read_only:
            required.append(name)
        properties[name] = map_field(field, coerce_decimal, nested)
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


__all__ = ["map_field", "map_serializer"]
