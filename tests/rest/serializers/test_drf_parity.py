"""The answers of DRF 3.18, recorded by
``tests/rest/fixtures/make_drf_serializer_fixtures.py``, checked.

Every case of ``drf_serializers.json`` runs through the same serializers written with
``cupola.rest.serializers``: validity, each error message and code, and the output data
must be DRF's, on SQLite, PostgreSQL and MariaDB.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from cupola.http.multidict import MultiDict
from cupola.rest import serializers

from .conftest import Shelf

FIXTURES = json.loads(
    (Path(__file__).parent.parent / "fixtures" / "drf_serializers.json").read_text()
)


class CommentSerializer(serializers.Serializer):
    email = serializers.EmailField()
    content = serializers.CharField(max_length=200)
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False)
    price = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    active = serializers.BooleanField(required=False)
    day = serializers.DateField(required=False)
    at = serializers.DateTimeField(required=False)
    tags = serializers.ListField(child=serializers.CharField(), required=False)
    kind = serializers.ChoiceField(choices=[("a", "A"), ("b", "B")], required=False)
    site = serializers.URLField(required=False)
    slug = serializers.SlugField(required=False)
    ident = serializers.UUIDField(required=False)
    ratio = serializers.FloatField(required=False, allow_null=True)

    def validate(self, attrs: Any) -> Any:
        if attrs.get("content") == "spam":
            raise serializers.ValidationError("No spam.")
        return attrs


def book_serializer(shelf: Shelf) -> type[serializers.ModelSerializer]:
    class BookSerializer(serializers.ModelSerializer):
        class Meta:
            model = shelf.Book
            fields = ["id", "title", "price", "published", "in_stock", "author"]

    return BookSerializer


def shapes_serializer(shelf: Shelf) -> type[serializers.Serializer]:
    class AddressSerializer(serializers.Serializer):
        city = serializers.CharField(max_length=5)
        zip = serializers.CharField(required=False, allow_null=True)

    class ShapesSerializer(serializers.Serializer):
        address = AddressSerializer()
        scores = serializers.ListField(child=serializers.IntegerField(), required=False)
        prices = serializers.DictField(
            child=serializers.DecimalField(max_digits=4, decimal_places=1), required=False
        )
        colours = serializers.MultipleChoiceField(choices=["r", "g"], required=False)
        meta = serializers.JSONField(required=False)
        tags = serializers.SlugRelatedField(
            slug_field="slug", queryset=select(shelf.Tag), many=True, required=False
        )
        when = serializers.TimeField(required=False)
        span = serializers.DurationField(required=False)
        hidden = serializers.HiddenField(default="h")

    return ShapesSerializer


def detail_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): detail_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [detail_json(item) for item in value]
    return {"message": str(value), "code": getattr(value, "code", None)}


def run_case(shelf: Shelf, case: dict[str, Any], classes: dict[str, Any]) -> dict[str, Any]:
    data = case["input"]
    if case["form"]:
        data = MultiDict([(key, value) for key, value in case["input"]])
    instance = None
    if case["update"] is not None:
        instance = shelf.db.session.get(shelf.Book, case["update"])
    serializer = classes[case["serializer"]](
        instance, data=data, partial=case["partial"], many=case["many"]
    )
    valid = serializer.is_valid()
    answer: dict[str, Any] = {"valid": valid, "errors": detail_json(serializer.errors)}
    if not valid:
        answer["data"] = None
        return answer
    if case["serializer"] == "book":
        serializer.save()
    try:
        answer["data"] = json.loads(json.dumps(serializer.data, default=str))
    except (KeyError, AttributeError) as exc:
        answer["data"] = {"raises": type(exc).__name__}
    return answer


def test_fixtures_cover_the_cases() -> None:
    assert FIXTURES["drf"] == "3.18"
    assert len(FIXTURES["cases"]) >= 30
    assert {case["serializer"] for case in FIXTURES["cases"]} == {"comment", "book", "shapes"}


def test_every_case_answers_as_drf(shelf: Shelf) -> None:
    shelf.add(shelf.Author(name="Herbert"), shelf.Tag(slug="sf"), shelf.Tag(slug="classic"))
    classes = {
        "comment": CommentSerializer,
        "book": book_serializer(shelf),
        "shapes": shapes_serializer(shelf),
    }
    mismatches = []
    for case in FIXTURES["cases"]:
        expected = {key: case[key] for key in ("valid", "errors", "data")}
        got = run_case(shelf, case, classes)
        if got != expected:
            mismatches.append((case["input"], expected, got))
    assert mismatches == []


def test_output_of_rows_as_drf(shelf: Shelf) -> None:
    herbert = shelf.Author(name="Herbert")
    shelf.add(herbert)
    author = shelf.Author(name="Le Guin")
    shelf.add(author)
    shelf.add(*[shelf.Book(title=f"Pad {n}", price=Decimal(1)) for n in range(3)])
    shelf.add(
        shelf.Book(
            title="Out 1",
            price=Decimal("9.9"),
            author=author,
            published=datetime.date(2026, 1, 2),
        ),
        shelf.Book(title="Out 2", price=Decimal("10"), in_stock=False),
    )
    rows = shelf.db.session.scalars(
        select(shelf.Book).where(shelf.Book.title.startswith("Out")).order_by(shelf.Book.id)
    ).all()
    data = book_serializer(shelf)(rows, many=True).data
    assert json.loads(json.dumps(data)) == FIXTURES["output"]


@pytest.mark.parametrize("bad", [None, "text", 3])
def test_many_rejects_non_lists(bad: Any, plain_app: Any) -> None:
    serializer = CommentSerializer(data=bad, many=True)
    assert not serializer.is_valid()
    assert list(serializer.errors) == ["non_field_errors"]
