"""The output plan a serializer class shares, and when an instance makes its own.

A class whose fields' fast output needs no binding builds its plan once (per app
settings); an instance whose fields differ, or fields that read their binding, make theirs.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from cupola import Cupola
from cupola.rest import serializers

ROW = SimpleNamespace(id=1, title="Dune", price=Decimal("9.5"))


class BookSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField()
    price = serializers.DecimalField(max_digits=6, decimal_places=2)


def test_instances_share_the_class_plan(plain_app: Cupola) -> None:
    first, second = BookSerializer(ROW), BookSerializer(ROW)
    assert first.data == {"id": 1, "title": "Dune", "price": "9.50"}
    assert second.data == first.data
    assert first._read_plan is second._read_plan
    assert "fields" not in first.__dict__  # no fields were bound to make the output


def test_an_instance_with_changed_fields_makes_its_own(plain_app: Cupola) -> None:
    class Narrow(BookSerializer):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.fields.pop("price")

    assert Narrow(ROW).data == {"id": 1, "title": "Dune"}
    assert BookSerializer(ROW).data == {"id": 1, "title": "Dune", "price": "9.50"}


def test_get_fields_overrides_are_followed(plain_app: Cupola) -> None:
    class Chosen(BookSerializer):
        def get_fields(self) -> dict[str, serializers.Field]:
            fields = super().get_fields()
            if self.context.get("short"):
                del fields["title"]
            return fields

    assert Chosen(ROW, context={"short": True}).data == {"id": 1, "price": "9.50"}
    assert Chosen(ROW).data == {"id": 1, "title": "Dune", "price": "9.50"}


def test_fields_reading_their_binding_are_bound(plain_app: Cupola) -> None:
    class Shout(serializers.CharField):
        def to_representation(self, value: Any) -> Any:
            return f"{value}{self.context['mark']}"

    class Loud(serializers.Serializer):
        title = Shout()

    assert Loud(ROW, context={"mark": "!"}).data == {"title": "Dune!"}
    assert Loud(ROW, context={"mark": "?"}).data == {"title": "Dune?"}


def test_each_app_gets_a_plan_with_its_settings() -> None:
    plain = Cupola(__name__, config={"REST": {"COERCE_DECIMAL_TO_STRING": False}})
    with Cupola(__name__).app_context():
        assert BookSerializer(ROW).data["price"] == "9.50"
    with plain.app_context():
        assert BookSerializer(ROW).data["price"] == Decimal("9.50")
    with Cupola(__name__).app_context():
        assert BookSerializer(ROW).data["price"] == "9.50"


def test_a_failing_read_is_reported_by_the_bound_field(plain_app: Cupola) -> None:
    with pytest.raises(AttributeError, match="on serializer `BookSerializer`"):
        BookSerializer(SimpleNamespace(id=1, price=Decimal(1))).data  # noqa: B018
