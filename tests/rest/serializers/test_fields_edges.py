"""Choice, file and composite fields at their edges (DRF's answers)."""

from __future__ import annotations

import io
from typing import Any

import pytest

from cupola.http.forms import UploadFile
from cupola.http.multidict import MultiDict
from cupola.rest import serializers
from cupola.rest.serializers.choices import Option


def test_choice_options_cut_off_and_grouped() -> None:
    flat = serializers.ChoiceField(choices=["a", "b", "c"], html_cutoff=2)
    assert [(o.value, o.display_text) for o in flat.iter_options()] == [
        ("a", "a"),
        ("b", "b"),
        ("n/a", "More than 2 items..."),
    ]
    grouped = serializers.ChoiceField(
        choices=[("Poetry", [("ode", "Ode"), ("haiku", "Haiku")]), ("prose", "Prose")]
    )
    assert list(grouped.iter_options()) == [
        Option(start_option_group=True, label="Poetry"),
        Option(value="ode", display_text="Ode"),
        Option(value="haiku", display_text="Haiku"),
        Option(end_option_group=True),
        Option(value="prose", display_text="Prose"),
    ]


def test_choice_output_of_blank_and_null() -> None:
    field = serializers.ChoiceField(choices=["a"], allow_blank=True, allow_null=True)
    assert field.to_representation("") == ""
    assert field.to_representation(None) is None


def test_multiple_choice_left_out_of_partial_input() -> None:
    class S(serializers.Serializer):
        title = serializers.CharField(required=False)
        kinds = serializers.MultipleChoiceField(choices=["a", "b"])

    partial = S(data={"title": "x"}, partial=True)
    assert partial.is_valid(), partial.errors
    assert partial.validated_data == {"title": "x"}
    full = S(data={"title": "x"})
    assert not full.is_valid()
    assert full.errors == {"kinds": ["This field is required."]}


def test_upload_without_a_filename() -> None:
    class S(serializers.Serializer):
        file = serializers.FileField()

    nameless = UploadFile("file", io.BytesIO(b"data"), raw_filename="", content_type="text/plain")
    bad = S(data={"file": nameless})
    assert not bad.is_valid()
    assert bad.errors == {"file": ["No filename could be determined."]}


def test_no_file_outputs_null() -> None:
    class S(serializers.Serializer):
        file = serializers.FileField(allow_null=True)

    assert S({"file": None}).data == {"file": None}
    assert S({"file": ""}).data == {"file": None}


def test_list_field_defaults_and_lengths() -> None:
    class S(serializers.Serializer):
        anything = serializers.ListField(required=False)
        pair = serializers.ListField(child=serializers.IntegerField(), min_length=2, max_length=2)

    assert S({"anything": [1, "a", None], "pair": [1, 2]}).data == {
        "anything": [1, "a", None],
        "pair": [1, 2],
    }
    short = S(data={"pair": [1]})
    assert not short.is_valid()
    assert short.errors == {"pair": ["Ensure this field has at least 2 elements."]}


def test_list_field_from_forms() -> None:
    class S(serializers.Serializer):
        title = serializers.CharField(required=False)
        scores = serializers.ListField(child=serializers.IntegerField())

    partial = S(data=MultiDict([("scores[0]", "5"), ("scores[1]", "6")]), partial=True)
    assert partial.is_valid(), partial.errors
    assert partial.validated_data == {"scores": [5, 6]}
    field = serializers.ListField(child=serializers.IntegerField())
    assert field.run_validation(MultiDict([("[0]", "1"), ("[1]", "2")])) == [1, 2]


def test_dict_field_from_a_form() -> None:
    field = serializers.DictField(child=serializers.IntegerField())
    assert field.run_validation(MultiDict([("a", "1"), ("b", "2")])) == {"a": 1, "b": 2}


def test_binary_json_field() -> None:
    field = serializers.JSONField(binary=True)
    assert field.run_validation(b'{"a": [1]}') == {"a": [1]}
    assert field.run_validation('{"a": 2}') == {"a": 2}
    with pytest.raises(serializers.ValidationError) as info:
        field.run_validation(b"{oops")
    assert info.value.detail == ["Value must be valid JSON."]


def test_hidden_field() -> None:
    class S(serializers.Serializer):
        owner = serializers.HiddenField(default="ann")

    given = S(data={"owner": "bob"})
    assert given.is_valid(), given.errors
    assert given.validated_data == {"owner": "ann"}  # input never sets it
    assert serializers.HiddenField(default="ann").run_validation("bob") == "bob"


def test_method_field_added_after_binding() -> None:
    class S(serializers.Serializer):
        shout = serializers.SerializerMethodField()

    serializer: Any = S({"name": "ann"})
    fields = serializer.fields  # bound before the method exists
    serializer.get_shout = lambda obj: obj["name"].upper()
    assert fields["shout"].to_representation({"name": "ann"}) == "ANN"
