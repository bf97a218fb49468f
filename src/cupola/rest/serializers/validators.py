"""Validators for serializer fields: value checks and uniqueness in the database.

A validator is a callable that raises ``ValidationError`` (with an error code) for a bad
value. Those with ``requires_context = True`` also receive the field, or the serializer
(``UniqueValidator``, ``UniqueTogetherValidator``), which is how they know the instance
being updated. Uniqueness runs as a query before any INSERT, so a duplicate is a 400 field
error and never an ``IntegrityError``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, and_, bindparam

from cupola.rest import _db
from cupola.rest.exceptions import ValidationError

__all__ = [
    "EmailValidator",
    "MaxLengthValidator",
    "MaxValueValidator",
    "MinLengthValidator",
    "MinValueValidator",
    "ProhibitNullCharactersValidator",
    "ProhibitSurrogateCharactersValidator",
    "RegexValidator",
    "URLValidator",
    "UniqueTogetherValidator",
    "UniqueValidator",
    "add_limit_validators",
]


class _Limit:
    """A check of a value against a limit, failing with ``message`` and ``code``."""

    code = ""

    def __init__(self, limit_value: Any, message: str) -> None:
        self.limit_value = limit_value
        self.message = message

    def failed(self, value: Any) -> bool:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def __call__(self, value: Any) -> None:
        """Raise ``ValidationError`` when ``value`` fails the check."""
        if self.failed(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _Limit)
            and type(other) is type(self)
            and bool(self.limit_value == other.limit_value)
        )

    __hash__ = None  # type: ignore[assignment] # mutable, compared by value

    def __repr__(self) -> str:
        return f"<{type(self).__name__}({self.limit_value!r})>"


class MaxLengthValidator(_Limit):
    """Fails when ``len(value)`` exceeds the limit (code ``max_length``)."""

    code = "max_length"

    def failed(self, value: Any) -> bool:
        """Whether ``value`` is past the limit."""
        return bool(len(value) > self.limit_value)


class MinLengthValidator(_Limit):
    """Fails when ``len(value)`` is below the limit (code ``min_length``)."""

    code = "min_length"

    def failed(self, value: Any) -> bool:
        """Whether ``value`` is past the limit."""
        return bool(len(value) < self.limit_value)


class MaxValueValidator(_Limit):
    """Fails when the value exceeds the limit (code ``max_value``)."""

    code = "max_value"

    def failed(self, value: Any) -> bool:
        """Whether ``value`` is past the limit."""
        return bool(value > self.limit_value)


class MinValueValidator(_Limit):
    """Fails when the value is below the limit (code ``min_value``)."""

    code = "min_value"

    def failed(self, value: Any) -> bool:
        """Whether ``value`` is past the limit."""
        return bool(value < self.limit_value)


class RegexValidator:
    """Fails when ``regex`` does not match anywhere in the value (code ``invalid``).

    Args:
        regex: A pattern or compiled expression (``re.search`` semantics).
        message: The error message.
        code: The error code.
    """

    def __init__(self, regex: str | re.Pattern[str], message: str, code: str = "invalid") -> None:
        self.regex = re.compile(regex) if isinstance(regex, str) else regex
        self.message = message
        self.code = code

    def __call__(self, value: Any) -> None:
        """Raise ``ValidationError`` when ``value`` fails the check."""
        if not self.regex.search(str(value)):
            raise ValidationError(self.message, code=self.code)


_LOCAL_PART = re.compile(
    r"^(?:[-!#$%&'*+/=?^_`{}|~0-9a-z]+(?:\.[-!#$%&'*+/=?^_`{}|~0-9a-z]+)*"
    r'|"(?:[\x01-\x08\x0b\x0c\x0e-\x1f!#-\[\]-\x7f]|\\[\x01-\x09\x0b\x0c\x0e-\x7f])*")$',
    re.IGNORECASE,
)
_DOMAIN = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z0-9-]{2,63}(?<!-))$", re.IGNORECASE
)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _valid_domain(domain: str) -> bool:
    if domain == "localhost" or _DOMAIN.match(domain):
        return True
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return bool(_DOMAIN.match(ascii_domain))


class EmailValidator:
    """Fails for text that is not an e-mail address (code ``invalid``)."""

    code = "invalid"

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, value: Any) -> None:
        """Raise ``ValidationError`` when ``value`` fails the check."""
        text = str(value)
        if len(text) > 320 or "@" not in text:
            raise ValidationError(self.message, code=self.code)
        user, domain = text.rsplit("@", 1)
        if not _LOCAL_PART.match(user):
            raise ValidationError(self.message, code=self.code)
        if domain.startswith("[") and domain.endswith("]"):
            literal = domain[1:-1]
            if _is_ip(literal):
                return
            raise ValidationError(self.message, code=self.code)
        if not _valid_domain(domain):
            raise ValidationError(self.message, code=self.code)


_URL = re.compile(
    r"^(?P<scheme>[a-z][a-z0-9.+-]*)://"
    r"(?:[^\s:@/]+(?::[^\s:@/]*)?@)?"
    r"(?P<host>\[[0-9a-f:.]+\]|[^\s:/?#\[\]]+)"
    r"(?::(?P<port>[0-9]{1,5}))?"
    r"(?:[/?#][^\s]*)?$",
    re.IGNORECASE,
)


class URLValidator:
    """Fails for text that is not an http(s) or ftp(s) URL (code ``invalid``)."""

    code = "invalid"
    schemes = ("http", "https", "ftp", "ftps")

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, value: Any) -> None:
        """Raise ``ValidationError`` when ``value`` fails the check."""
        text = str(value)
        match = _URL.match(text) if len(text) <= 2048 else None
        if match is None or match["scheme"].lower() not in self.schemes:
            raise ValidationError(self.message, code=self.code)
        host = match["host"]
        if host.startswith("["):
            valid = _is_ip(host[1:-1])
        else:
            valid = _is_ip(host) or _valid_domain(host.rstrip("."))
        if not valid:
            raise ValidationError(self.message, code=self.code)


class ProhibitNullCharactersValidator:
    """Fails for text holding a NUL character (code ``null_characters_not_allowed``)."""

    message = "Null characters are not allowed."
    code = "null_characters_not_allowed"

    def __call__(self, value: Any) -> None:
        """Raise ``ValidationError`` when ``value`` fails the check."""
        if "\x00" in str(value):
            raise ValidationError(self.message, code=self.code)


class ProhibitSurrogateCharactersValidator:
    """Fails for text holding a lone surrogate (code ``surrogate_characters_not_allowed``)."""

    message = "Surrogate characters are not allowed: U+{code_point:X}."
    code = "surrogate_characters_not_allowed"

    def __call__(self, value: Any) -> None:
        """Raise ``ValidationError`` when ``value`` fails the check."""
        for character in str(value):
            if 0xD800 <= ord(character) <= 0xDFFF:
                message = self.message.format(code_point=ord(character))
                raise ValidationError(message, code=self.code)


def add_limit_validators(field: Any, max_value: Any, min_value: Any) -> None:
    """Append ``max_value``/``min_value`` validators with the field's messages."""
    if max_value is not None:
        message = field.error_messages["max_value"].format(max_value=max_value)
        field.validators.append(MaxValueValidator(max_value, message))
    if min_value is not None:
        message = field.error_messages["min_value"].format(min_value=min_value)
        field.validators.append(MinValueValidator(min_value, message))


# -- uniqueness ---------------------------------------------------------------------------


#: The bound parameters of the uniqueness probes.
_VALUE, _KEY = "cupola_unique_value", "cupola_unique_key"


def _exclude_instance(statement: Select[Any], instance: Any) -> Select[Any]:
    """``statement`` without the row of ``instance`` (the object being updated)."""
    if instance is None:
        return statement
    column = _db.primary_key(type(instance))
    return statement.where(column != getattr(instance, _db.primary_key_name(type(instance))))


def _exists(statement: Select[Any]) -> bool:
    model = _db.statement_model(statement)
    column = _db.primary_key(model)
    probe = statement.with_only_columns(column).order_by(None).limit(1)
    return _db.session().execute(probe).first() is not None


class UniqueValidator:
    """Fails when another row of ``queryset`` has the value in this field's column.

    Args:
        queryset: ``select(Model)``, possibly filtered, the rows that must not clash.
        message: The error message (code ``unique``).
        lookup: ``"exact"`` or ``"iexact"`` (case-insensitive).
    """

    message = "This field must be unique."
    requires_context = True

    def __init__(
        self, queryset: Select[Any], message: str | None = None, lookup: str = "exact"
    ) -> None:
        self.queryset = queryset
        self.message = message or self.message
        self.lookup = lookup
        self._probes: dict[tuple[str, bool], Select[Any]] = {}

    def __call__(self, value: Any, serializer_field: Any) -> None:
        """Raise ``ValidationError`` when another row holds ``value``."""
        if value is None:  # NOTE: SQL lets a unique column hold many NULLs
            return
        instance = getattr(serializer_field.parent, "instance", None)
        probe = self._probe(serializer_field.source_attrs[-1], instance is not None)
        if self.lookup == "iexact":
            value = str(value).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params = {_VALUE: value}
        if instance is not None:
            params[_KEY] = getattr(instance, _db.primary_key_name(type(instance)))
        if _db.session().execute(probe, params).first() is not None:
            raise ValidationError(self.message, code="unique")

    def _probe(self, name: str, excluding: bool) -> Select[Any]:
        """``SELECT pk … WHERE name = :value [AND pk != :key] LIMIT 1``, built once."""
        # PERF: one statement per field and case, with bound values, so SQLAlchemy's
        # compiled cache serves every later check without building a statement.
        key = (name, excluding)
        probe = self._probes.get(key)
        if probe is None:
            model = _db.statement_model(self.queryset)
            column = getattr(model, name)
            pk = _db.primary_key(model)
            value = bindparam(_VALUE, type_=column.type)
            if self.lookup == "iexact":
                condition = column.ilike(value, escape="\\")
            else:
                condition = column == value
            probe = self.queryset.where(condition)
            if excluding:
                probe = probe.where(pk != bindparam(_KEY, type_=pk.type))
            probe = self._probes[key] = probe.with_only_columns(pk).order_by(None).limit(1)
        return probe

    def __repr__(self) -> str:
        return f"<UniqueValidator(queryset={self.queryset})>"


class UniqueTogetherValidator:
    """Fails when another row of ``queryset`` has the same values in all of ``fields``.

    Args:
        queryset: ``select(Model)``, the rows that must not clash.
        fields: The serializer field names that together must be unique.
        message: The error message (code ``unique``), formatted with ``field_names``.
    """

    message = "The fields {field_names} must make a unique set."
    missing_message = "This field is required."
    requires_context = True

    def __init__(
        self, queryset: Select[Any], fields: Iterable[str], message: str | None = None
    ) -> None:
        self.queryset = queryset
        self.fields = list(fields)
        self.message = message or self.message

    def _sources(self, serializer: Any) -> dict[str, str]:
        return {name: serializer.fields[name].source for name in self.fields}

    def __call__(self, attrs: dict[str, Any], serializer: Any) -> None:
        """Raise ``ValidationError`` when another row holds the same values.

        Raises:
            ValidationError: "This field is required." for a missing field on create, or
                "The fields a, b must make a unique set."
        """
        sources = self._sources(serializer)
        instance = serializer.instance
        if instance is None:
            missing = {
                name: self.missing_message for name, src in sources.items() if src not in attrs
            }
            if missing:
                raise ValidationError(missing, code="required")
        values = {}
        for source in sources.values():
            values[source] = attrs[source] if source in attrs else getattr(instance, source)
        if any(value is None for value in values.values()):
            return
        model = _db.statement_model(self.queryset)
        condition = and_(*(getattr(model, source) == value for source, value in values.items()))
        if _exists(_exclude_instance(self.queryset.where(condition), instance)):
            message = self.message.format(field_names=", ".join(self.fields))
            raise ValidationError(message, code="unique")

    def __repr__(self) -> str:
        return f"<UniqueTogetherValidator(queryset={self.queryset}, fields={tuple(self.fields)})>"
