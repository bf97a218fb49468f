"""Relational fields over ``select(Model)``: keys, text, slugs, lists of them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from cupola.exceptions import ImproperlyConfigured
from cupola.http.multidict import MultiDict
from cupola.rest import relations, serializers
from cupola.rest.serializers import relations as relation_fields

from .conftest import Shelf


def book_serializer(shelf: Shelf) -> type[serializers.Serializer]:
    class BookSerializer(serializers.Serializer):
        title = serializers.CharField()
        author = serializers.PrimaryKeyRelatedField(queryset=select(shelf.Author))
        writer = serializers.StringRelatedField(source="author")
        tags = serializers.SlugRelatedField(
            slug_field="slug", queryset=select(shelf.Tag), many=True, required=False
        )

    return BookSerializer


def test_primary_key_input(shelf: Shelf) -> None:
    herbert = shelf.Author(name="Herbert")
    shelf.add(herbert)
    serializer_class = book_serializer(shelf)
    good = serializer_class(data={"title": "Dune", "author": herbert.id})
    assert good.is_valid(), good.errors
    assert good.validated_data["author"] is herbert
    from_form = serializer_class(data=MultiDict([("title", "Dune"), ("author", str(herbert.id))]))
    assert from_form.is_valid(), from_form.errors
    assert from_form.validated_data["author"] is herbert
    for value, message in (
        (999, 'Invalid pk "999" - object does not exist.'),
        ("999", 'Invalid pk "999" - object does not exist.'),
        ("abc", "Incorrect type. Expected pk value, received str."),
        ([1], "Incorrect type. Expected pk value, received list."),
        (True, "Incorrect type. Expected pk value, received bool."),
        (None, "This field may not be null."),
    ):
        bad = serializer_class(data={"title": "Dune", "author": value})
        assert not bad.is_valid()
        assert bad.errors == {"author": [message]}


def test_output_reads_the_foreign_key(shelf: Shelf) -> None:
    herbert = shelf.Author(name="Herbert")
    shelf.add(shelf.Book(title="Dune", price=Decimal(1), author=herbert))
    herbert_id = herbert.id
    shelf.db.session.expunge_all()
    book = shelf.db.session.scalars(select(shelf.Book)).one()
    serializer_class = book_serializer(shelf)
    data = serializer_class(book).data
    assert data == {"title": "Dune", "author": herbert_id, "writer": "Herbert", "tags": []}
    herbert = book.author
    orphan = shelf.Book(title="Orphan", price=Decimal(1))
    assert serializer_class(orphan).data["author"] is None
    assert book_serializer(shelf)(
        {"title": "x", "author": herbert, "writer": "w", "tags": []}
    ).data == {"title": "x", "author": herbert_id, "writer": "Herbert", "tags": []}


def test_slug_related_field(shelf: Shelf) -> None:
    shelf.add(shelf.Tag(slug="sf"), shelf.Tag(slug="classic"))
    herbert = shelf.Author(name="Herbert")
    shelf.add(herbert)
    serializer_class = book_serializer(shelf)
    good = serializer_class(data={"title": "Dune", "author": herbert.id, "tags": ["sf", "classic"]})
    assert good.is_valid(), good.errors
    assert [tag.slug for tag in good.validated_data["tags"]] == ["sf", "classic"]
    assert serializer_class(
        {"title": "Dune", "author": herbert, "writer": "x", "tags": good.validated_data["tags"]}
    ).data["tags"] == ["sf", "classic"]
    for value, message in (
        (["nope"], "Object with slug=nope does not exist."),
        ([{"a": 1}], "Invalid value."),
        ("sf", 'Expected a list of items but got type "str".'),
    ):
        bad = serializer_class(data={"title": "Dune", "author": herbert.id, "tags": value})
        assert not bad.is_valid()
        assert bad.errors == {"tags": [message]}
    form = serializer_class(
        data=MultiDict([("title", "Dune"), ("author", str(herbert.id)), ("tags", "sf")])
    )
    assert form.is_valid(), form.errors
    assert [tag.slug for tag in form.validated_data["tags"]] == ["sf"]


def test_many_related_options(shelf: Shelf) -> None:
    shelf.add(shelf.Tag(slug="sf"))
    field = serializers.PrimaryKeyRelatedField(
        queryset=select(shelf.Tag), many=True, allow_empty=False
    )
    assert isinstance(field, relations.ManyRelatedField)
    with pytest.raises(serializers.ValidationError) as caught:
        field.run_validation([])
    assert caught.value.detail == ["This list may not be empty."]
    tag = shelf.db.session.scalars(select(shelf.Tag)).one()
    assert field.get_choices() == {tag.id: "sf"}
    single = serializers.PrimaryKeyRelatedField(queryset=select(shelf.Tag))
    assert single.choices == {tag.id: "sf"}
    nullable = serializers.PrimaryKeyRelatedField(queryset=select(shelf.Tag), allow_null=True)
    assert nullable.run_validation("") is None


def test_relational_field_options_are_checked() -> None:
    with pytest.raises(ImproperlyConfigured, match="must provide a `queryset`"):
        serializers.PrimaryKeyRelatedField()
    with pytest.raises(ImproperlyConfigured, match="should not provide a `queryset`"):
        serializers.PrimaryKeyRelatedField(queryset=select(1), read_only=True)  # type: ignore[arg-type]
    with pytest.raises(ImproperlyConfigured, match="slug_field"):
        serializers.SlugRelatedField(read_only=True)
    with pytest.raises(ImproperlyConfigured, match="child_relation"):
        relations.ManyRelatedField()

    class Dynamic(serializers.PrimaryKeyRelatedField):
        def get_queryset(self) -> Any:
            return self.context["queryset"]

    assert Dynamic().queryset is None
    assert str(relations.PKOnlyObject(3)) == "3"


def test_pk_field_converts_the_key(shelf: Shelf) -> None:
    herbert = shelf.Author(name="Herbert")
    shelf.add(herbert)
    field = serializers.PrimaryKeyRelatedField(
        queryset=select(shelf.Author), pk_field=serializers.CharField()
    )
    assert field.to_representation(herbert) == str(herbert.id)
    assert field.run_validation(str(herbert.id)) is herbert


def test_keys_past_any_row_and_typed_slugs(shelf: Shelf) -> None:
    herbert = shelf.Author(name="Herbert")
    shelf.add(herbert)

    class S(serializers.Serializer):
        author = serializers.PrimaryKeyRelatedField(queryset=select(shelf.Author))
        by_id = serializers.SlugRelatedField(
            slug_field="id", queryset=select(shelf.Author), required=False
        )

    huge = S(data={"author": "9" * 30, "by_id": "abc"})
    assert not huge.is_valid()
    assert huge.errors == {
        "author": [f'Invalid pk "{"9" * 30}" - object does not exist.'],
        "by_id": ["Invalid value."],
    }
    far = S(data={"author": herbert.id, "by_id": 2**70})
    assert not far.is_valid()
    assert far.errors == {"by_id": [f"Object with id={2**70} does not exist."]}
    good = S(data={"author": herbert.id, "by_id": str(herbert.id)})
    assert good.is_valid(), good.errors
    assert good.validated_data["by_id"] is herbert


def test_output_through_a_missing_owner(shelf: Shelf) -> None:
    class S(serializers.Serializer):
        author = serializers.PrimaryKeyRelatedField(source="book.author", read_only=True)

    assert S({"book": None}).data == {}
    assert relation_fields._foreign_key_attribute(int, "x") is None
    assert relation_fields._foreign_key_attribute(shelf.Author, "books") is None
    assert relation_fields._foreign_key_attribute(shelf.Book, "author") == ("author_id", "id")
