"""Serializer edge cases: null nesting, source="*", repeated validation, object-level checks."""

from __future__ import annotations

from typing import Any

import pytest

from cupola.rest import serializers
from cupola.rest.serializers.base import Field


class Author(serializers.Serializer):
    name = serializers.CharField()


def test_nested_null_and_top_level_null() -> None:
    class Book(serializers.Serializer):
        title = serializers.CharField()
        author = Author(allow_null=True)

    book = Book(data={"title": "Dune", "author": None})
    assert book.is_valid(), book.errors
    assert book.validated_data == {"title": "Dune", "author": None}
    nothing = Author(data=None, allow_null=True)
    assert nothing.is_valid(), nothing.errors
    assert nothing.validated_data is None


def test_base_serializer_must_be_implemented() -> None:
    class Bare(serializers.BaseSerializer):
        pass

    with pytest.raises(NotImplementedError, match="to_internal_value"):
        Bare(data={"a": 1}).is_valid()
    with pytest.raises(NotImplementedError, match="to_representation"):
        _ = Bare({"a": 1}).data


def test_is_valid_twice_validates_once() -> None:
    calls: list[Any] = []

    class Counted(Author):
        def validate(self, attrs: Any) -> Any:
            calls.append(attrs)
            return attrs

    serializer = Counted(data={"name": "Ann"})
    assert serializer.is_valid()
    assert serializer.is_valid()
    assert len(calls) == 1
    bad = Counted(data={})
    assert not bad.is_valid()
    assert not bad.is_valid()
    with pytest.raises(serializers.ValidationError):
        bad.is_valid(raise_exception=True)


def test_create_must_return_the_instance() -> None:
    class Forgetful(Author):
        def create(self, validated_data: Any) -> Any:
            return None

    serializer = Forgetful(data={"name": "Ann"})
    assert serializer.is_valid()
    with pytest.raises(AssertionError, match=r"`create\(\)` did not return an object instance"):
        serializer.save()


def test_nested_source_star_merges_into_the_data() -> None:
    class Place(serializers.Serializer):
        city = serializers.CharField()
        country = serializers.CharField()

    class Person(serializers.Serializer):
        name = serializers.CharField()
        place = Place(source="*")

    person = Person(data={"name": "Ann", "place": {"city": "Lyon", "country": "FR"}})
    assert person.is_valid(), person.errors
    assert person.validated_data == {"name": "Ann", "city": "Lyon", "country": "FR"}
    flat = {"name": "Ann", "city": "Lyon", "country": "FR"}
    assert Person(flat).data == {"name": "Ann", "place": {"city": "Lyon", "country": "FR"}}


def test_readable_fields_skip_write_only() -> None:
    class Login(serializers.Serializer):
        user = serializers.CharField()
        password = serializers.CharField(write_only=True)

    assert [field.field_name for field in Login()._readable_fields] == ["user"]


def test_initial_of_non_mapping_input() -> None:
    serializer = Author(data=["Ann"])
    assert not serializer.is_valid()
    assert serializer.errors == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }
    assert serializer.get_initial() == {}
    assert Author(data={"name": "Ann", "other": 1}).get_initial() == {"name": "Ann"}


def test_object_validators_see_read_only_defaults() -> None:
    seen: list[Any] = []

    class Entry(serializers.Serializer):
        text = serializers.CharField(required=False)
        owner = serializers.CharField(read_only=True, default="ann")
        nested_owner = serializers.CharField(source="meta.owner", read_only=True, default="x")

        class Meta:
            validators = [seen.append]

    entry = Entry(data={"text": "hi"})
    assert entry.is_valid(), entry.errors
    assert seen[-1] == {"owner": "ann", "text": "hi"}  # dotted sources are left out
    partial = Entry({"text": "old"}, data={}, partial=True)
    assert partial.is_valid(), partial.errors
    assert seen[-1] == {}  # a partial update uses no defaults


def test_object_validators_on_non_dict_data() -> None:
    seen: list[Any] = []

    class Pair(serializers.Serializer):
        a = serializers.IntegerField()
        b = serializers.IntegerField()

        class Meta:
            validators = [seen.append]

        def to_internal_value(self, data: Any) -> Any:
            values = super().to_internal_value(data)
            return (values["a"], values["b"])

    pair = Pair(data={"a": 1, "b": 2})
    assert pair.is_valid(), pair.errors
    assert seen == [(1, 2)]
    assert pair.validated_data == (1, 2)


def _field_state(serializer: Any) -> dict[str, Any]:
    skipped = {"_order", "_args", "_kwargs", "instance", "partial", "_context"}
    return {k: v for k, v in vars(serializer).items() if k not in skipped}


class _Plain(serializers.Serializer):
    name = serializers.CharField()


class _Labelled(serializers.Serializer):
    name = serializers.CharField()
    labels_set = 0

    @property
    def label(self) -> Any:
        return self.__dict__["_label"]

    @label.setter
    def label(self, value: Any) -> None:
        type(self).labels_set += 1
        self.__dict__["_label"] = value


class _InitMixin(Field):  # between BaseSerializer and Field in the MRO
    def __init__(self, **kwargs: Any) -> None:
        self.mixed = True
        super().__init__(**kwargs)


class _Mixed(serializers.Serializer, _InitMixin):
    name = serializers.CharField()


class _Eager(serializers.Serializer):
    _eager_validators = True
    name = serializers.CharField()


@pytest.mark.parametrize("cls", [_Plain, _Labelled, _Mixed, _Eager])
def test_a_serializer_without_options_is_set_up_as_by_field_init(cls: Any) -> None:
    first, second = cls(data={"name": "a"}), cls(data={"name": "b"})
    explicit = cls(data={"name": "c"}, label=None)
    assert _field_state(first) | {"initial_data": None} == _field_state(explicit) | {
        "initial_data": None
    }
    assert first.style == {} and first.style is not second.style
    assert first._order < second._order < explicit._order
    assert (first.required, first.read_only, first.field_name, first.parent) == (
        True,
        False,
        "",
        None,
    )
    assert first.is_valid() and first.validated_data == {"name": "a"}
    if cls is _Labelled:
        assert first.label is None and cls.labels_set == 3  # the setter ran for each
    if cls is _Mixed:
        assert first.mixed is True
