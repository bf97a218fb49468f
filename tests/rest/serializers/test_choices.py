"""Choice fields: values matched by their text, groups, enums, several choices at once."""

from __future__ import annotations

import enum
from typing import Any

from cupola.rest import serializers
from cupola.rest.serializers.base import Field


def check(field: Field, value: Any) -> Any:
    try:
        return field.run_validation(value)
    except serializers.ValidationError as exc:
        return [f"{detail} [{detail.code}]" for detail in exc.detail]


class Colour(enum.Enum):
    RED = "r"
    BLUE = "b"


def test_choices() -> None:
    field = serializers.ChoiceField(choices=[(1, "One"), (2, "Two")])
    assert check(field, "1") == 1
    assert check(field, 2) == 2
    assert check(field, "3") == ['"3" is not a valid choice. [invalid_choice]']
    assert check(field, "") == ['"" is not a valid choice. [invalid_choice]']
    assert field.to_representation("2") == 2
    grouped = serializers.ChoiceField(choices={"Warm": [("r", "Red")], "b": "Blue"})
    assert grouped.choices == {"r": "Red", "b": "Blue"}
    plain = serializers.ChoiceField(choices=["x", "y"], allow_blank=True)
    assert check(plain, "") == ""
    colours = serializers.ChoiceField(choices=[member.value for member in Colour])
    assert check(colours, Colour.RED) == "r"
    many = serializers.MultipleChoiceField(choices=["a", "b"], allow_empty=False)
    assert check(many, ["a", "b", "a"]) == ["a", "b"]
    assert check(many, "a") == ['Expected a list of items but got type "str". [not_a_list]']
    assert check(many, []) == ["This selection may not be empty. [empty]"]
    assert check(many, ["c"]) == ['"c" is not a valid choice. [invalid_choice]']
    assert many.to_representation(["b", "b"]) == ["b"]
