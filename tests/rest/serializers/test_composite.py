"""Lists, dicts, JSON, read-only, hidden and method fields."""

from __future__ import annotations

from typing import Any

import pytest

from cupola.exceptions import ImproperlyConfigured
from cupola.http.multidict import MultiDict
from cupola.rest import serializers


def test_list_field() -> None:
    class S(serializers.Serializer):
        scores = serializers.ListField(
            child=serializers.IntegerField(min_value=0), max_length=3, allow_empty=False
        )
        anything = serializers.ListField(required=False)

    good = S(data={"scores": ["1", 2], "anything": [1, "a", None]})
    assert good.is_valid()
    assert good.validated_data == {"scores": [1, 2], "anything": [1, "a", None]}
    bad = S(data={"scores": ["x", -1, 3]})
    assert not bad.is_valid()
    assert bad.errors == {
        "scores": {
            0: ["A valid integer is required."],
            1: ["Ensure this value is greater than or equal to 0."],
        }
    }
    for value, message in (
        ("1,2", 'Expected a list of items but got type "str".'),
        ({"a": 1}, 'Expected a list of items but got type "dict".'),
        ([], "This list may not be empty."),
        ([1, 2, 3, 4], "Ensure this field has no more than 3 elements."),
    ):
        refused = S(data={"scores": value})
        assert not refused.is_valid()
        assert refused.errors == {"scores": [message]}
    assert S({"scores": [1, None]}).data == {"scores": [1, None]}
    form = S(data=MultiDict([("scores", "1"), ("scores", "2")]))
    assert form.is_valid()
    assert form.validated_data == {"scores": [1, 2]}
    indexed = S(data=MultiDict([("scores[0]", "5")]))
    assert indexed.is_valid()
    assert indexed.validated_data == {"scores": [5]}
    assert S(data=MultiDict([]), partial=True).is_valid()
    with pytest.raises(ImproperlyConfigured, match="instantiated"):
        serializers.ListField(child=serializers.CharField)  # type: ignore[arg-type]
    with pytest.raises(ImproperlyConfigured, match="source"):
        serializers.ListField(child=serializers.CharField(source="x"))


def test_dict_field() -> None:
    class S(serializers.Serializer):
        prices = serializers.DictField(
            child=serializers.DecimalField(max_digits=4, decimal_places=1)
        )

    good = S(data={"prices": {"a": "1.5", 2: 3}})
    assert good.is_valid()
    assert S(good.validated_data).data == {"prices": {"a": "1.5", "2": "3.0"}}
    bad = S(data={"prices": {"a": "x"}})
    assert not bad.is_valid()
    assert bad.errors == {"prices": {"a": ["A valid number is required."]}}
    wrong = S(data={"prices": [1]})
    assert not wrong.is_valid()
    assert wrong.errors == {"prices": ['Expected a dictionary of items but got type "list".']}
    form = S(data=MultiDict([("prices.a", "2")]))
    assert form.is_valid()
    assert S(form.validated_data).data == {"prices": {"a": "2.0"}}
    empty = serializers.DictField(allow_empty=False)
    with pytest.raises(serializers.ValidationError):
        empty.run_validation({})


def test_json_field() -> None:
    class S(serializers.Serializer):
        meta = serializers.JSONField()
        raw = serializers.JSONField(binary=True, required=False)

    good = S(data={"meta": {"a": [1, 2]}, "raw": '{"b": 1}'})
    assert good.is_valid()
    assert good.validated_data == {"meta": {"a": [1, 2]}, "raw": {"b": 1}}
    assert S({"meta": 1, "raw": {"b": 1}}).data == {"meta": 1, "raw": b'{"b": 1}'}
    form = S(data=MultiDict([("meta", '{"a": 1}')]))
    assert form.is_valid()
    assert form.validated_data == {"meta": {"a": 1}}
    bad_form = S(data=MultiDict([("meta", "{oops")]))
    assert not bad_form.is_valid()
    assert bad_form.errors == {"meta": ["Value must be valid JSON."]}
    bad = S(data={"meta": {1, 2}})
    assert not bad.is_valid()


def test_read_only_hidden_and_method_fields() -> None:
    class S(serializers.Serializer):
        name = serializers.ReadOnlyField()
        owner = serializers.HiddenField(default="me")
        size = serializers.SerializerMethodField(method_name="measure")
        note = serializers.CharField(write_only=True)

        def measure(self, obj: Any) -> int:
            return len(obj["name"])

    serializer = S(data={"name": "ignored", "owner": "ignored", "note": "n"})
    assert serializer.is_valid()
    assert serializer.validated_data == {"owner": "me", "note": "n"}
    assert S({"name": "abc", "note": "n"}).data == {"name": "abc", "size": 3}
    with pytest.raises(ImproperlyConfigured, match="default"):
        serializers.HiddenField()
