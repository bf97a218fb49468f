"""``Field``: options, input and output rules, binding once per class, HTML form rules."""

from __future__ import annotations

from typing import Any

import pytest

from cupola.exceptions import ImproperlyConfigured
from cupola.http.multidict import MultiDict
from cupola.rest import serializers
from cupola.rest.serializers.base import Field, get_attribute, parse_html_dict, parse_html_list


class Person:
    def __init__(self, name: str, friend: Any = None) -> None:
        self.name = name
        self.friend = friend

    def shout(self) -> str:
        return self.name.upper()

    def greet(self, other: str) -> str:  # needs an argument: never called as a source
        return other


def errors_of(serializer_class: type[serializers.Serializer], data: Any, **kw: Any) -> Any:
    serializer = serializer_class(data=data, **kw)
    assert not serializer.is_valid()
    return serializer.errors


def test_required_null_and_default() -> None:
    class S(serializers.Serializer):
        a = serializers.CharField()
        b = serializers.CharField(default="x")
        c = serializers.CharField(allow_null=True, required=False)
        d = serializers.IntegerField(required=False)

    assert errors_of(S, {"a": None}) == {"a": ["This field may not be null."]}
    assert errors_of(S, {}) == {"a": ["This field is required."]}
    assert errors_of(S, {})["a"][0].code == "required"
    good = S(data={"a": "y", "c": None})
    assert good.is_valid()
    assert good.validated_data == {"a": "y", "b": "x", "c": None}


def test_callable_defaults_and_context_defaults() -> None:
    class CurrentUser:
        requires_context = True

        def __call__(self, field: Field) -> Any:
            return field.context["user"]

    class S(serializers.Serializer):
        n = serializers.IntegerField(default=lambda: 7)
        owner = serializers.HiddenField(default=CurrentUser())

    serializer = S(data={"owner": "ignored"}, context={"user": "leila"})
    assert serializer.is_valid()
    assert serializer.validated_data == {"n": 7, "owner": "leila"}
    partial = S(data={}, partial=True, context={"user": "leila"})
    assert partial.is_valid()
    assert partial.validated_data == {}


def test_contradicting_options_are_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="read_only"):
        serializers.CharField(read_only=True, write_only=True)
    with pytest.raises(ImproperlyConfigured, match="required"):
        serializers.CharField(read_only=True, required=True)
    with pytest.raises(ImproperlyConfigured, match="default"):
        serializers.CharField(required=True, default="x")
    with pytest.raises(ImproperlyConfigured, match="ReadOnlyField"):
        Field(read_only=True)
    with pytest.raises(ImproperlyConfigured, match="redundant"):

        class Bad(serializers.Serializer):
            name = serializers.CharField(source="name")


def test_sources_dotted_star_and_methods() -> None:
    class S(serializers.Serializer):
        name = serializers.CharField()
        friend_name = serializers.CharField(source="friend.name", read_only=True)
        loud = serializers.CharField(source="shout", read_only=True)
        whole = serializers.SerializerMethodField()

        def get_whole(self, obj: Any) -> str:
            return f"{obj['name'] if isinstance(obj, dict) else obj.name}!"

    ann = Person("ann", Person("bob"))
    assert S(ann).data == {"name": "ann", "friend_name": "bob", "loud": "ANN", "whole": "ann!"}
    # A missing intermediate value leaves a read-only field out, as DRF does.
    assert S(Person("cy")).data == {"name": "cy", "loud": "CY", "whole": "cy!"}
    assert S({"name": "dee", "friend": {"name": "eve"}, "shout": "D"}).data == {
        "name": "dee",
        "friend_name": "eve",
        "loud": "D",
        "whole": "dee!",
    }


def test_get_attribute_helper() -> None:
    ann = Person("ann")
    assert get_attribute(ann, ["shout"]) == "ANN"
    assert get_attribute(ann, ["greet"]) == ann.greet  # takes an argument: not called
    assert get_attribute({"a": {"b": 1}}, ["a", "b"]) == 1
    with pytest.raises(KeyError):
        get_attribute({}, ["a"])


def test_missing_required_attribute_names_the_field() -> None:
    class S(serializers.Serializer):
        title = serializers.CharField()
        extra = serializers.CharField(required=False)
        note = serializers.CharField(allow_null=True)
        flag = serializers.BooleanField(default=True)

    assert S({"title": "t"}).data == {"title": "t", "note": None, "flag": True}
    with pytest.raises(AttributeError, match="field `title` on serializer `S`"):
        _ = S(Person("x")).data


def test_labels_messages_validators() -> None:
    def even(value: int) -> None:
        if value % 2:
            raise serializers.ValidationError("Not even.", code="odd")

    class S(serializers.Serializer):
        page_count = serializers.IntegerField(
            validators=[even], error_messages={"invalid": "Pages, please."}
        )
        title = serializers.CharField(label="Book title", help_text="As printed.")

    serializer = S()
    assert serializer.fields["page_count"].label == "Page count"
    assert serializer.fields["title"].label == "Book title"
    assert serializer.fields["title"].help_text == "As printed."
    errors = errors_of(S, {"page_count": "x", "title": "t"})
    assert errors == {"page_count": ["Pages, please."]}
    odd = errors_of(S, {"page_count": 3, "title": "t"})
    assert odd["page_count"][0].code == "odd"
    with pytest.raises(AssertionError, match="error key `nope`"):
        serializer.fields["title"].fail("nope")


def test_fields_are_built_once_per_class() -> None:
    class S(serializers.Serializer):
        title = serializers.CharField(max_length=5)
        count = serializers.IntegerField()

    declared = S._declared_fields["title"]
    before = Field._creation_counter
    first, second = S(), S()
    assert Field._creation_counter == before + 2  # the two serializers, no field again
    assert first.fields["title"] is not second.fields["title"]
    assert first.fields["title"] is not declared
    assert first.fields["title"].parent is first
    assert declared.parent is None
    first.fields["title"].validators.append(lambda value: None)
    first.fields["title"].required = False
    assert len(second.fields["title"].validators) == len(declared.validators)
    assert second.fields["title"].required is True


def test_declared_fields_order_and_inheritance() -> None:
    class Base(serializers.Serializer):
        b = serializers.CharField()
        a = serializers.CharField()

    class Child(Base):
        c = serializers.CharField()
        a = None  # type: ignore[assignment]

    assert list(Base().fields) == ["b", "a"]
    assert list(Child().fields) == ["b", "c"]


def test_html_form_rules() -> None:
    class S(serializers.Serializer):
        agree = serializers.BooleanField()
        note = serializers.CharField(required=False)
        age = serializers.IntegerField(allow_null=True)
        bio = serializers.CharField(allow_null=True, allow_blank=True)

    form = S(data=MultiDict([("age", ""), ("note", ""), ("bio", "")]))
    assert form.is_valid(), form.errors
    # An unchecked checkbox is False; an empty optional box is left out; "" means None.
    assert form.validated_data == {"agree": False, "age": None, "bio": ""}
    json_input = S(data={"age": None, "bio": None})
    assert not json_input.is_valid()
    assert json_input.errors == {"agree": ["This field is required."]}
    partial = S(data=MultiDict([("age", "3")]), partial=True)
    assert partial.is_valid()
    assert partial.validated_data == {"age": 3}


def test_html_list_and_dict_parsing() -> None:
    form = MultiDict([("t[0]", "a"), ("t[1]", "b"), ("p[0]x", "1"), ("d.k", "v"), ("z", "1")])
    assert parse_html_list(form, prefix="t") == ["a", "b"]
    assert parse_html_list(form, prefix="p") == [{"x": "1"}]
    assert parse_html_list(form, prefix="q", default="none") == "none"
    assert parse_html_dict(form, prefix="d") == {"k": "v"}
    assert parse_html_dict(form, prefix="e", default=None) is None


def test_field_repr_and_root() -> None:
    field = serializers.CharField(max_length=3)
    assert repr(field) == "CharField(max_length=3)"
    assert field.root is field
    assert field.context == {}
    with pytest.raises(NotImplementedError):
        Field().to_internal_value(1)
    with pytest.raises(NotImplementedError):
        Field().to_representation(1)
