"""Bound fields and select options: what form renderers read from a serializer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from cupola.rest import serializers
from cupola.rest.serializers.bound import BoundField, JSONBoundField, NestedBoundField
from cupola.rest.serializers.choices import Option

from .conftest import Shelf


class Address(serializers.Serializer):
    city = serializers.CharField()
    zip = serializers.CharField(allow_null=True)


class Person(serializers.Serializer):
    name = serializers.CharField(max_length=10)
    active = serializers.BooleanField()
    meta = serializers.JSONField()
    address = Address()


def test_bound_fields_of_data_and_errors() -> None:
    person = Person(
        {"name": "Ann", "active": False, "meta": {"b": 1}, "address": {"city": "X", "zip": None}}
    )
    names = [field.name for field in person]
    assert names == ["name", "active", "meta", "address"]
    name = person["name"]
    assert isinstance(name, BoundField)
    assert (name.value, name.errors, name.max_length) == ("Ann", None, 10)
    assert name._proxy_class is serializers.CharField
    assert person["active"].as_form_field().value == ""
    meta = person["meta"]
    assert isinstance(meta, JSONBoundField)
    assert meta.as_form_field().value == '{\n    "b": 1\n}'
    address = person["address"]
    assert isinstance(address, NestedBoundField)
    assert [field.name for field in address] == ["address.city", "address.zip"]
    assert address["zip"].value is None
    assert address.as_form_field().value == {"city": "X", "zip": ""}
    assert "value=Ann" in repr(name)

    invalid = Person(data={"name": "x" * 11, "address": "nope"})
    assert not invalid.is_valid()
    assert invalid["name"].errors == ["Ensure this field has no more than 10 characters."]
    assert invalid["name"].value == "x" * 11
    assert invalid["address"].value == {}


def test_select_options() -> None:
    field = serializers.ChoiceField(
        choices=[("a", "Apple"), ("Citrus", [("l", "Lemon"), ("o", "Orange")])],
        html_cutoff=2,
        html_cutoff_text="More than {count} items...",
    )
    options = list(field.iter_options())
    assert options == [
        Option(value="a", display_text="Apple"),
        Option(start_option_group=True, label="Citrus"),
        Option(value="l", display_text="Lemon"),
        Option(end_option_group=True),
        Option(value="n/a", display_text="More than 2 items...", disabled=True),
    ]
    plain = serializers.ChoiceField(choices=["x", "y"])
    assert [option.value for option in plain.iter_options()] == ["x", "y"]


def test_related_options(shelf: Shelf) -> None:
    shelf.add(shelf.Author(name="Ann"), shelf.Author(name="Bob"))
    field: Any = serializers.PrimaryKeyRelatedField(
        queryset=select(shelf.Author).order_by(shelf.Author.id)
    )
    ids = [
        author.id
        for author in shelf.db.session.scalars(select(shelf.Author).order_by(shelf.Author.id))
    ]
    assert [(o.value, o.display_text) for o in field.iter_options()] == [
        (ids[0], "Ann"),
        (ids[1], "Bob"),
    ]
    assert field.grouped_choices == {ids[0]: "Ann", ids[1]: "Bob"}
