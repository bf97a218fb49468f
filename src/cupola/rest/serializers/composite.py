"""Serializer fields built from other fields or from the serializer itself.

``ListField`` and ``DictField`` validate each item with a ``child`` field; ``JSONField``
takes any JSON; ``ReadOnlyField``, ``HiddenField`` and ``SerializerMethodField`` are DRF's
fields that only read, only write a default, or ask a ``get_<name>`` method of the
serializer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from cupola.exceptions import ImproperlyConfigured
from cupola.rest.exceptions import ValidationError
from cupola.rest.serializers.base import (
    Field,
    empty,
    is_html_input,
    parse_html_dict,
    parse_html_list,
)

__all__ = [
    "DictField",
    "HiddenField",
    "JSONField",
    "ListField",
    "ReadOnlyField",
    "SerializerMethodField",
]


class _UnvalidatedField(Field):
    """The default child of ``ListField``/``DictField``: any value, as it is."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.allow_blank = True
        self.allow_null = True

    def to_internal_value(self, data: Any) -> Any:
        return data

    def to_representation(self, value: Any) -> Any:
        return value


def _take_child(field: Field, kwargs: dict[str, Any]) -> Field:
    child: Field | None = kwargs.pop("child", None)
    if child is None:
        return _UnvalidatedField()
    if isinstance(child, type):
        raise ImproperlyConfigured("`child` has not been instantiated.")
    if child._declared_source is not None:
        raise ImproperlyConfigured(
            "The `source` argument is not meaningful when applied to a `child=` field. Remove "
            "`source=` from the field declaration."
        )
    return child


class _Container(Field):
    """A field with a ``child`` field that validates each item."""

    child: Field

    def _copy(self) -> Any:
        clone = super()._copy()
        clone.child = self.child._copy()
        clone.child.bind("", clone)
        return clone


class ListField(_Container):
    """A list, each item validated by ``child``.

    Args:
        child: The field of one item (default: any value).
        allow_empty: Whether ``[]`` is valid.
        min_length: The fewest items.
        max_length: The most items.
        **kwargs: The ``Field`` options.
    """

    initial: Any = []
    default_error_messages: ClassVar[dict[str, str]] = {
        "not_a_list": 'Expected a list of items but got type "{input_type}".',
        "empty": "This list may not be empty.",
        "min_length": "Ensure this field has at least {min_length} elements.",
        "max_length": "Ensure this field has no more than {max_length} elements.",
    }

    def __init__(self, **kwargs: Any) -> None:
        from cupola.rest.serializers.validators import MaxLengthValidator, MinLengthValidator

        self.child = _take_child(self, kwargs)
        self.allow_empty: bool = kwargs.pop("allow_empty", True)
        self.max_length: int | None = kwargs.pop("max_length", None)
        self.min_length: int | None = kwargs.pop("min_length", None)
        super().__init__(**kwargs)
        self.child.bind("", self)
        if self.max_length is not None:
            message = self.error_messages["max_length"].format(max_length=self.max_length)
            self.validators.append(MaxLengthValidator(self.max_length, message))
        if self.min_length is not None:
            message = self.error_messages["min_length"].format(min_length=self.min_length)
            self.validators.append(MinLengthValidator(self.min_length, message))

    def get_value(self, dictionary: Any) -> Any:
        """The list: every value of the key, or ``name[0]``... fields, in a form."""
        if is_html_input(dictionary):
            values = dictionary.getlist(self.field_name)
            if values:
                return values
            if getattr(self.root, "partial", False):
                prefix = self.field_name + "["
                if not any(key.startswith(prefix) for key in dictionary):
                    return empty
            return parse_html_list(dictionary, prefix=self.field_name, default=empty)
        if self.field_name not in dictionary and getattr(self.root, "partial", False):
            return empty
        return dictionary.get(self.field_name, empty)

    def to_internal_value(self, data: Any) -> Any:
        """Each item validated by ``child``.

        Raises:
            ValidationError: For a non-list, or ``{index: errors}`` for bad items.
        """
        if is_html_input(data):
            data = parse_html_list(data, default=[])
        if isinstance(data, str | Mapping) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        if not self.allow_empty and len(data) == 0:
            self.fail("empty")
        result: list[Any] = []
        errors: dict[int, Any] = {}
        for index, item in enumerate(data):
            try:
                result.append(self.child.run_validation(item))
            except ValidationError as exc:
                errors[index] = exc.detail
        if errors:
            raise ValidationError(errors)
        return result

    def to_representation(self, data: Any) -> Any:
        """Each item through ``child`` (``None`` stays ``None``)."""
        child = self.child.to_representation
        return [None if item is None else child(item) for item in data]


class DictField(_Container):
    """A dict of text keys, each value validated by ``child``."""

    initial: Any = {}
    default_error_messages: ClassVar[dict[str, str]] = {
        "not_a_dict": 'Expected a dictionary of items but got type "{input_type}".',
        "empty": "This dictionary may not be empty.",
    }

    def __init__(self, **kwargs: Any) -> None:
        self.child = _take_child(self, kwargs)
        self.allow_empty: bool = kwargs.pop("allow_empty", True)
        super().__init__(**kwargs)
        self.child.bind("", self)

    def get_value(self, dictionary: Any) -> Any:
        """The dict: ``name.key`` fields in a form."""
        if is_html_input(dictionary):
            found = parse_html_dict(dictionary, prefix=self.field_name, default=empty)
            if found is not empty:
                return found
            return {} if self.field_name in dictionary else empty
        return dictionary.get(self.field_name, empty)

    def to_internal_value(self, data: Any) -> Any:
        """Each value validated by ``child``, under its key as text.

        Raises:
            ValidationError: For a non-dict, or ``{key: errors}`` for bad values.
        """
        if is_html_input(data):
            data = {key: data.get(key) for key in data}
        if not isinstance(data, dict):
            self.fail("not_a_dict", input_type=type(data).__name__)
        if not self.allow_empty and len(data) == 0:
            self.fail("empty")
        result: dict[str, Any] = {}
        errors: dict[str, Any] = {}
        for key, value in data.items():
            try:
                result[str(key)] = self.child.run_validation(value)
            except ValidationError as exc:
                errors[str(key)] = exc.detail
        if errors:
            raise ValidationError(errors)
        return result

    def to_representation(self, value: Any) -> Any:
        """Each value through ``child``, keys as text."""
        child = self.child.to_representation
        return {str(key): None if item is None else child(item) for key, item in value.items()}


class _JSONString(str):
    """Text from a form field, to be parsed as JSON (form input cannot carry JSON types)."""

    __slots__ = ()


class JSONField(Field):
    """Any JSON value (``binary=True``: JSON text in, JSON bytes out).

    Args:
        binary: Parse input as JSON text and output JSON-encoded bytes.
        encoder: A ``json.JSONEncoder`` subclass for checking and encoding.
        decoder: A ``json.JSONDecoder`` subclass for parsing.
        **kwargs: The ``Field`` options.
    """

    _unbound_output = True

    default_error_messages: ClassVar[dict[str, str]] = {"invalid": "Value must be valid JSON."}
    _is_jsonfield = True  # shown as JSON text in forms

    def __init__(self, **kwargs: Any) -> None:
        self.binary: bool = kwargs.pop("binary", False)
        self.encoder: type[json.JSONEncoder] | None = kwargs.pop("encoder", None)
        self.decoder: type[json.JSONDecoder] | None = kwargs.pop("decoder", None)
        super().__init__(**kwargs)

    def get_value(self, dictionary: Any) -> Any:
        """The value; in a form, the text of the field, to parse as JSON."""
        if is_html_input(dictionary) and self.field_name in dictionary:
            return _JSONString(dictionary[self.field_name])
        return dictionary.get(self.field_name, empty)

    def to_internal_value(self, data: Any) -> Any:
        """The JSON value (parsed, for text from a form or with ``binary``).

        Raises:
            ValidationError: "Value must be valid JSON."
        """
        try:
            if self.binary or isinstance(data, _JSONString):
                if isinstance(data, bytes):
                    data = data.decode()
                return json.loads(data, cls=self.decoder)
            json.dumps(data, cls=self.encoder)
        except (TypeError, ValueError):
            self.fail("invalid")
        return data

    def to_representation(self, value: Any) -> Any:
        """The value (JSON bytes with ``binary``)."""
        if self.binary:
            return json.dumps(value, cls=self.encoder).encode()
        return value


class ReadOnlyField(Field):
    """Output the attribute as it is (a method without arguments is called).

    Example:
        >>> class AccountSerializer(Serializer):  # doctest: +SKIP
        ...     expiry_date = ReadOnlyField(source="get_expiry_date")
    """

    _unbound_output = True

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        """The value itself."""
        return value


class HiddenField(Field):
    """No input, no output: puts its ``default`` into the validated data.

    Raises:
        ImproperlyConfigured: Without a ``default``.
    """

    def __init__(self, **kwargs: Any) -> None:
        if "default" not in kwargs:
            raise ImproperlyConfigured("default is a required argument.")
        kwargs["write_only"] = True
        super().__init__(**kwargs)

    def get_value(self, dictionary: Any) -> Any:
        """Always ``empty``: input never sets a hidden field."""
        return empty

    def to_internal_value(self, data: Any) -> Any:
        """The default, as it is."""
        return data


class SerializerMethodField(Field):
    """Output what the serializer's ``get_<name>(obj)`` (or ``method_name``) returns.

    Example:
        >>> class UserSerializer(Serializer):  # doctest: +SKIP
        ...     days_since_joined = SerializerMethodField()
        ...     def get_days_since_joined(self, obj):
        ...         return (now() - obj.date_joined).days
    """

    def __init__(self, method_name: str | None = None, **kwargs: Any) -> None:
        self.method_name = method_name
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def bind(self, field_name: str, parent: Any) -> None:
        """Bind, naming the method ``get_<field_name>`` unless one was given."""
        if self.method_name is None:
            self.method_name = f"get_{field_name}"
        super().bind(field_name, parent)
        # PERF: the parent's method, looked up once per bound serializer.
        self._method = getattr(parent, self.method_name, None) if parent is not None else None

    def to_representation(self, value: Any) -> Any:
        """``parent.get_<name>(value)``."""
        method = self._method
        if method is None:
            method = getattr(self.parent, str(self.method_name))
        return method(value)
