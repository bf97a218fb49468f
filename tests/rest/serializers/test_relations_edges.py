"""Relational fields at their edges: unusual keys, loaded relations, cut-off options."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import ForeignKey, ForeignKeyConstraint, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import UserDefinedType

from cupola import Cupola
from cupola.db import Database
from cupola.exceptions import ImproperlyConfigured
from cupola.rest import serializers

from .conftest import Shelf


class Code(UserDefinedType[str]):
    """A column type that does not tell its Python type (as some third-party types)."""

    cache_ok = True

    @property
    def python_type(self) -> type:
        raise NotImplementedError

    def get_col_spec(self, **kw: Any) -> str:
        return "VARCHAR(20)"


@pytest.fixture
def odd(tmp_path: Path) -> Iterator[SimpleNamespace]:
    """Models whose keys are a UUID, a composite, a unique non-key column and an odd type."""
    app = Cupola(__name__, config={"DATABASE_URL": f"sqlite:///{tmp_path / 'odd.db'}"})
    db = Database(app)

    class Owner(db.Model):
        id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
        name: Mapped[str] = mapped_column(String(50))

    class Pet(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("owner.id"))
        owner: Mapped[Owner] = relationship()

    class Shelf_(db.Model):
        __tablename__ = "shelf_"
        __table_args__ = (UniqueConstraint("room", "row"),)
        id: Mapped[int] = mapped_column(primary_key=True)
        room: Mapped[int]
        row: Mapped[int]
        label: Mapped[str] = mapped_column(String(20), unique=True)

    class Volume(db.Model):
        __table_args__ = (ForeignKeyConstraint(["room", "row"], ["shelf_.room", "shelf_.row"]),)
        id: Mapped[int] = mapped_column(primary_key=True)
        room: Mapped[int]
        row: Mapped[int]
        shelf: Mapped[Shelf_] = relationship(foreign_keys="[Volume.room, Volume.row]")
        label: Mapped[str] = mapped_column(ForeignKey("shelf_.label"))
        labelled: Mapped[Shelf_] = relationship(foreign_keys="Volume.label")

    class Badge(db.Model):
        code: Mapped[str] = mapped_column(Code(), primary_key=True)

    with app.app_context():
        db.create_all()
        try:
            yield SimpleNamespace(
                db=db, Owner=Owner, Pet=Pet, Shelf=Shelf_, Volume=Volume, Badge=Badge
            )
        finally:
            db.session.rollback()
            db.drop_all()
            db.dispose()


def test_uuid_primary_key_input(odd: SimpleNamespace) -> None:
    owner = odd.Owner(name="Ann")
    odd.db.session.add(owner)
    odd.db.session.commit()
    field = serializers.PrimaryKeyRelatedField(queryset=select(odd.Owner))
    assert field.run_validation(str(owner.id)) is owner
    assert field.run_validation(owner.id) is owner
    with pytest.raises(serializers.ValidationError) as info:
        field.run_validation("not-a-uuid")
    assert info.value.detail == ["Incorrect type. Expected pk value, received str."]


def test_key_of_a_type_without_python_type(odd: SimpleNamespace) -> None:
    odd.db.session.add(odd.Badge(code="gold"))
    odd.db.session.commit()
    field = serializers.PrimaryKeyRelatedField(queryset=select(odd.Badge))
    assert field.run_validation("gold").code == "gold"
    with pytest.raises(serializers.ValidationError) as info:
        field.run_validation("tin")
    assert info.value.detail == ['Invalid pk "tin" - object does not exist.']


def test_output_of_relations_not_on_a_single_key(odd: SimpleNamespace) -> None:
    """A composite foreign key, or one to a unique non-key column, reads the related row."""
    home = odd.Shelf(id=7, room=1, row=2, label="north")
    odd.db.session.add_all([home, odd.Volume(id=1, room=1, row=2, label="north")])
    odd.db.session.commit()
    odd.db.session.expunge_all()

    class VolumeSerializer(serializers.Serializer):
        shelf = serializers.PrimaryKeyRelatedField(read_only=True)
        labelled = serializers.PrimaryKeyRelatedField(read_only=True)

    volume = odd.db.session.scalars(select(odd.Volume)).one()
    data = VolumeSerializer(volume).data
    assert data == {"shelf": 7, "labelled": 7}  # the related row's key, not the columns


def test_pk_output_of_loaded_relations(shelf: Shelf) -> None:
    herbert = shelf.Author(name="Herbert")
    shelf.add(
        shelf.Book(title="Dune", price=Decimal(1), author=herbert),
        shelf.Book(title="Anon", price=Decimal(2)),
    )

    class BookSerializer(serializers.Serializer):
        author = serializers.PrimaryKeyRelatedField(read_only=True)

    books = list(shelf.db.session.scalars(select(shelf.Book).order_by(shelf.Book.title)))
    for book in books:
        assert book.author in (herbert, None)  # loads the relation
    data = BookSerializer(books, many=True).data
    assert [item["author"] for item in data] == [None, herbert.id]


def test_missing_intermediate_attribute(plain_app: Cupola) -> None:
    class Holder(serializers.Serializer):
        author = serializers.PrimaryKeyRelatedField(
            source="book.author", read_only=True, required=False
        )

    assert Holder(SimpleNamespace()).data == {}


def test_read_only_field_has_no_queryset() -> None:
    field = serializers.PrimaryKeyRelatedField(read_only=True)
    with pytest.raises(ImproperlyConfigured, match="has no queryset"):
        field.get_queryset()


def test_options_are_cut_off(shelf: Shelf) -> None:
    shelf.add(*(shelf.Author(name=name) for name in ("Ann", "Bob", "Cy")))
    field = serializers.PrimaryKeyRelatedField(
        queryset=select(shelf.Author).order_by(shelf.Author.id),
        html_cutoff=2,
        html_cutoff_text="More than {count} items...",
    )
    options = list(field.iter_options())
    assert [option.display_text for option in options] == ["Ann", "Bob", "More than 2 items..."]


def test_filtered_and_per_request_querysets(shelf: Shelf) -> None:
    ann, bob = shelf.Author(name="Ann"), shelf.Author(name="Bob")
    shelf.add(ann, bob)
    only_ann = serializers.PrimaryKeyRelatedField(
        queryset=select(shelf.Author).where(shelf.Author.name == "Ann")
    )
    assert only_ann.run_validation(ann.id) is ann
    with pytest.raises(serializers.ValidationError):
        only_ann.run_validation(bob.id)

    class ByContext(serializers.PrimaryKeyRelatedField):
        def get_queryset(self) -> Any:
            return select(shelf.Author).where(shelf.Author.name == self.context["name"])

    class Pick(serializers.Serializer):
        author = ByContext()

    picked = Pick(data={"author": bob.id}, context={"name": "Bob"})
    assert picked.is_valid(), picked.errors
    assert picked.validated_data["author"] is bob
    refused = Pick(data={"author": bob.id}, context={"name": "Ann"})
    assert not refused.is_valid()


def test_many_is_left_out_of_partial_input(shelf: Shelf) -> None:
    class BookSerializer(serializers.Serializer):
        title = serializers.CharField()
        tags = serializers.SlugRelatedField(
            slug_field="slug", queryset=select(shelf.Tag), many=True
        )

    serializer = BookSerializer(data={"title": "Dune"}, partial=True)
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data == {"title": "Dune"}
