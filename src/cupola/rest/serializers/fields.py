"""Serializer fields for scalar values: text, numbers, booleans and choices.

Each is Django REST framework's field of the same name, with its options and error
messages word for word. ``COERCE_DECIMAL_TO_STRING`` is read from the current app's
``api_settings`` on a bound field's first use, never when the class is defined. Dates and
times are in ``temporal``, files in ``files``, lists, dicts and method fields in
``composite``.
"""

from __future__ import annotations

import decimal
import math
import re
import uuid
from collections.abc import Callable
from typing import Any, ClassVar

from cupola.rest.serializers.base import Field, empty
from cupola.rest.serializers.validators import (
    EmailValidator,
    MaxLengthValidator,
    MinLengthValidator,
    ProhibitNullCharactersValidator,
    ProhibitSurrogateCharactersValidator,
    RegexValidator,
    URLValidator,
    add_limit_validators,
)
from cupola.rest.settings import api_settings

__all__ = [
    "BooleanField",
    "CharField",
    "DecimalField",
    "EmailField",
    "FloatField",
    "IntegerField",
    "RegexField",
    "SlugField",
    "URLField",
    "UUIDField",
]


class BooleanField(Field):
    """``true``/``false`` and their usual spellings (``"yes"``, ``"on"``, ``1``...).

    In form input a missing checkbox is ``False``; in JSON a missing value is not given.
    """

    _unbound_output = True
    _unbound_input = True

    default_error_messages: ClassVar[dict[str, str]] = {"invalid": "Must be a valid boolean."}
    default_empty_html: Any = False
    initial: Any = False
    TRUE_VALUES: ClassVar[set[Any]] = {"t", "y", "yes", "true", "on", "1", 1}
    FALSE_VALUES: ClassVar[set[Any]] = {"f", "n", "no", "false", "off", "0", 0}
    NULL_VALUES: ClassVar[set[Any]] = {"null", "", None}

    def __init__(self, **kwargs: Any) -> None:
        if kwargs.get("allow_null", False):
            self.default_empty_html = None
            self.initial = None
        super().__init__(**kwargs)

    def _truth(self, value: Any) -> bool | type[empty] | None:
        key = value.lower() if isinstance(value, str) else value
        try:
            if key in self.TRUE_VALUES:
                return True
            if key in self.FALSE_VALUES:
                return False
            if key in self.NULL_VALUES and self.allow_null:
                return None
        except TypeError:  # unhashable input (a list or dict)
            pass
        return empty

    def to_internal_value(self, data: Any) -> Any:
        """The boolean ``data`` spells.

        Raises:
            ValidationError: "Must be a valid boolean."
        """
        value = self._truth(data)
        if value is empty:
            self.fail("invalid", input=data)
        return value

    def to_representation(self, value: Any) -> Any:
        """``True``, ``False`` (or ``None``)."""
        if value is True or value is False:
            return value
        truth = self._truth(value)
        return bool(value) if truth is empty else truth


class CharField(Field):
    """Text.

    Args:
        allow_blank: Whether ``""`` is valid.
        trim_whitespace: Strip leading and trailing white space (a blank check follows).
        max_length: The most characters.
        min_length: The fewest characters.
        **kwargs: The ``Field`` options.
    """

    _unbound_output = True
    _unbound_input = True

    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid": "Not a valid string.",
        "blank": "This field may not be blank.",
        "max_length": "Ensure this field has no more than {max_length} characters.",
        "min_length": "Ensure this field has at least {min_length} characters.",
    }
    initial: Any = ""

    def __init__(self, **kwargs: Any) -> None:
        self.allow_blank: bool = kwargs.pop("allow_blank", False)
        self.trim_whitespace: bool = kwargs.pop("trim_whitespace", True)
        self.max_length: int | None = kwargs.pop("max_length", None)
        self.min_length: int | None = kwargs.pop("min_length", None)
        super().__init__(**kwargs)
        if self.max_length is not None:
            message = self.error_messages["max_length"].format(max_length=self.max_length)
            self.validators.append(MaxLengthValidator(self.max_length, message))
        if self.min_length is not None:
            message = self.error_messages["min_length"].format(min_length=self.min_length)
            self.validators.append(MinLengthValidator(self.min_length, message))
        self.validators.append(ProhibitNullCharactersValidator())
        self.validators.append(ProhibitSurrogateCharactersValidator())

    def run_validation(self, data: Any = empty) -> Any:
        """As ``Field.run_validation``, with blank text checked first."""
        if data == "" or (self.trim_whitespace and str(data).strip() == ""):
            if not self.allow_blank:
                self.fail("blank")
            return ""
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> Any:
        """The text of ``data`` (numbers are accepted and turned into text).

        Raises:
            ValidationError: "Not a valid string." for booleans, lists, dicts...
        """
        if isinstance(data, bool) or not isinstance(data, str | int | float):
            self.fail("invalid")
        value = str(data)
        return value.strip() if self.trim_whitespace else value

    def to_representation(self, value: Any) -> Any:
        """``str(value)``."""
        return value if type(value) is str else str(value)

    def fast_representation(self) -> Callable[[Any], Any]:
        """``str`` itself, unless a subclass changes the output."""
        return (
            str
            if type(self).to_representation is CharField.to_representation
            else super().fast_representation()
        )


class EmailField(CharField):
    """An e-mail address."""

    default_error_messages: ClassVar[dict[str, str]] = {"invalid": "Enter a valid email address."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(EmailValidator(self.error_messages["invalid"]))


class RegexField(CharField):
    """Text that matches ``regex`` (searched, as ``re.search``)."""

    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid": "This value does not match the required pattern."
    }

    def __init__(self, regex: str | re.Pattern[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(RegexValidator(regex, self.error_messages["invalid"]))


class SlugField(CharField):
    """Letters, numbers, underscores and hyphens (``allow_unicode`` for any letters)."""

    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid": 'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.',
        "invalid_unicode": 'Enter a valid "slug" consisting of Unicode letters, numbers, '
        "underscores, or hyphens.",
    }

    def __init__(self, allow_unicode: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.allow_unicode = allow_unicode
        if allow_unicode:
            pattern = re.compile(r"^[-\w]+\Z", re.UNICODE)
            self.validators.append(RegexValidator(pattern, self.error_messages["invalid_unicode"]))
        else:
            pattern = re.compile(r"^[-a-zA-Z0-9_]+$")
            self.validators.append(RegexValidator(pattern, self.error_messages["invalid"]))


class URLField(CharField):
    """An http, https, ftp or ftps URL."""

    default_error_messages: ClassVar[dict[str, str]] = {"invalid": "Enter a valid URL."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(URLValidator(self.error_messages["invalid"]))


class UUIDField(Field):
    """A UUID; output as ``format``: ``hex_verbose`` (default), ``hex``, ``int`` or ``urn``."""

    _unbound_output = True

    valid_formats = ("hex_verbose", "hex", "int", "urn")
    default_error_messages: ClassVar[dict[str, str]] = {"invalid": "Must be a valid UUID."}

    def __init__(self, **kwargs: Any) -> None:
        self.uuid_format: str = kwargs.pop("format", "hex_verbose")
        if self.uuid_format not in self.valid_formats:
            raise ValueError(
                'Invalid format for uuid representation. Must be one of "{}"'.format(
                    '", "'.join(self.valid_formats)
                )
            )
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        """The ``uuid.UUID`` of ``data`` (text or an integer).

        Raises:
            ValidationError: "Must be a valid UUID."
        """
        if isinstance(data, uuid.UUID):
            return data
        try:
            if isinstance(data, int) and not isinstance(data, bool):
                return uuid.UUID(int=data)
            if isinstance(data, str):
                return uuid.UUID(hex=data)
        except ValueError:
            pass
        return self.fail("invalid", value=data)

    def to_representation(self, value: Any) -> Any:
        """The UUID in the field's format."""
        if self.uuid_format == "hex_verbose":
            return str(value)
        return getattr(value, self.uuid_format)


# -- numbers ------------------------------------------------------------------------------


_NUMBER_MESSAGES = {
    "max_value": "Ensure this value is less than or equal to {max_value}.",
    "min_value": "Ensure this value is greater than or equal to {min_value}.",
    "max_string_length": "String value too large.",
}


class IntegerField(Field):
    """A whole number (``"1.0"`` counts; ``"1.2"`` does not)."""

    _unbound_output = True
    _unbound_input = True

    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid": "A valid integer is required.",
        **_NUMBER_MESSAGES,
    }
    MAX_STRING_LENGTH = 1000  # bounds the work spent parsing hostile input
    re_decimal = re.compile(r"\.0*\s*$")

    def __init__(self, **kwargs: Any) -> None:
        self.max_value: Any = kwargs.pop("max_value", None)
        self.min_value: Any = kwargs.pop("min_value", None)
        super().__init__(**kwargs)
        add_limit_validators(self, self.max_value, self.min_value)

    def to_internal_value(self, data: Any) -> Any:
        """The ``int`` of ``data``.

        Raises:
            ValidationError: "A valid integer is required."
        """
        if isinstance(data, str) and len(data) > self.MAX_STRING_LENGTH:
            self.fail("max_string_length")
        try:
            return int(self.re_decimal.sub("", str(data)))
        except (ValueError, TypeError):
            return self.fail("invalid")

    def to_representation(self, value: Any) -> Any:
        """``int(value)``."""
        return value if type(value) is int else int(value)

    def fast_representation(self) -> Callable[[Any], Any]:
        """``int`` itself, unless a subclass changes the output."""
        return (
            int
            if type(self).to_representation is IntegerField.to_representation
            else super().fast_representation()
        )


class FloatField(Field):
    """A floating-point number (finite)."""

    _unbound_output = True
    _unbound_input = True

    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid": "A valid number is required.",
        **_NUMBER_MESSAGES,
        "overflow": "Integer value too large to convert to float",
    }
    MAX_STRING_LENGTH = 1000

    def __init__(self, **kwargs: Any) -> None:
        self.max_value: Any = kwargs.pop("max_value", None)
        self.min_value: Any = kwargs.pop("min_value", None)
        super().__init__(**kwargs)
        add_limit_validators(self, self.max_value, self.min_value)

    def to_internal_value(self, data: Any) -> Any:
        """The ``float`` of ``data``.

        Raises:
            ValidationError: "A valid number is required." (also for NaN and infinities).
        """
        if isinstance(data, str) and len(data) > self.MAX_STRING_LENGTH:
            self.fail("max_string_length")
        try:
            value = float(data)
        except (TypeError, ValueError):
            return self.fail("invalid")
        except OverflowError:
            return self.fail("overflow")
        if not math.isfinite(value):
            self.fail("invalid")
        return value

    def to_representation(self, value: Any) -> Any:
        """``float(value)``."""
        return float(value)

    def fast_representation(self) -> Callable[[Any], Any]:
        """``float`` itself, unless a subclass changes the output."""
        return (
            float
            if type(self).to_representation is FloatField.to_representation
            else super().fast_representation()
        )


class DecimalField(Field):
    """A ``decimal.Decimal`` of at most ``max_digits`` digits, ``decimal_places`` after the point.

    Output is a string (``"9.99"``) unless ``coerce_to_string=False`` or the app's
    ``COERCE_DECIMAL_TO_STRING`` is false.

    Args:
        max_digits: The most digits in all (``None``: no limit).
        decimal_places: The most digits after the point (``None``: no limit, no rounding).
        coerce_to_string: Output strings (default: ``COERCE_DECIMAL_TO_STRING``).
        max_value: The greatest value.
        min_value: The least value.
        localize: Not supported for input; output as a string.
        rounding: A ``decimal.ROUND_*`` mode for output.
        normalize_output: Strip trailing zeros from output.
        **kwargs: The ``Field`` options.
    """

    _unbound_output = True

    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid": "A valid number is required.",
        **_NUMBER_MESSAGES,
        "max_digits": "Ensure that there are no more than {max_digits} digits in total.",
        "max_decimal_places": "Ensure that there are no more than {max_decimal_places} decimal "
        "places.",
        "max_whole_digits": "Ensure that there are no more than {max_whole_digits} digits "
        "before the decimal point.",
    }
    MAX_STRING_LENGTH = 1000
    _coerce: bool
    _instance_caches = ("_coerce", "_quantum")

    def __init__(
        self,
        max_digits: int | None,
        decimal_places: int | None,
        coerce_to_string: bool | None = None,
        max_value: Any = None,
        min_value: Any = None,
        localize: bool = False,
        rounding: str | None = None,
        normalize_output: bool = False,
        **kwargs: Any,
    ) -> None:
        self.max_digits = max_digits
        self.decimal_places = decimal_places
        self.localize = localize
        self.coerce_to_string = True if localize else coerce_to_string
        self.normalize_output = normalize_output
        self.max_value = max_value
        self.min_value = min_value
        self.max_whole_digits = (
            max_digits - decimal_places
            if max_digits is not None and decimal_places is not None
            else None
        )
        self.rounding = rounding
        super().__init__(**kwargs)
        add_limit_validators(self, max_value, min_value)

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        """Blank input counts as ``None`` when nulls are allowed."""
        if self.allow_null and isinstance(data, str) and data.strip() == "":
            return True, None
        return super().validate_empty_values(data)

    def to_internal_value(self, data: Any) -> Any:
        """The ``Decimal`` of ``data``, checked for digits and rounded to the places.

        Raises:
            ValidationError: "A valid number is required." or a digits message.
        """
        text = str(data).strip()
        if len(text) > self.MAX_STRING_LENGTH:
            self.fail("max_string_length")
        try:
            value = decimal.Decimal(text)
        except decimal.DecimalException:
            return self.fail("invalid")
        if value.is_nan() or value.is_infinite():
            self.fail("invalid")
        return self.quantize(self.validate_precision(value))

    def validate_precision(self, value: decimal.Decimal) -> decimal.Decimal:
        """Check ``max_digits``, ``decimal_places`` and the digits before the point.

        Raises:
            ValidationError: With the first limit ``value`` exceeds.
        """
        _sign, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)
        if exponent >= 0:
            total = whole = len(digits) + exponent
            places = 0
        elif len(digits) > -exponent:
            total = len(digits)
            whole = total + exponent
            places = -exponent
        else:
            total = places = -exponent
            whole = 0
        if self.max_digits is not None and total > self.max_digits:
            self.fail("max_digits", max_digits=self.max_digits)
        if self.decimal_places is not None and places > self.decimal_places:
            self.fail("max_decimal_places", max_decimal_places=self.decimal_places)
        if self.max_whole_digits is not None and whole > self.max_whole_digits:
            self.fail("max_whole_digits", max_whole_digits=self.max_whole_digits)
        return value

    def quantize(self, value: decimal.Decimal) -> decimal.Decimal:
        """``value`` rounded to ``decimal_places``."""
        if self.decimal_places is None:
            return value
        quantum, context = self._quantizer()
        return value.quantize(quantum, rounding=self.rounding, context=context)

    def _quantizer(self) -> tuple[decimal.Decimal, decimal.Context]:
        # PERF: the quantum and the context are made once per bound field, not per value.
        try:
            return self._quantum
        except AttributeError:
            context = decimal.getcontext().copy()
            if self.max_digits is not None:
                context.prec = self.max_digits
            quantum = decimal.Decimal(1).scaleb(-(self.decimal_places or 0))
            self._quantum: tuple[decimal.Decimal, decimal.Context] = (quantum, context)
            return self._quantum

    def _coerces(self) -> bool:
        """``coerce_to_string``, or the app's ``COERCE_DECIMAL_TO_STRING`` (read once)."""
        try:
            return self._coerce
        except AttributeError:
            chosen = self.coerce_to_string
            self._coerce = bool(api_settings.COERCE_DECIMAL_TO_STRING if chosen is None else chosen)
            return self._coerce

    def to_representation(self, value: Any) -> Any:
        """``"9.99"`` (or the ``Decimal``, without string coercion)."""
        coerce = self._coerces()
        if value is None:
            return "" if coerce else None
        if not isinstance(value, decimal.Decimal):
            value = decimal.Decimal(str(value).strip())
        quantized = self.quantize(value)
        if self.normalize_output:
            quantized = quantized.normalize()
        return f"{quantized:f}" if coerce else quantized

    def fast_representation(self) -> Callable[[Any], Any]:
        """For ``Decimal`` values, a quantize and format with everything prepared once."""
        general = self.to_representation
        if type(self).to_representation is not DecimalField.to_representation:
            return general
        if self.decimal_places is None or self.normalize_output or self.localize:
            return general
        if not self._coerces():
            return general
        quantum, context = self._quantizer()
        rounding = self.rounding
        decimal_type = decimal.Decimal

        def represent(value: Any) -> Any:
            if type(value) is decimal_type:
                return f"{value.quantize(quantum, rounding, context):f}"
            return general(value)

        return represent
