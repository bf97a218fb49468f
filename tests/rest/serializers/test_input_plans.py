"""The fields a serializer class shares to validate input, and when an instance binds its own.

A top-level serializer validating whole JSON-like input with fields that need no binding
uses unbound copies built once per class (and app settings); form input, partial updates,
nested serializers, fields reading their binding and instances that changed their fields
bind fields of their own. Either way the answers are the same.
"""

from __future__ import annotations

from typing import Any

import pytest

from cupola import Cupola
from cupola.http.multidict import MultiDict
from cupola.rest import serializers


class NoteSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=5)
    price = serializers.FloatField()
    done = serializers.BooleanField(required=False)

    def validate_name(self, value: str) -> str:
        return value.upper()


def test_whole_input_is_validated_without_binding_fields(plain_app: Cupola) -> None:
    serializer = NoteSerializer(data={"name": "milk", "price": "2.5"})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data == {"name": "MILK", "price": 2.5}
    assert "fields" not in serializer.__dict__
    other = NoteSerializer(data={"name": "bread", "price": 1})
    assert other.is_valid()
    assert other._input_plan({})[0][0] is serializer._input_plan({})[0][0]  # one copy


def test_shared_fields_give_the_bound_fields_errors(plain_app: Cupola) -> None:
    data = {"name": "cheese", "price": "x", "done": "maybe"}
    shared = NoteSerializer(data=data)
    bound = NoteSerializer(data=data)
    bound.fields  # noqa: B018  # an instance that built its fields validates with them
    assert not shared.is_valid() and not bound.is_valid()
    assert (
        shared.errors
        == bound.errors
        == {
            "name": ["Ensure this field has no more than 5 characters."],
            "price": ["A valid number is required."],
            "done": ["Must be a valid boolean."],
        }
    )
    assert "fields" not in shared.__dict__
    assert not NoteSerializer(data={}).is_valid()


def test_form_input_and_partial_updates_bind_fields(plain_app: Cupola) -> None:
    form = NoteSerializer(data=MultiDict([("name", "tea"), ("price", "1")]))
    assert form.is_valid(), form.errors
    assert form.validated_data == {"name": "TEA", "price": 1.0, "done": False}  # HTML rule
    assert "fields" in form.__dict__
    partial = NoteSerializer(data={"price": 3}, partial=True)
    assert partial.is_valid(), partial.errors
    assert partial.validated_data == {"price": 3.0}
    assert "fields" in partial.__dict__


def test_an_instance_with_changed_fields_validates_with_them(plain_app: Cupola) -> None:
    class Lenient(NoteSerializer):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.fields["price"].required = False

    serializer = Lenient(data={"name": "jam"})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data == {"name": "JAM"}


class FromContext:
    requires_context = True

    def __call__(self, field: Any) -> Any:
        return field.context["owner"]


class OwnedSerializer(serializers.Serializer):
    name = serializers.CharField()
    owner = serializers.CharField(default=FromContext())
    kind = serializers.CharField(read_only=True, default="note")


@pytest.mark.parametrize("read_only_default", [False, True])
def test_fields_reading_their_binding_are_bound(plain_app: Cupola, read_only_default: bool) -> None:
    class Owned(OwnedSerializer):
        pass

    if not read_only_default:  # only the context default reads the binding
        Owned._declared_fields = {
            k: v for k, v in OwnedSerializer._declared_fields.items() if k != "kind"
        }
    serializer = Owned(data={"name": "a"}, context={"owner": "ann"})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["owner"] == "ann"
    assert "fields" in serializer.__dict__
    assert serializer._shared_input_fields() is None


def test_context_validators_are_bound(plain_app: Cupola) -> None:
    seen: list[Any] = []

    class Recording:
        requires_context = True

        def __call__(self, value: Any, field: Any) -> None:
            seen.append(field.parent)

    class Checked(serializers.Serializer):
        name = serializers.CharField(validators=[Recording()])

    serializer = Checked(data={"name": "x"})
    assert serializer.is_valid(), serializer.errors
    assert seen == [serializer]


def test_nested_serializers_bind_their_fields(plain_app: Cupola) -> None:
    class Basket(serializers.Serializer):
        note = NoteSerializer()

    outer = Basket(data={"note": {"name": "egg", "price": 1}})
    assert outer.is_valid(), outer.errors
    assert outer.validated_data == {"note": {"name": "EGG", "price": 1.0}}
    assert "fields" in outer.fields["note"].__dict__


def test_the_shared_fields_follow_the_app_settings(plain_app: Cupola) -> None:
    first = NoteSerializer(data={"name": "a", "price": 1})._shared_input_fields()
    plain_app.config["REST"] = {"PAGE_SIZE": 3}  # other settings: other copies
    second = NoteSerializer(data={"name": "a", "price": 1})._shared_input_fields()
    assert first is not None and second is not None and first is not second


def test_read_only_defaults_reach_the_validators(plain_app: Cupola) -> None:
    seen: list[Any] = []

    class Stamped(serializers.Serializer):
        name = serializers.CharField()
        kind = serializers.CharField(read_only=True, default="note")

        class Meta:
            validators = [seen.append]

    class Added(NoteSerializer):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.fields["id"].default = 7  # an instance's own read-only default

        class Meta:
            validators = [seen.append]

    for _ in range(2):  # the class's answer is kept, the instance's fields are read
        assert Stamped(data={"name": "a"}).is_valid()
        assert Added(data={"name": "b", "price": 1}).is_valid()
    assert seen[:2] == [{"kind": "note", "name": "a"}, {"id": 7, "name": "B", "price": 1.0}]
