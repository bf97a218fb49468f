"""Bound fields: a serializer field with its value and errors, for rendering forms.

``serializer["title"]`` (and iterating over a serializer) gives a ``BoundField``: the
field's attributes plus ``.value``, ``.errors`` and ``.name``, as DRF gives the browsable
API and HTML form renderers. A nested serializer gives a ``NestedBoundField`` to index in
turn; a ``JSONField`` shows its value as indented JSON in a form.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["BoundField", "JSONBoundField", "NestedBoundField", "bound_field"]


class BoundField:
    """A field with the value and errors one serializer instance holds for it.

    Args:
        field: The bound serializer field.
        value: Its value in the serializer's ``data``.
        errors: Its errors, if any.
        prefix: The names of enclosing fields, dotted (``"author."``).
    """

    def __init__(self, field: Any, value: Any, errors: Any, prefix: str = "") -> None:
        self._field = field
        self._prefix = prefix
        self.value = value
        self.errors = errors
        self.name = prefix + field.field_name

    def __getattr__(self, name: str) -> Any:
        return getattr(self._field, name)

    @property
    def _proxy_class(self) -> type:
        return type(self._field)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} value={self.value} errors={self.errors}>"

    def as_form_field(self) -> BoundField:
        """The same field with a value fit for an HTML input (``None``/``False`` → ``""``)."""
        value = "" if self.value is None or self.value is False else self.value
        return type(self)(self._field, value, self.errors, self._prefix)


class JSONBoundField(BoundField):
    """A ``JSONField`` whose form value is indented JSON text."""

    def as_form_field(self) -> BoundField:
        """The field with its value as JSON text, unless it came from a form as text."""
        value = self.value
        if not isinstance(value, str):
            try:
                value = json.dumps(value, sort_keys=True, indent=4, separators=(",", ": "))
            except (TypeError, ValueError):
                value = self.value
        return type(self)(self._field, value, self.errors, self._prefix)


class NestedBoundField(BoundField):
    """A nested serializer as a bound field: index it by field name, or iterate."""

    def __init__(self, field: Any, value: Any, errors: Any, prefix: str = "") -> None:
        if not isinstance(value, Mapping):
            value = {}
        super().__init__(field, value, errors, prefix)

    def __iter__(self) -> Iterator[BoundField]:
        for field in self.fields.values():
            yield self[field.field_name]

    def __getitem__(self, key: str) -> BoundField:
        field = self.fields[key]
        value = self.value.get(key) if self.value else None
        error = self.errors.get(key) if isinstance(self.errors, dict) else None
        return bound_field(field, value, error, prefix=self.name + ".")

    def as_form_field(self) -> BoundField:
        """The nested values as form text (lists and dicts kept)."""
        values = {
            key: value
            if isinstance(value, list | dict)
            else ("" if value is None or value is False else str(value))
            for key, value in self.value.items()
        }
        return type(self)(self._field, values, self.errors, self._prefix)


def bound_field(field: Any, value: Any, errors: Any, prefix: str = "") -> BoundField:
    """The bound field kind that suits ``field``: nested, JSON or plain."""
    if hasattr(field, "fields"):
        return NestedBoundField(field, value, errors, prefix)
    if getattr(field, "_is_jsonfield", False):
        return JSONBoundField(field, value, errors, prefix)
    return BoundField(field, value, errors, prefix)
