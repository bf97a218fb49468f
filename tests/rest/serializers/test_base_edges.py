"""The field base at its edges: builtin defaults, form lists, late fields, validators."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from cupola.exceptions import ImproperlyConfigured
from cupola.http.multidict import MultiDict
from cupola.rest import serializers
from cupola.rest.exceptions import ValidationError
from cupola.rest.serializers.bound import JSONBoundField


def test_callables_without_a_signature_are_not_called() -> None:
    class Item:
        def __init__(self) -> None:
            self.size = functools.partial(len, "abc")  # every argument given: called
            self.largest = functools.partial(max, 3, 5)  # no signature to tell: left as it is

    class Out(serializers.Serializer):
        size = serializers.ReadOnlyField()
        largest = serializers.ReadOnlyField()

    item = Item()
    data = Out(item).data
    assert data["size"] == 3
    assert data["largest"] is item.largest


def test_form_list_ignores_other_keys_with_the_same_start() -> None:
    class Tags(serializers.Serializer):
        tags = serializers.ListField(child=serializers.CharField())

    form = MultiDict([("tags[1]", "b"), ("tags[0]", "a"), ("tagsnote", "x"), ("tags_x", "y")])
    checked = Tags(data=form)
    assert checked.is_valid(), checked.errors
    assert checked.validated_data == {"tags": ["a", "b"]}


def test_field_added_late_with_a_redundant_source_is_refused() -> None:
    class Late(serializers.Serializer):
        def get_fields(self) -> dict[str, Any]:
            return {"title": serializers.CharField(source="title")}

    with pytest.raises(ImproperlyConfigured, match="redundant") as caught:
        Late().fields  # noqa: B018
    assert "Late" in str(caught.value)


def test_validators_replaced_and_dict_errors_kept() -> None:
    def no_spaces(value: str) -> None:
        if " " in value:
            raise ValidationError("No spaces.")

    def reserved(value: str) -> None:
        if value == "admin":
            raise ValidationError({"name": "Reserved."})

    field = serializers.CharField()
    field.validators = [no_spaces, reserved]
    assert field.validators == [no_spaces, reserved]
    with pytest.raises(ValidationError) as spaced:
        field.run_validation("a b")
    assert spaced.value.detail == ["No spaces."]
    with pytest.raises(ValidationError) as named:
        field.run_validation("admin")
    assert named.value.detail == {"name": "Reserved."}  # a dict is raised as it is


def test_empty_values_of_read_only_and_starred_fields() -> None:
    assert serializers.CharField(read_only=True, default="d").validate_empty_values("x") == (
        True,
        "d",
    )

    class Place(serializers.Serializer):
        city = serializers.CharField(required=False)

    class Visit(serializers.Serializer):
        place = Place(source="*", allow_null=True)

    # A null nested "*" field goes on to validation (its fields are merged into the parent).
    assert Visit().fields["place"].validate_empty_values(None) == (False, None)


def test_fields_are_subscriptable_for_typing() -> None:
    assert serializers.CharField[str] is serializers.CharField


def test_json_form_value_that_is_not_json() -> None:
    class Meta(serializers.Serializer):
        meta = serializers.JSONField()

    value = {1, 2}  # a set: no JSON text for it
    bound = Meta({"meta": value})["meta"]
    assert isinstance(bound, JSONBoundField)
    assert bound.as_form_field().value == value
    submitted = Meta(data={"meta": "[1]"})
    assert submitted.is_valid() is True
    assert submitted["meta"].as_form_field().value == "[1]"  # form text stays as typed
