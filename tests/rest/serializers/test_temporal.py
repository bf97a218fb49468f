"""Date, time and duration fields: ISO 8601 by default, formats from the app's settings."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from cupola import Cupola
from cupola.rest import serializers
from cupola.rest.serializers.base import Field

UTC = datetime.UTC
DATETIME_FORMATS = "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]"


def check(field: Field, value: Any) -> Any:
    try:
        return field.run_validation(value)
    except serializers.ValidationError as exc:
        return [f"{detail} [{detail.code}]" for detail in exc.detail]


def test_date() -> None:
    field = serializers.DateField()
    assert check(field, "2026-01-31") == datetime.date(2026, 1, 31)
    assert check(field, "2026-1-5") == datetime.date(2026, 1, 5)
    assert check(field, datetime.date(2026, 1, 2)) == datetime.date(2026, 1, 2)
    message = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD. [invalid]"
    assert check(field, "2026-02-30") == [message]
    assert check(field, 5) == [message]
    assert check(field, datetime.datetime(2026, 1, 1)) == [
        "Expected a date but got a datetime. [datetime]"
    ]
    assert field.to_representation(datetime.date(2026, 1, 2)) == "2026-01-02"
    assert field.to_representation(None) is None
    assert field.to_representation("2026") == "2026"
    with pytest.raises(TypeError, match="Expected a `date`"):
        field.to_representation(datetime.datetime(2026, 1, 1))
    custom = serializers.DateField(format="%d/%m/%Y", input_formats=["%d/%m/%Y", "iso-8601"])
    assert check(custom, "31/01/2026") == datetime.date(2026, 1, 31)
    assert check(custom, "2026-01-31") == datetime.date(2026, 1, 31)
    assert check(custom, "x") == [
        "Date has wrong format. Use one of these formats instead: DD/MM/YYYY, YYYY-MM-DD. [invalid]"
    ]
    assert custom.to_representation(datetime.date(2026, 1, 31)) == "31/01/2026"
    assert serializers.DateField(format=None).to_representation(
        datetime.date(2026, 1, 1)
    ) == datetime.date(2026, 1, 1)


def test_datetime_naive_by_default() -> None:
    field = serializers.DateTimeField()
    assert check(field, "2026-01-31T09:30:00Z") == datetime.datetime(2026, 1, 31, 9, 30)
    assert check(field, "2026-01-31T09:30+02:00") == datetime.datetime(2026, 1, 31, 7, 30)
    assert check(field, "2026-01-31 09:30") == datetime.datetime(2026, 1, 31, 9, 30)
    assert check(field, "yesterday") == [
        f"Datetime has wrong format. Use one of these formats instead: {DATETIME_FORMATS}. "
        "[invalid]"
    ]
    assert check(field, datetime.date(2026, 1, 1)) == ["Expected a datetime but got a date. [date]"]
    assert field.to_representation(datetime.datetime(2026, 1, 1, 8, 0, 1)) == "2026-01-01T08:00:01"
    assert field.to_representation(None) is None


def test_datetime_in_a_timezone() -> None:
    field = serializers.DateTimeField(default_timezone=UTC)
    assert check(field, "2026-01-31T09:30") == datetime.datetime(2026, 1, 31, 9, 30, tzinfo=UTC)
    moment = datetime.datetime(
        2026, 1, 31, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )
    assert field.to_representation(moment) == "2026-01-31T07:30:00Z"
    assert field.to_representation(datetime.datetime(2026, 1, 1)) == "2026-01-01T00:00:00Z"
    formatted = serializers.DateTimeField(format="%Y %H:%M", input_formats=["%Y %H:%M"])
    assert check(formatted, "2026 10:05") == datetime.datetime(2026, 1, 1, 10, 5)
    assert formatted.to_representation(datetime.datetime(2026, 1, 1, 10, 5)) == "2026 10:05"


def test_time_and_duration() -> None:
    field = serializers.TimeField()
    assert check(field, "09:30") == datetime.time(9, 30)
    assert check(field, "25:00") == [
        "Time has wrong format. Use one of these formats instead: hh:mm[:ss[.uuuuuu]]. [invalid]"
    ]
    assert field.to_representation(datetime.time(9, 30, 1, 5)) == "09:30:01.000005"
    assert field.to_representation("") is None
    duration = serializers.DurationField(max_value=datetime.timedelta(days=5))
    assert check(duration, "3 12:30:00") == datetime.timedelta(days=3, hours=12, minutes=30)
    assert check(duration, "1.5") == datetime.timedelta(seconds=1.5)
    assert check(duration, "PT1H30M") == datetime.timedelta(hours=1, minutes=30)
    assert check(duration, "-P1DT1S") == -datetime.timedelta(days=1, seconds=1)
    assert check(duration, "P") == [
        "Duration has wrong format. Use one of these formats instead: [DD] [HH:[MM:]]ss[.uuuuuu]. "
        "[invalid]"
    ]
    assert check(duration, "6 00:00:00") == [
        "Ensure this value is less than or equal to 5 days, 0:00:00. [max_value]"
    ]
    assert duration.to_representation(datetime.timedelta(days=-1, seconds=5)) == "-1 00:00:05"
    assert duration.to_representation(datetime.timedelta(microseconds=500)) == "00:00:00.000500"


def test_formats_follow_the_app_settings() -> None:
    class Event(serializers.Serializer):
        day = serializers.DateField()

    app = Cupola(
        __name__, config={"REST": {"DATE_FORMAT": "%d.%m.%Y", "DATE_INPUT_FORMATS": ["%d.%m.%Y"]}}
    )
    with app.app_context():
        assert Event({"day": datetime.date(2026, 3, 1)}).data == {"day": "01.03.2026"}
        parsed = Event(data={"day": "02.03.2026"})
        assert parsed.is_valid()
        assert parsed.validated_data == {"day": datetime.date(2026, 3, 2)}
        refused = Event(data={"day": "2026-03-02"})
        assert not refused.is_valid()
        assert refused.errors == {
            "day": ["Date has wrong format. Use one of these formats instead: DD.MM.YYYY."]
        }
    assert Event({"day": datetime.date(2026, 3, 1)}).data == {"day": "2026-03-01"}


def test_edges() -> None:
    naive = serializers.DateTimeField(format=None)
    moment = datetime.datetime(2026, 1, 1, 10, 0)
    assert naive.to_representation(moment) is moment
    assert naive.to_representation("2026") == "2026"
    far = serializers.DateTimeField(
        default_timezone=datetime.timezone(datetime.timedelta(hours=-5))
    )
    assert check(far, "0001-01-01T01:00:00+00:00") == ["Datetime value out of range. [overflow]"]
    aware = datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    assert check(serializers.DateTimeField(), aware) == datetime.datetime(2026, 1, 1, 10)
    clock = serializers.TimeField(format="%H.%M", input_formats=["%H.%M"])
    assert check(clock, "09.30") == datetime.time(9, 30)
    assert check(clock, datetime.time(8)) == datetime.time(8)
    assert clock.to_representation(datetime.time(9, 30)) == "09.30"
    assert serializers.TimeField(format=None).to_representation(datetime.time(1)) == datetime.time(
        1
    )
    with pytest.raises(TypeError, match="Expected a `time`"):
        serializers.TimeField().to_representation(datetime.datetime(2026, 1, 1))
    duration = serializers.DurationField()
    assert check(duration, datetime.timedelta(seconds=3)) == datetime.timedelta(seconds=3)
    assert check(duration, "9999999999 00:00:00") == [
        "The number of days must be between -999999999 and 999999999. [overflow]"
    ]
