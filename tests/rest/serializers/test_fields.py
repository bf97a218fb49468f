"""Scalar fields: text, numbers, booleans and choices, with DRF's messages and codes."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from cupola import Cupola
from cupola.rest import serializers
from cupola.rest.serializers.base import Field


def check(field: Field, value: Any) -> Any:
    """The validated value, or the error messages, of ``value`` in ``field``."""
    try:
        return field.run_validation(value)
    except serializers.ValidationError as exc:
        return [f"{detail} [{detail.code}]" for detail in exc.detail]


def test_boolean() -> None:
    field = serializers.BooleanField()
    for value in ("true", "True", "on", "1", 1, True, "y"):
        assert check(field, value) is True
    for value in ("false", "off", "0", 0, False, 0.0, "n"):
        assert check(field, value) is False
    assert check(field, "maybe") == ["Must be a valid boolean. [invalid]"]
    assert check(field, []) == ["Must be a valid boolean. [invalid]"]
    assert check(field, None) == ["This field may not be null. [null]"]
    nullable = serializers.BooleanField(allow_null=True)
    assert check(nullable, "null") is None
    assert field.to_representation("yes") is True
    assert field.to_representation(2) is True
    assert nullable.to_representation("") is None


def test_char() -> None:
    field = serializers.CharField(max_length=3, min_length=2)
    assert check(field, " ab ") == "ab"
    assert check(field, 12) == "12"
    assert check(field, "abcd") == ["Ensure this field has no more than 3 characters. [max_length]"]
    assert check(field, "a") == ["Ensure this field has at least 2 characters. [min_length]"]
    assert check(field, "   ") == ["This field may not be blank. [blank]"]
    assert check(field, True) == ["Not a valid string. [invalid]"]
    assert check(field, {"a": 1}) == ["Not a valid string. [invalid]"]
    assert check(field, "a\x00") == [
        "Null characters are not allowed. [null_characters_not_allowed]"
    ]
    assert check(field, "a\ud800") == [
        "Surrogate characters are not allowed: U+D800. [surrogate_characters_not_allowed]"
    ]
    raw = serializers.CharField(trim_whitespace=False, allow_blank=True)
    assert check(raw, " a ") == " a "
    assert check(raw, "") == ""
    assert field.to_representation(5) == "5"


@pytest.mark.parametrize(
    ("field", "good", "bad", "message"),
    [
        (serializers.EmailField(), "ann@example.com", "ann@", "Enter a valid email address."),
        (
            serializers.EmailField(),
            '"ab"@[127.0.0.1]',
            '"a b"@[::1]',
            "Enter a valid email address.",
        ),
        (serializers.EmailField(), "a@café.com", "a@[IPv6:::1]", "Enter a valid email address."),
        (serializers.URLField(), "http://1.2.3.4:99999", "http://a_b.com", "Enter a valid URL."),
        (serializers.URLField(), "http://localhost:8000/a?b#c", "ftp//x", "Enter a valid URL."),
        (serializers.URLField(), "https://[::1]/", "mailto:a@b.co", "Enter a valid URL."),
        (
            serializers.SlugField(),
            "a-b_1",
            "a b",
            'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.',
        ),
        (
            serializers.SlugField(allow_unicode=True),
            "café",
            "ca fé",
            'Enter a valid "slug" consisting of Unicode letters, numbers, underscores, or hyphens.',
        ),
        (
            serializers.RegexField(r"^\d{3}$"),
            "123",
            "12",
            "This value does not match the required pattern.",
        ),
    ],
)
def test_text_formats(field: Field, good: str, bad: str, message: str) -> None:
    assert check(field, good) == good
    assert check(field, bad) == [f"{message} [invalid]"]


def test_uuid() -> None:
    value = uuid.UUID("12345678-1234-5678-1234-567812345678")
    field = serializers.UUIDField()
    assert check(field, str(value)) == value
    assert check(field, value.int) == value
    assert check(field, value) == value
    assert check(field, "nope") == ["Must be a valid UUID. [invalid]"]
    assert check(field, 1.5) == ["Must be a valid UUID. [invalid]"]
    assert serializers.UUIDField(format="hex").to_representation(value) == value.hex
    assert field.to_representation(value) == str(value)
    with pytest.raises(ValueError, match="Invalid format"):
        serializers.UUIDField(format="base64")


def test_integer_and_float() -> None:
    field = serializers.IntegerField(min_value=1, max_value=10)
    assert check(field, "3") == 3
    assert check(field, "3.0") == 3
    assert check(field, "3.5") == ["A valid integer is required. [invalid]"]
    assert check(field, 11) == ["Ensure this value is less than or equal to 10. [max_value]"]
    assert check(field, 0) == ["Ensure this value is greater than or equal to 1. [min_value]"]
    assert check(field, "1" * 1001) == ["String value too large. [max_string_length]"]
    number = serializers.FloatField()
    assert check(number, "1.5") == 1.5
    assert check(number, "inf") == ["A valid number is required. [invalid]"]
    assert check(number, 10**400) == ["Integer value too large to convert to float [overflow]"]
    assert number.to_representation(2) == 2.0
    assert field.to_representation("4") == 4


def test_decimal() -> None:
    field = serializers.DecimalField(max_digits=5, decimal_places=2)
    assert check(field, "1.5") == Decimal("1.50")
    assert check(field, 2) == Decimal("2.00")
    assert check(field, "1.234") == [
        "Ensure that there are no more than 2 decimal places. [max_decimal_places]"
    ]
    assert check(field, "1234.5") == [
        "Ensure that there are no more than 3 digits before the decimal point. [max_whole_digits]"
    ]
    assert check(field, "123456") == [
        "Ensure that there are no more than 5 digits in total. [max_digits]"
    ]
    assert check(field, "0.0001") == [
        "Ensure that there are no more than 2 decimal places. [max_decimal_places]"
    ]
    for bad in ("abc", "nan", "Infinity", "-inf"):
        assert check(field, bad) == ["A valid number is required. [invalid]"]
    assert field.to_representation(Decimal("9.9")) == "9.90"
    assert field.to_representation(3) == "3.00"
    nullable = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    assert check(nullable, " ") is None
    assert serializers.DecimalField(
        max_digits=None, decimal_places=None, coerce_to_string=False
    ).to_representation(Decimal("1.5")) == Decimal("1.5")
    normal = serializers.DecimalField(max_digits=5, decimal_places=2, normalize_output=True)
    assert normal.to_representation(Decimal("1.50")) == "1.5"
    limited = serializers.DecimalField(max_digits=5, decimal_places=2, max_value=Decimal(10))
    assert check(limited, "11") == ["Ensure this value is less than or equal to 10. [max_value]"]


def test_decimal_output_follows_the_app_setting() -> None:
    class Price(serializers.Serializer):
        price = serializers.DecimalField(max_digits=5, decimal_places=2)

    assert Price({"price": Decimal("1.5")}).data == {"price": "1.50"}
    app = Cupola(__name__, config={"REST": {"COERCE_DECIMAL_TO_STRING": False}})
    with app.app_context():
        assert Price({"price": Decimal("1.5")}).data == {"price": Decimal("1.50")}
    assert Price({"price": Decimal("1.5")}).data == {"price": "1.50"}
