"""Converters: the typed variables of a rule, such as ``<int:item_id>``.

A converter turns the text of one path segment (several, for a converter that is not
``part_isolating``) into a Python value with :meth:`BaseConverter.to_python`, and a value
back into URL text with :meth:`BaseConverter.to_url`. The router tries converters in
``weight`` order and reads :class:`ValidationError` as "not this branch".
"""

from __future__ import annotations

import math
import re
import uuid
from decimal import Decimal
from typing import Any, ClassVar
from urllib.parse import quote

__all__ = [
    "DEFAULT_CONVERTERS",
    "AnyConverter",
    "BaseConverter",
    "FloatConverter",
    "IntegerConverter",
    "LookupConverter",
    "PathConverter",
    "SlugConverter",
    "StringConverter",
    "UUIDConverter",
    "ValidationError",
]

# RFC 3986 §3.3: sub-delims, ":" and "@" may appear unescaped in a path segment.
_SEGMENT_SAFE = "!$&'()*+,;=:@"
_PATH_SAFE = _SEGMENT_SAFE + "/"

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1

_FLOAT = re.compile(r"\d+\.\d+", re.ASCII)
_SIGNED_FLOAT = re.compile(r"-?\d+\.\d+", re.ASCII)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I | re.A)
_SLUG = re.compile(r"[-a-zA-Z0-9_]+", re.ASCII)


class ValidationError(ValueError):
    """A converter rejects a value: the path does not match, or no URL can be built."""


class BaseConverter:
    """Base class of converters; on its own it accepts any non-empty segment.

    Subclasses override :meth:`to_python` and :meth:`to_url`, and take the rule's
    arguments (``<name(arg, key=value):variable>``) in ``__init__``. The router never
    passes a value containing a control character, so converters need not check for one.

    Example:
        >>> class HexConverter(BaseConverter):
        ...     weight = 60
        ...     def to_python(self, value: str) -> int:
        ...         try:
        ...             return int(value, 16)
        ...         except ValueError:
        ...             raise ValidationError("not hexadecimal") from None
        ...     def to_url(self, value: int) -> str:
        ...         return format(value, "x")
        >>> Router(converters={"hex": HexConverter})  # doctest: +SKIP
    """

    #: ``False`` lets the converter match text spanning several segments ('/' included).
    part_isolating: ClassVar[bool] = True
    #: Matching priority among the converters of one position: lower is tried first.
    weight: ClassVar[int] = 100

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            raise TypeError(f"{type(self).__name__} takes no arguments")

    def to_python(self, value: str) -> Any:
        """Convert matched URL text into the value the view receives.

        Args:
            value: The percent-decoded text of the segment(s).

        Returns:
            The converted value.

        Raises:
            ValidationError: The text does not fit; the router tries other rules.
        """
        if not value:
            raise ValidationError("the value is empty")
        return value

    def to_url(self, value: Any) -> str:
        """Convert a value into percent-encoded URL text, for building URLs.

        Args:
            value: The value given to ``url_for``.

        Returns:
            The text for the URL.

        Raises:
            ValidationError: The value cannot be written so that it matches again.
        """
        text = str(value)
        self.to_python(text)
        return quote(text, safe=_SEGMENT_SAFE if self.part_isolating else _PATH_SAFE)


class StringConverter(BaseConverter):
    """Any text within one segment; the default converter (``<name>``).

    Args:
        minlength: Fewest characters accepted.
        maxlength: Most characters accepted, or ``None`` for no limit.
        length: Exact length; overrides ``minlength`` and ``maxlength``.
    """

    def __init__(
        self, minlength: int = 1, maxlength: int | None = None, length: int | None = None
    ) -> None:
        if length is not None:
            minlength = maxlength = length
        self.minlength = minlength
        self.maxlength = maxlength

    def to_python(self, value: str) -> str:
        """Accept ``value`` when its length is within bounds."""
        if len(value) < self.minlength:
            raise ValidationError(f"shorter than {self.minlength} characters")
        if self.maxlength is not None and len(value) > self.maxlength:
            raise ValidationError(f"longer than {self.maxlength} characters")
        return value


def _is_integer_text(text: str) -> bool:
    """Whether ``text`` is ASCII digits with an optional leading minus."""
    digits = text[1:] if text[:1] == "-" else text
    return digits.isascii() and digits.isdigit()


class IntegerConverter(BaseConverter):
    """ASCII digits converted to :class:`int` (``<int:item_id>``).

    Unicode digits, '+', spaces and '_' never match. Values outside a signed 64-bit
    integer match nothing unless ``min``/``max`` say otherwise, so an overflowing number
    is a 404 and never reaches a database.

    Args:
        fixed_digits: Exact number of digits (zero-padded when building), or 0 for any.
        min: Smallest value accepted.
        max: Largest value accepted.
        signed: Accept a leading '-'.
    """

    weight = 50

    def __init__(
        self,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        self.fixed_digits = fixed_digits
        self.min = (_INT64_MIN if signed else 0) if min is None else min
        self.max = _INT64_MAX if max is None else max
        self.signed = signed
        self._plain = not fixed_digits and min is None and max is None and not signed

    def to_python(self, value: str) -> int:
        """Accept ASCII digits (and '-' when signed) within the bounds."""
        # PERF: up to 18 ASCII digits always fits in 64 bits; with the default bounds of
        # an unsigned converter nothing else needs checking.
        if self._plain and len(value) <= 18 and value.isdigit() and value.isascii():
            return int(value)
        digits = value[1:] if self.signed and value[:1] == "-" else value
        if not (digits.isascii() and digits.isdigit()):
            raise ValidationError("not an integer")
        if self.fixed_digits and len(digits) != self.fixed_digits:
            raise ValidationError(f"not {self.fixed_digits} digits")
        try:
            number = int(value)
        except ValueError:  # more digits than sys.get_int_max_str_digits() allows
            raise ValidationError("too many digits") from None
        if not self.min <= number <= self.max:
            raise ValidationError(f"outside {self.min}..{self.max}")
        return number

    def to_url(self, value: Any) -> str:
        """Write an int (or a string of ASCII digits), zero-padded to ``fixed_digits``."""
        if isinstance(value, str) and _is_integer_text(value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(f"expected an integer, got {value!r}")
        text = ("-" if value < 0 else "") + str(abs(value)).zfill(self.fixed_digits)
        self.to_python(text)
        return text


def _float_text(number: float) -> str:
    """Positional notation of ``number`` that parses back to the same float."""
    text = repr(number)
    if "e" in text:
        text = format(Decimal(text), "f")
    return text if "." in text else text + ".0"


class FloatConverter(BaseConverter):
    """ASCII ``digits.digits`` converted to :class:`float` (``<float:price>``).

    ``nan``, ``inf``, exponents and values that overflow to infinity never match.

    Args:
        min: Smallest value accepted.
        max: Largest value accepted.
        signed: Accept a leading '-'.
    """

    weight = 50

    def __init__(
        self,
        min: float | None = None,
        max: float | None = None,
        signed: bool = False,
    ) -> None:
        self.min = min
        self.max = max
        self.signed = signed
        self._pattern = _SIGNED_FLOAT if signed else _FLOAT

    def to_python(self, value: str) -> float:
        """Accept ``digits.digits`` (and '-' when signed) within the bounds."""
        if self._pattern.fullmatch(value) is None:
            raise ValidationError("not a decimal number")
        number = float(value)
        if math.isinf(number):
            raise ValidationError("too large")
        if (self.min is not None and number < self.min) or (
            self.max is not None and number > self.max
        ):
            raise ValidationError(f"outside {self.min}..{self.max}")
        return number

    def to_url(self, value: Any) -> str:
        """Write a float or int in positional notation (``1e-05`` becomes ``0.00001``)."""
        if isinstance(value, str):
            self.to_python(value)
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError(f"expected a number, got {value!r}")
        try:
            number = float(value)
        except OverflowError:
            raise ValidationError("too large") from None
        if not math.isfinite(number):
            raise ValidationError(f"{number} has no URL form")
        text = _float_text(number)
        self.to_python(text)
        return text


class PathConverter(BaseConverter):
    """Non-empty text that may contain '/' (``<path:filename>``); tried last."""

    part_isolating = False
    weight = 200


class UUIDConverter(BaseConverter):
    """A hyphenated UUID in either case, converted to :class:`uuid.UUID`."""

    weight = 30

    def to_python(self, value: str) -> uuid.UUID:
        """Accept the canonical ``8-4-4-4-12`` hexadecimal form."""
        if _UUID.fullmatch(value) is None:
            raise ValidationError("not a UUID")
        return uuid.UUID(value)

    def to_url(self, value: Any) -> str:
        """Write a :class:`uuid.UUID` (or UUID text) in lowercase canonical form."""
        if isinstance(value, str):
            value = self.to_python(value)
        if not isinstance(value, uuid.UUID):
            raise ValidationError(f"expected a UUID, got {value!r}")
        return str(value)


class SlugConverter(BaseConverter):
    """ASCII letters, digits, '-' and '_' (``<slug:title>``), as in Django."""

    weight = 90

    def to_python(self, value: str) -> str:
        """Accept ``[-a-zA-Z0-9_]+``."""
        if _SLUG.fullmatch(value) is None:
            raise ValidationError("not a slug")
        return value


class LookupConverter(BaseConverter):
    """Any text of one segment except ``.`` (``<lookup:pk>``), as REST routers' lookups.

    The value of a detail URL such as ``/books/<lookup:pk>/`` stops short of a ``.``, which
    is left for a format suffix (``/books/1.json``).
    """

    weight = 95

    def to_python(self, value: str) -> str:
        """Accept non-empty text without ``.``."""
        if not value or "." in value:
            raise ValidationError("empty, or holds a '.'")
        return value


class AnyConverter(BaseConverter):
    """One of a fixed set of words (``<any(about, help):page>``).

    Args:
        *items: The accepted words.
    """

    weight = 20

    def __init__(self, *items: str) -> None:
        if not items or not all(isinstance(item, str) for item in items):
            raise ValueError("any() needs one or more words, e.g. <any(about, help):page>")
        self.items = frozenset(items)

    def to_python(self, value: str) -> str:
        """Accept one of the items."""
        if value not in self.items:
            raise ValidationError(f"not one of {sorted(self.items)}")
        return value


#: Converter names available in every rule; ``Router(converters=...)`` adds or replaces.
DEFAULT_CONVERTERS: dict[str, type[BaseConverter]] = {
    "default": StringConverter,
    "string": StringConverter,
    "str": StringConverter,
    "int": IntegerConverter,
    "float": FloatConverter,
    "path": PathConverter,
    "uuid": UUIDConverter,
    "slug": SlugConverter,
    "lookup": LookupConverter,
    "any": AnyConverter,
}
