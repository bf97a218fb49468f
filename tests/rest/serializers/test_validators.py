"""Validators: limits, patterns, addresses, and uniqueness queries on the app's session."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from cupola.rest import serializers, validators

from .conftest import Shelf


def messages(validator: object, value: object) -> list[tuple[str, str | None]]:
    try:
        validator(value)  # type: ignore[operator]
    except serializers.ValidationError as exc:
        return [(str(detail), detail.code) for detail in exc.detail]
    return []


def test_limits_and_patterns() -> None:
    assert messages(validators.MaxLengthValidator(2, "Too long."), "abc") == [
        ("Too long.", "max_length")
    ]
    assert messages(validators.MinLengthValidator(2, "Too short."), "a") == [
        ("Too short.", "min_length")
    ]
    assert messages(validators.MaxValueValidator(2, "Big."), 3) == [("Big.", "max_value")]
    assert messages(validators.MinValueValidator(2, "Small."), 1) == [("Small.", "min_value")]
    assert messages(validators.MaxValueValidator(2, "Big."), 2) == []
    assert validators.MaxValueValidator(2, "a") == validators.MaxValueValidator(2, "b")
    assert validators.MaxValueValidator(2, "a") != validators.MinValueValidator(2, "a")
    assert "MaxValueValidator(2)" in repr(validators.MaxValueValidator(2, "a"))
    assert messages(validators.RegexValidator(r"^a", "No."), "ba") == [("No.", "invalid")]
    assert messages(validators.EmailValidator("Bad."), "x" * 321) == [("Bad.", "invalid")]
    assert messages(validators.EmailValidator("Bad."), "a@[nope]") == [("Bad.", "invalid")]
    assert messages(validators.EmailValidator("Bad."), "a@exa mple.com") == [("Bad.", "invalid")]
    assert messages(validators.URLValidator("Bad."), "http://[zz::1]/") == [("Bad.", "invalid")]


def test_unique_validator_queries_the_app_session(shelf: Shelf) -> None:
    shelf.add(shelf.Author(name="Herbert"))

    class AuthorSerializer(serializers.Serializer):
        name = serializers.CharField(
            validators=[validators.UniqueValidator(select(shelf.Author), lookup="iexact")]
        )

    clash = AuthorSerializer(data={"name": "HERBERT"})
    assert not clash.is_valid()
    assert clash.errors == {"name": ["This field must be unique."]}
    assert AuthorSerializer(data={"name": "Herb%"}).is_valid()
    assert "UniqueValidator" in repr(AuthorSerializer().fields["name"].validators[0])


def test_unique_together_validator(shelf: Shelf) -> None:
    shelf.add(shelf.Book(title="Dune", price=Decimal(1)))
    book = shelf.db.session.scalars(select(shelf.Book)).one()

    class PriceSerializer(serializers.Serializer):
        title = serializers.CharField()
        price = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)

        class Meta:
            validators = [
                validators.UniqueTogetherValidator(
                    select(shelf.Book), ["title", "price"], message="Seen {field_names}."
                )
            ]

    clash = PriceSerializer(data={"title": "Dune", "price": "1"})
    assert not clash.is_valid()
    assert clash.errors == {"non_field_errors": ["Seen title, price."]}
    assert PriceSerializer(data={"title": "Dune", "price": None}).is_valid()
    assert PriceSerializer(book, data={"title": "Dune", "price": "1"}).is_valid()
    assert "UniqueTogetherValidator" in repr(PriceSerializer.Meta.validators[0])


@pytest.mark.parametrize("value", ["a\x00b", "\udfff"])
def test_prohibited_characters(value: str) -> None:
    found = messages(validators.ProhibitNullCharactersValidator(), value) + messages(
        validators.ProhibitSurrogateCharactersValidator(), value
    )
    assert len(found) == 1
