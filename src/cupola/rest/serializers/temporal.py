"""Serializer fields for dates, times and durations, ISO 8601 by default.

``DateTimeField``, ``DateField``, ``TimeField`` and ``DurationField`` are DRF's, with its
options and messages. Their output and input formats default to the current app's
``DATETIME_FORMAT``, ``DATE_INPUT_FORMATS``... settings, read on a bound field's first use.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from cupola.rest.serializers.base import Field, empty
from cupola.rest.serializers.validators import add_limit_validators
from cupola.rest.settings import api_settings

__all__ = ["ISO_8601", "DateField", "DateTimeField", "DurationField", "TimeField"]

#: The format name DRF's date and time settings use for ISO 8601.
ISO_8601 = "iso-8601"


def _humanize(formats: Iterable[str], iso: str) -> str:
    text = ", ".join(formats).replace(ISO_8601, iso)
    for directive, shown in _STRPTIME_NAMES:
        text = text.replace(directive, shown)
    return text


_STRPTIME_NAMES = (
    ("%Y", "YYYY"),
    ("%y", "YY"),
    ("%m", "MM"),
    ("%b", "[Jan-Dec]"),
    ("%B", "[January-December]"),
    ("%d", "DD"),
    ("%H", "hh"),
    ("%I", "hh"),
    ("%M", "mm"),
    ("%S", "ss"),
    ("%f", "uuuuuu"),
    ("%a", "[Mon-Sun]"),
    ("%A", "[Monday-Sunday]"),
    ("%p", "[AM|PM]"),
    ("%z", "[+HHMM|-HHMM]"),
)

_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class _Temporal(Field):
    """What date, time and datetime fields share: formats from the settings, read once."""

    setting = ""
    _instance_caches = ("_format", "_input_formats")

    def __init__(self, format: Any = empty, input_formats: Any = None, **kwargs: Any) -> None:
        self.format = format
        self.input_formats = input_formats
        super().__init__(**kwargs)

    def output_format(self) -> Any:
        """``format``, or the app's ``<KIND>_FORMAT`` setting."""
        try:
            return self._format
        except AttributeError:
            chosen = self.format
            if chosen is empty:
                chosen = getattr(api_settings, self.setting + "_FORMAT")
            self._format: Any = chosen
            return chosen

    def parse_formats(self) -> list[str]:
        """``input_formats``, or the app's ``<KIND>_INPUT_FORMATS`` setting."""
        try:
            return self._input_formats
        except AttributeError:
            chosen = self.input_formats
            if chosen is None:
                chosen = getattr(api_settings, self.setting + "_INPUT_FORMATS")
            self._input_formats: list[str] = list(chosen)
            return self._input_formats


class DateTimeField(_Temporal):
    """A date and time, ISO 8601 by default (``"2026-01-31T09:30:00Z"``).

    Args:
        format: The output ``strftime`` format, ``"iso-8601"``, or ``None`` for the
            ``datetime`` itself (default: ``DATETIME_FORMAT``).
        input_formats: Accepted input formats (default: ``DATETIME_INPUT_FORMATS``).
        default_timezone: Make naive values aware in this zone and convert aware ones to
            it (``ModelSerializer`` gives UTC to ``DateTime(timezone=True)`` columns).
            Without it, values are naive: aware ones are converted to UTC first, as DRF
            does without ``USE_TZ``.
        **kwargs: The ``Field`` options.
    """

    _unbound_output = True

    setting = "DATETIME"
    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid": "Datetime has wrong format. Use one of these formats instead: {format}.",
        "date": "Expected a datetime but got a date.",
        "make_aware": 'Invalid datetime for the timezone "{timezone}".',
        "overflow": "Datetime value out of range.",
    }

    def __init__(
        self,
        format: Any = empty,
        input_formats: Any = None,
        default_timezone: datetime.tzinfo | None = None,
        **kwargs: Any,
    ) -> None:
        self.timezone = default_timezone
        super().__init__(format, input_formats, **kwargs)

    def enforce_timezone(self, value: datetime.datetime) -> datetime.datetime:
        """``value`` aware in ``default_timezone``, or naive (in UTC) without one.

        Raises:
            ValidationError: When the conversion overflows.
        """
        aware = value.tzinfo is not None and value.utcoffset() is not None
        try:
            if self.timezone is not None:
                return (
                    value.astimezone(self.timezone)
                    if aware
                    else value.replace(tzinfo=self.timezone)
                )
            if aware:
                return value.astimezone(datetime.UTC).replace(tzinfo=None)
        except OverflowError:
            self.fail("overflow")
        return value

    def to_internal_value(self, value: Any) -> Any:
        """The ``datetime`` of ``value``.

        Raises:
            ValidationError: "Datetime has wrong format. Use one of these formats instead: …"
        """
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            self.fail("date")
        if isinstance(value, datetime.datetime):
            return self.enforce_timezone(value)
        formats = self.parse_formats()
        for input_format in formats:
            try:
                if input_format.lower() == ISO_8601:
                    parsed = datetime.datetime.fromisoformat(value)
                else:
                    parsed = datetime.datetime.strptime(value, input_format)
            except (ValueError, TypeError):
                continue
            return self.enforce_timezone(parsed)
        humanized = _humanize(formats, "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]")
        return self.fail("invalid", format=humanized)

    def to_representation(self, value: Any) -> Any:
        """ISO 8601 text (UTC as ``Z``), the set format, or ``None`` for an empty value."""
        if not value:
            return None
        output_format = self.output_format()
        if output_format is None or isinstance(value, str):
            return value
        value = self.enforce_timezone(value)
        if output_format.lower() == ISO_8601:
            text: str = value.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return value.strftime(output_format)


class DateField(_Temporal):
    """A date, ISO 8601 by default (``"2026-01-31"``)."""

    _unbound_output = True

    setting = "DATE"
    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid": "Date has wrong format. Use one of these formats instead: {format}.",
        "datetime": "Expected a date but got a datetime.",
    }

    def _parse(self, value: Any, input_format: str) -> datetime.date | None:
        try:
            if input_format.lower() != ISO_8601:
                return datetime.datetime.strptime(value, input_format).date()
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                match = _DATE_RE.match(value)
                return datetime.date(*map(int, match.groups())) if match else None
        except (ValueError, TypeError):
            return None

    def to_internal_value(self, value: Any) -> Any:
        """The ``date`` of ``value``.

        Raises:
            ValidationError: "Date has wrong format. Use one of these formats instead: …"
        """
        if isinstance(value, datetime.datetime):
            self.fail("datetime")
        if isinstance(value, datetime.date):
            return value
        formats = self.parse_formats()
        for input_format in formats:
            parsed = self._parse(value, input_format)
            if parsed is not None:
                return parsed
        return self.fail("invalid", format=_humanize(formats, "YYYY-MM-DD"))

    def fast_representation(self) -> Callable[[Any], Any]:
        """For ``date`` values in ISO 8601, ``date.isoformat`` itself."""
        general = self.to_representation
        plain = type(self).to_representation is DateField.to_representation
        if not plain or str(self.output_format()).lower() != ISO_8601:
            return general
        date_type = datetime.date

        def represent(value: Any) -> Any:
            return value.isoformat() if type(value) is date_type else general(value)

        return represent

    def to_representation(self, value: Any) -> Any:
        """ISO 8601 text, the set format, or ``None`` for an empty value.

        Raises:
            TypeError: For a ``datetime`` (which would lose its time zone).
        """
        if not value:
            return None
        output_format = self.output_format()
        if output_format is None or isinstance(value, str):
            return value
        if isinstance(value, datetime.datetime):
            raise TypeError(
                "Expected a `date`, but got a `datetime`. Refusing to coerce, as this may mean "
                "losing timezone information. Use a custom read-only field and deal with "
                "timezone issues explicitly."
            )
        if output_format.lower() == ISO_8601:
            return value.isoformat()
        return value.strftime(output_format)


class TimeField(_Temporal):
    """A time of day, ISO 8601 by default (``"09:30:00"``)."""

    _unbound_output = True

    setting = "TIME"
    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid": "Time has wrong format. Use one of these formats instead: {format}.",
    }

    def to_internal_value(self, value: Any) -> Any:
        """The ``time`` of ``value``.

        Raises:
            ValidationError: "Time has wrong format. Use one of these formats instead: …"
        """
        if isinstance(value, datetime.time):
            return value
        formats = self.parse_formats()
        for input_format in formats:
            try:
                if input_format.lower() == ISO_8601:
                    return datetime.time.fromisoformat(value)
                return datetime.datetime.strptime(value, input_format).time()
            except (ValueError, TypeError):
                continue
        return self.fail("invalid", format=_humanize(formats, "hh:mm[:ss[.uuuuuu]]"))

    def to_representation(self, value: Any) -> Any:
        """ISO 8601 text, the set format, or ``None`` for an empty value.

        Raises:
            TypeError: For a ``datetime``.
        """
        if value in (None, ""):
            return None
        output_format = self.output_format()
        if output_format is None or isinstance(value, str):
            return value
        if isinstance(value, datetime.datetime):
            raise TypeError("Expected a `time`, but got a `datetime`. Refusing to coerce.")
        if output_format.lower() == ISO_8601:
            return value.isoformat()
        return value.strftime(output_format)


_DURATION = re.compile(
    r"^(?:(?P<days>-?\d+) (days?, )?)?(?P<sign>-?)((?:(?P<hours>\d+):)(?=\d+:\d+))?"
    r"(?:(?P<minutes>\d+):)?(?P<seconds>\d+)(?:[.,](?P<microseconds>\d{1,6})\d{0,6})?$"
)


_ISO_DURATION = re.compile(
    r"^(?P<sign>[-+]?)P(?:(?P<days>\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:[.,]\d+)?)H)?(?:(?P<minutes>\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?$"
)


def _parse_iso_duration(text: str) -> datetime.timedelta | None:
    """An ISO 8601 duration (``P3DT12H30M``), as a ``timedelta``."""
    match = _ISO_DURATION.match(text)
    if match is None or text.endswith(("P", "T")):
        return None
    parts = match.groupdict()
    sign = -1 if parts.pop("sign") == "-" else 1
    amounts = {key: float(value.replace(",", ".")) for key, value in parts.items() if value}
    return sign * datetime.timedelta(**amounts)


def _parse_duration(text: str) -> datetime.timedelta | None:
    """Django's ``[DD] [[HH:]MM:]ss[.uuuuuu]`` or an ISO 8601 duration, as a ``timedelta``."""
    match = _DURATION.match(text)
    if match is None:
        return _parse_iso_duration(text)
    parts = match.groupdict()
    sign = -1 if parts.pop("sign") == "-" else 1
    days = datetime.timedelta(days=float(parts.pop("days") or 0))
    micro = parts.pop("microseconds")
    time = {key: float(value) for key, value in parts.items() if value is not None}
    if micro:
        time["microseconds"] = float(micro.ljust(6, "0"))
    return days + sign * datetime.timedelta(**time)


def _duration_text(value: datetime.timedelta) -> str:
    """Django's duration text: ``"3 12:30:00"``, ``"00:01:05.500000"``."""
    days, seconds, micro = value.days, value.seconds, value.microseconds
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    text = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    if days:
        text = f"{days} {text}"
    if micro:
        text += f".{micro:06d}"
    return text


class DurationField(Field):
    """A ``timedelta``, as Django writes it (``"3 12:30:00"``)."""

    _unbound_output = True

    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid": "Duration has wrong format. Use one of these formats instead: {format}.",
        "max_value": "Ensure this value is less than or equal to {max_value}.",
        "min_value": "Ensure this value is greater than or equal to {min_value}.",
        "overflow": "The number of days must be between {min_days} and {max_days}.",
    }

    def __init__(self, **kwargs: Any) -> None:
        self.max_value: Any = kwargs.pop("max_value", None)
        self.min_value: Any = kwargs.pop("min_value", None)
        super().__init__(**kwargs)
        add_limit_validators(self, self.max_value, self.min_value)

    def to_internal_value(self, value: Any) -> Any:
        """The ``timedelta`` of ``value``.

        Raises:
            ValidationError: "Duration has wrong format. Use one of these formats instead: …"
        """
        if isinstance(value, datetime.timedelta):
            return value
        try:
            parsed = _parse_duration(str(value))
        except OverflowError:
            return self.fail(
                "overflow",
                min_days=datetime.timedelta.min.days,
                max_days=datetime.timedelta.max.days,
            )
        if parsed is not None:
            return parsed
        return self.fail("invalid", format="[DD] [HH:[MM:]]ss[.uuuuuu]")

    def to_representation(self, value: Any) -> Any:
        """Django's duration text."""
        return _duration_text(value)
