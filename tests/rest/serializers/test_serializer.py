"""``Serializer``: validation order, hooks, errors, ``save``, ``data``, nesting, context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from cupola.rest import serializers
from cupola.rest.exceptions import ErrorDetail


@dataclass
class Comment:
    email: str
    content: str
    id: int | None = None


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField()
    content = serializers.CharField(max_length=20)
    seen: list[str] = []

    def validate_content(self, value: str) -> str:
        if "spam" in value:
            raise serializers.ValidationError("No spam here.")
        return value.capitalize()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        type(self).seen.append("validate")
        if attrs.get("email", "").endswith("@example.org"):
            raise serializers.ValidationError({"email": "Not from there."})
        if attrs.get("content") == "Nope":
            raise serializers.ValidationError("Refused.", code="refused")
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Comment:
        return Comment(id=1, **validated_data)

    def update(self, instance: Comment, validated_data: dict[str, Any]) -> Comment:
        instance.email = validated_data.get("email", instance.email)
        instance.content = validated_data.get("content", instance.content)
        return instance


def test_valid_data_hooks_and_save() -> None:
    serializer = CommentSerializer(data={"email": "a@b.co", "content": "hello", "id": 9})
    assert serializer.is_valid(raise_exception=True)
    assert serializer.validated_data == {"email": "a@b.co", "content": "Hello"}
    comment = serializer.save()
    assert comment == Comment("a@b.co", "Hello", 1)
    assert serializer.data == {"id": 1, "email": "a@b.co", "content": "Hello"}
    assert serializer.data.serializer is serializer


def test_field_errors_stop_validate() -> None:
    CommentSerializer.seen = []
    serializer = CommentSerializer(data={"email": "x", "content": "spam"})
    assert not serializer.is_valid()
    assert serializer.errors == {
        "email": ["Enter a valid email address."],
        "content": ["No spam here."],
    }
    assert CommentSerializer.seen == []
    assert serializer.validated_data == {}


def test_validate_errors_go_to_non_field_errors() -> None:
    refused = CommentSerializer(data={"email": "a@b.co", "content": "nope"})
    assert not refused.is_valid()
    assert refused.errors == {"non_field_errors": ["Refused."]}
    assert refused.errors["non_field_errors"][0].code == "refused"
    by_field = CommentSerializer(data={"email": "a@example.org", "content": "x"})
    assert not by_field.is_valid()
    assert by_field.errors == {"email": ["Not from there."]}


def test_raise_exception_carries_the_errors() -> None:
    serializer = CommentSerializer(data={"content": ""})
    with pytest.raises(serializers.ValidationError) as caught:
        serializer.is_valid(raise_exception=True)
    assert caught.value.detail == {
        "email": [ErrorDetail("This field is required.", code="required")],
        "content": [ErrorDetail("This field may not be blank.", code="blank")],
    }
    assert caught.value.get_codes() == {"email": ["required"], "content": ["blank"]}
    assert caught.value.status_code == 400


def test_bad_top_level_data() -> None:
    for data, kind in (([], "list"), ("x", "str"), (3, "int")):
        serializer = CommentSerializer(data=data)
        assert not serializer.is_valid()
        message = f"Invalid data. Expected a dictionary, but got {kind}."
        assert serializer.errors == {"non_field_errors": [message]}
    nothing = CommentSerializer(data=None)
    assert not nothing.is_valid()
    assert nothing.errors == {"non_field_errors": ["No data provided"]}


def test_update_and_partial() -> None:
    comment = Comment("a@b.co", "Old", 5)
    serializer = CommentSerializer(comment, data={"content": "new"}, partial=True)
    assert serializer.is_valid(), serializer.errors
    assert serializer.save() is comment
    assert comment.content == "New"
    assert serializer.data == {"id": 5, "email": "a@b.co", "content": "New"}
    full = CommentSerializer(comment, data={"content": "new"})
    assert not full.is_valid()
    assert full.errors == {"email": ["This field is required."]}


def test_misuse_is_reported() -> None:
    with pytest.raises(AssertionError, match="no `data=`"):
        CommentSerializer().is_valid()
    pending = CommentSerializer(data={})
    with pytest.raises(AssertionError, match=r"must call `\.is_valid"):
        _ = pending.data
    with pytest.raises(AssertionError, match=r"before accessing `\.errors`"):
        _ = pending.errors
    with pytest.raises(AssertionError, match=r"before accessing `\.validated_data`"):
        _ = pending.validated_data
    with pytest.raises(AssertionError, match=r"before calling `\.save"):
        pending.save()
    pending.is_valid()
    with pytest.raises(AssertionError, match="invalid data"):
        pending.save()
    good = CommentSerializer(data={"email": "a@b.co", "content": "x"})
    good.is_valid()
    with pytest.raises(AssertionError, match="'commit'"):
        good.save(commit=False)
    _ = good.data
    with pytest.raises(AssertionError, match=r"after accessing `serializer\.data`"):
        good.save()
    with pytest.raises(NotImplementedError):
        serializers.Serializer().create({})
    with pytest.raises(NotImplementedError):
        serializers.Serializer().update(None, {})


def test_save_kwargs_and_initial() -> None:
    serializer = CommentSerializer(data={"email": "a@b.co", "content": "x"})
    serializer.is_valid()
    assert serializer.save(content="Forced").content == "Forced"
    assert CommentSerializer().data == {"email": "", "content": ""}
    invalid = CommentSerializer(data={"email": "bad", "content": "x"})
    invalid.is_valid()
    assert invalid.data == {"email": "bad", "content": "x"}


def test_nested_serializers_and_context() -> None:
    class Author(serializers.Serializer):
        name = serializers.CharField()
        shout = serializers.SerializerMethodField()

        def get_shout(self, obj: Any) -> str:
            return f"{obj['name']}{self.context.get('mark', '')}"

    class Book(serializers.Serializer):
        title = serializers.CharField()
        author = Author()
        others = Author(many=True, required=False)

    book = {"title": "Dune", "author": {"name": "Frank"}, "others": [{"name": "Brian"}]}
    assert Book(book, context={"mark": "!"}).data == {
        "title": "Dune",
        "author": {"name": "Frank", "shout": "Frank!"},
        "others": [{"name": "Brian", "shout": "Brian!"}],
    }
    bad = Book(data={"title": "Dune", "author": {}, "others": [{}, {"name": "x"}]})
    assert not bad.is_valid()
    assert bad.errors == {
        "author": {"name": ["This field is required."]},
        "others": {0: {"name": ["This field is required."]}},
    }
    good = Book(data={"title": "Dune", "author": {"name": "Frank"}})
    assert good.is_valid()
    assert good.validated_data == {"title": "Dune", "author": {"name": "Frank"}}


def test_meta_validators_see_read_only_defaults() -> None:
    seen: list[dict[str, Any]] = []

    def check(attrs: dict[str, Any]) -> None:
        seen.append(attrs)
        if attrs["a"] == attrs["b"]:
            raise serializers.ValidationError("a and b must differ.")

    class S(serializers.Serializer):
        a = serializers.IntegerField()
        b = serializers.IntegerField(read_only=True, default=2)

        class Meta:
            validators = [check]

    assert S(data={"a": 1}).is_valid()
    assert seen[-1] == {"a": 1, "b": 2}
    refused = S(data={"a": 2})
    assert not refused.is_valid()
    assert refused.errors == {"non_field_errors": ["a and b must differ."]}


def test_fields_can_change_per_instance() -> None:
    class S(serializers.Serializer):
        a = serializers.CharField()
        b = serializers.CharField()

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            drop = kwargs.pop("drop", None)
            super().__init__(*args, **kwargs)
            if drop:
                self.fields.pop(drop)
            self.fields["c"] = serializers.CharField(default="c")

    assert S({"a": "1", "b": "2"}, drop="b").data == {"a": "1", "c": "c"}
    assert S({"a": "1", "b": "2"}).data == {"a": "1", "b": "2", "c": "c"}
    assert S().fields["c"].parent is not None
    assert "CharField" in repr(S())
