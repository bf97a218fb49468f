"""``ListSerializer`` (``many=True``): lists in and out, errors by item, bulk create."""

from __future__ import annotations

from typing import Any

import pytest

from cupola.http.multidict import MultiDict
from cupola.rest import serializers


class Item(serializers.Serializer):
    name = serializers.CharField()
    qty = serializers.IntegerField(default=1)

    def create(self, validated_data: dict[str, Any]) -> dict[str, Any]:
        return {"created": True, **validated_data}


def test_many_builds_a_list_serializer() -> None:
    serializer = Item([{"name": "a", "qty": 2}, {"name": "b", "qty": 3}], many=True)
    assert isinstance(serializer, serializers.ListSerializer)
    assert serializer.data == [{"name": "a", "qty": 2}, {"name": "b", "qty": 3}]
    assert serializer.data.serializer is serializer
    assert "child=Item" in repr(serializer)


def test_many_with_instance_and_context_is_as_built_by_the_constructors() -> None:
    rows = [{"name": "a", "qty": 2}]
    context = {"request": None}
    built = [Item(rows, many=True, context=context) for _ in range(2)]
    first, second = built
    assert first is not second and first.child is not second.child
    for serializer in built:
        assert serializer.instance is rows and serializer.child.instance is rows
        assert serializer.context is context and serializer.child.context is context
        assert serializer.child.parent is serializer and serializer.child.field_name == ""
        assert serializer.partial is False and serializer.allow_empty is True
        assert serializer.child._order < serializer._order
    assert first._order < second.child._order
    assert repr(first) == repr(Item(rows, many=True, context=context, allow_empty=True))
    first.child.fields["name"].label = "changed"
    assert second.child.fields["name"].label == "Name"
    assert second.data == [{"name": "a", "qty": 2}]
    bare = Item(many=True)
    assert bare.instance is None and bare.context == {} and bare.child.context == {}


def test_errors_by_index_and_bulk_create() -> None:
    bad = Item(data=[{"name": "a"}, {"qty": "x"}, "oops"], many=True)
    assert not bad.is_valid()
    assert bad.errors == {
        1: {"name": ["This field is required."], "qty": ["A valid integer is required."]},
        2: {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]},
    }
    assert bad.validated_data == []
    good = Item(data=[{"name": "a"}, {"name": "b", "qty": 5}], many=True)
    assert good.is_valid()
    assert good.save(by="me") == [
        {"created": True, "name": "a", "qty": 1, "by": "me"},
        {"created": True, "name": "b", "qty": 5, "by": "me"},
    ]


def test_list_shape_errors() -> None:
    not_a_list = Item(data={"name": "a"}, many=True)
    assert not not_a_list.is_valid()
    assert not_a_list.errors == {
        "non_field_errors": ['Expected a list of items but got type "dict".']
    }
    empty = Item(data=[], many=True, allow_empty=False)
    assert not empty.is_valid()
    assert empty.errors == {"non_field_errors": ["This list may not be empty."]}
    long = Item(data=[{"name": "a"}] * 3, many=True, max_length=2)
    assert not long.is_valid()
    assert long.errors == {"non_field_errors": ["Ensure this field has no more than 2 elements."]}
    short = Item(data=[{"name": "a"}], many=True, min_length=2)
    assert not short.is_valid()
    assert short.errors == {"non_field_errors": ["Ensure this field has at least 2 elements."]}
    nothing = Item(data=None, many=True)
    assert not nothing.is_valid()
    assert nothing.errors == {"non_field_errors": ["No data provided"]}


def test_form_lists_and_update_refusal() -> None:
    form = Item(data=MultiDict([("[0]name", "a"), ("[1]name", "b")]), many=True)
    assert form.is_valid(), form.errors
    assert [item["name"] for item in form.validated_data] == ["a", "b"]
    updating = Item([{"name": "a"}], data=[{"name": "b"}], many=True)
    assert updating.is_valid()
    with pytest.raises(NotImplementedError, match="multiple update"):
        updating.save()


def test_custom_list_serializer_class() -> None:
    class Sorted(serializers.ListSerializer):
        def to_representation(self, data: Any) -> Any:
            return sorted(super().to_representation(data), key=lambda item: item["name"])

    class Named(serializers.Serializer):
        name = serializers.CharField()

        class Meta:
            list_serializer_class = Sorted

    assert Named([{"name": "b"}, {"name": "a"}], many=True).data == [
        {"name": "a"},
        {"name": "b"},
    ]
    with pytest.raises(TypeError, match="child"):
        serializers.ListSerializer()


def test_nested_lists_validate_and_read_forms() -> None:
    class Order(serializers.Serializer):
        items = Item(many=True)

        def validate_items(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return sorted(items, key=lambda item: item["name"])

    form = Order(data=MultiDict([("items[0]name", "b"), ("items[1]name", "a")]))
    assert form.is_valid(), form.errors
    assert [item["name"] for item in form.validated_data["items"]] == ["a", "b"]
    assert Order().data == {"items": []}
    missing = Order(data=MultiDict([]))
    assert not missing.is_valid()
    assert missing.errors == {"items": ["This field is required."]}


def test_list_validate_hooks() -> None:
    class Unique(serializers.ListSerializer):
        def validate(self, attrs: Any) -> Any:
            names = [item["name"] for item in attrs]
            if len(set(names)) != len(names):
                raise serializers.ValidationError("Names repeat.")
            return attrs

    class Forgetful(serializers.ListSerializer):
        def validate(self, attrs: Any) -> Any:
            return None

    repeated = Unique(child=Item(), data=[{"name": "a"}, {"name": "a"}])
    assert not repeated.is_valid()
    assert repeated.errors == {"non_field_errors": ["Names repeat."]}
    with pytest.raises(AssertionError, match="should return the validated data"):
        Forgetful(child=Item(), data=[]).is_valid()
    with pytest.raises(AssertionError, match="commit"):
        Item(data=[], many=True).save(commit=True)
    invalid = Item(data=[{"name": "a"}, {"name": ""}], many=True)
    invalid.is_valid()
    assert invalid.data == [{"name": "a", "qty": 1}, {"name": "", "qty": 1}]


def test_list_errors_as_a_list_when_configured() -> None:
    from cupola import Cupola

    app = Cupola(__name__, config={"REST": {"LIST_SERIALIZER_ERRORS_AS_DICT": False}})
    with app.app_context():
        bad = Item(data=[{"name": "a"}, {}], many=True)
        assert not bad.is_valid()
        assert bad.errors == [{}, {"name": ["This field is required."]}]
        assert bad.errors.serializer is bad


def test_custom_bulk_update() -> None:
    class Bulk(serializers.ListSerializer):
        def update(self, instance: Any, validated_data: Any) -> Any:
            return [{**old, **new} for old, new in zip(instance, validated_data, strict=True)]

    updated = Bulk(
        [{"name": "a", "qty": 1}], child=Item(), data=[{"name": "a", "qty": 4}], partial=True
    )
    assert updated.is_valid(), updated.errors
    assert updated.save() == [{"name": "a", "qty": 4}]
