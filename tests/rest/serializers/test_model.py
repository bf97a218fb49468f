"""``ModelSerializer`` over SQLAlchemy: the column mapping, Meta options, writes that commit.

Every test runs on SQLite, PostgreSQL and MariaDB (see ``conftest.py``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import DateTime, Enum, Float, Interval, String, Uuid, func, select
from sqlalchemy.orm import Mapped, mapped_column

from cupola.exceptions import ImproperlyConfigured
from cupola.http.multidict import MultiDict
from cupola.rest import serializers
from cupola.rest.serializers import composite, relations

from .conftest import Shelf


def book_serializer(shelf: Shelf, **meta: Any) -> type[serializers.ModelSerializer]:
    options = {
        "model": shelf.Book,
        "fields": ["id", "title", "price", "published", "in_stock", "author"],
    }
    options.update(meta)
    meta_class = type("Meta", (), options)
    return type("BookSerializer", (serializers.ModelSerializer,), {"Meta": meta_class})


def test_columns_map_as_rest_md_says(shelf: Shelf) -> None:
    fields = book_serializer(shelf)().fields
    pk = fields["id"]
    assert isinstance(pk, serializers.IntegerField)
    assert (pk.read_only, pk.label) == (True, "ID")
    title = fields["title"]
    assert isinstance(title, serializers.CharField)
    assert (title.max_length, title.required) == (200, True)
    assert any(
        isinstance(v, serializers.validators.UniqueValidator) for v in title.validators
    ) or any(type(v).__name__ == "UniqueValidator" for v in title.validators)
    price = fields["price"]
    assert isinstance(price, serializers.DecimalField)
    assert (price.max_digits, price.decimal_places) == (8, 2)
    published = fields["published"]
    assert isinstance(published, serializers.DateField)
    assert (published.allow_null, published.required) == (True, False)
    in_stock = fields["in_stock"]
    assert isinstance(in_stock, serializers.BooleanField)
    assert in_stock.required is False
    author = fields["author"]
    assert isinstance(author, serializers.PrimaryKeyRelatedField)
    assert (author.allow_null, author.required) == (True, False)
    assert "author_id" not in fields


def test_all_fields_exclude_and_named_fk(shelf: Shelf) -> None:
    every = book_serializer(shelf, fields="__all__")()
    assert list(every.fields) == [
        "id", "title", "price", "published", "in_stock", "blurb", "author", "tags"
    ]  # fmt: skip
    assert isinstance(every.fields["tags"], relations.ManyRelatedField)
    assert isinstance(every.fields["blurb"], serializers.CharField)
    fewer = book_serializer(shelf, fields=None, exclude=["blurb", "tags"])()
    assert list(fewer.fields) == ["id", "title", "price", "published", "in_stock", "author"]
    with_fk = book_serializer(shelf, fields=["id", "author_id"])()
    assert isinstance(with_fk.fields["author_id"], serializers.IntegerField)
    reverse = type(
        "AuthorSerializer",
        (serializers.ModelSerializer,),
        {"Meta": type("Meta", (), {"model": shelf.Author, "fields": ["id", "name", "books"]})},
    )()
    books = reverse.fields["books"]
    assert isinstance(books, relations.ManyRelatedField)
    assert books.read_only


def test_create_commits_and_data_holds_the_id(shelf: Shelf) -> None:
    author = shelf.Author(name="Herbert")
    shelf.add(author)
    serializer = book_serializer(shelf)(
        data={"title": "Dune", "price": "9.99", "author": author.id, "published": "1965-08-01"}
    )
    assert serializer.is_valid(), serializer.errors
    book = serializer.save()
    assert serializer.data == {
        "id": book.id,
        "title": "Dune",
        "price": "9.99",
        "published": "1965-08-01",
        "in_stock": True,
        "author": author.id,
    }
    shelf.db.session.expunge_all()  # read it back from the database: it was committed
    stored = shelf.db.session.scalars(select(shelf.Book)).one()
    assert (stored.title, stored.price, stored.author_id) == ("Dune", Decimal("9.99"), author.id)


def test_unique_is_checked_before_any_insert(shelf: Shelf) -> None:
    shelf.add(shelf.Book(title="Dune", price=Decimal(1)))
    serializer_class = book_serializer(shelf)
    duplicate = serializer_class(data={"title": "Dune", "price": "2"})
    assert not duplicate.is_valid()
    assert duplicate.errors == {"title": ["book with this title already exists."]}
    assert duplicate.errors["title"][0].code == "unique"
    count = shelf.db.session.scalar(select(func.count()).select_from(shelf.Book))
    assert count == 1
    book = shelf.db.session.scalars(select(shelf.Book)).one()
    same = serializer_class(book, data={"title": "Dune", "price": "3"})
    assert same.is_valid(), same.errors  # its own title is not a clash


def test_update_partial_and_html_rules(shelf: Shelf) -> None:
    book = shelf.Book(
        title="Emma", price=Decimal("5"), in_stock=True, published=datetime.date(1815, 12, 23)
    )
    shelf.add(book)
    serializer_class = book_serializer(shelf)
    patch = serializer_class(book, data={"price": "6.5"}, partial=True)
    assert patch.is_valid(), patch.errors
    patch.save()
    shelf.db.session.expire_all()
    assert (book.title, book.price, book.published) == (
        "Emma",
        Decimal("6.50"),
        datetime.date(1815, 12, 23),
    )
    # A form that leaves the checkbox out unticks it; JSON that leaves it out keeps it.
    form = serializer_class(book, data=MultiDict([("title", "Emma"), ("price", "6.5")]))
    assert form.is_valid(), form.errors
    form.save()
    assert book.in_stock is False
    book.in_stock = True
    shelf.db.session.commit()
    json_put = serializer_class(book, data={"title": "Emma", "price": "6.5"})
    assert json_put.is_valid()
    json_put.save()
    assert book.in_stock is True
    form_fk = serializer_class(
        book, data=MultiDict([("title", "Emma"), ("price", "1"), ("author", "")])
    )
    assert form_fk.is_valid(), form_fk.errors
    assert form_fk.validated_data["author"] is None


def test_read_only_fields_extra_kwargs_and_declared(shelf: Shelf) -> None:
    class BookSerializer(serializers.ModelSerializer):
        author_name = serializers.CharField(source="author.name", read_only=True)

        class Meta:
            model = shelf.Book
            fields = ["id", "title", "price", "author_name", "in_stock"]
            read_only_fields = ["price"]
            extra_kwargs = {
                "title": {"max_length": 10, "help_text": "Short."},
                "in_stock": {"write_only": True},
            }

    serializer = BookSerializer()
    assert serializer.fields["price"].read_only
    assert serializer.fields["title"].max_length == 10
    assert serializer.fields["title"].help_text == "Short."
    herbert = shelf.Author(name="Herbert")
    shelf.add(shelf.Book(title="Dune", price=Decimal(2), author=herbert))
    book = shelf.db.session.scalars(select(shelf.Book)).one()
    assert BookSerializer(book).data == {
        "id": book.id, "title": "Dune", "price": "2.00", "author_name": "Herbert"
    }  # fmt: skip
    long = BookSerializer(data={"title": "x" * 11, "price": "1"})
    assert not long.is_valid()
    assert long.errors == {"title": ["Ensure this field has no more than 10 characters."]}

    class Child(BookSerializer):
        class Meta(BookSerializer.Meta):
            fields = ["id", "title"]

    assert list(Child().fields) == ["id", "title"]


def test_depth_nests_related_rows(shelf: Shelf) -> None:
    herbert = shelf.Author(name="Herbert")
    tag = shelf.Tag(slug="sf")
    shelf.add(shelf.Book(title="Dune", price=Decimal(2), author=herbert, tags=[tag]))
    book = shelf.db.session.scalars(select(shelf.Book)).one()
    deep = book_serializer(shelf, fields=["id", "author", "tags"], depth=1)(book).data
    assert deep == {
        "id": book.id,
        "author": {"id": herbert.id, "name": "Herbert"},
        "tags": [{"id": tag.id, "slug": "sf"}],
    }
    flat = book_serializer(shelf, fields=["id", "author", "tags"])(book).data
    assert flat == {"id": book.id, "author": herbert.id, "tags": [tag.id]}


def test_many_to_many_writes(shelf: Shelf) -> None:
    sf, classic = shelf.Tag(slug="sf"), shelf.Tag(slug="classic")
    shelf.add(sf, classic)
    serializer_class = book_serializer(shelf, fields=["id", "title", "price", "tags"])
    created = serializer_class(data={"title": "Dune", "price": "1", "tags": [sf.id, classic.id]})
    assert created.is_valid(), created.errors
    book = created.save()
    assert sorted(tag.slug for tag in book.tags) == ["classic", "sf"]
    assert sorted(created.data["tags"]) == sorted([sf.id, classic.id])
    bad = serializer_class(data={"title": "Emma", "price": "1", "tags": [999]})
    assert not bad.is_valid()
    assert bad.errors == {"tags": ['Invalid pk "999" - object does not exist.']}


def test_unique_together(shelf: Shelf) -> None:
    shelf.add(shelf.Book(title="Dune", price=Decimal(1)))
    book = shelf.db.session.scalars(select(shelf.Book)).one()

    class EditionSerializer(serializers.ModelSerializer):
        class Meta:
            model = shelf.Edition
            fields = ["id", "book", "number", "printed_at"]

    first = EditionSerializer(data={"book": book.id, "number": 1, "printed_at": "2026-01-01T10:00"})
    assert first.is_valid(), first.errors
    edition = first.save()
    assert first.data["printed_at"] == "2026-01-01T10:00:00"
    again = EditionSerializer(data={"book": book.id, "number": 1})
    assert not again.is_valid()
    assert again.errors == {"non_field_errors": ["The fields book, number must make a unique set."]}
    assert again.errors["non_field_errors"][0].code == "unique"
    same = EditionSerializer(edition, data={"book": book.id, "number": 1})
    assert same.is_valid(), same.errors
    missing = EditionSerializer(data={"number": 1})
    assert not missing.is_valid()
    assert missing.errors == {"book": ["This field is required."]}


def test_inference_is_lazy_and_once_per_class(shelf: Shelf) -> None:
    class LateSerializer(serializers.ModelSerializer):
        class Meta:
            fields = ["id", "label", "kind", "ratio", "code", "wait", "stamp"]

    class Late(shelf.db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        label: Mapped[str] = mapped_column(String(20), default="x", doc="Shown on the spine.")
        kind: Mapped[str] = mapped_column(Enum("a", "b", name="late_kind"))
        ratio: Mapped[float] = mapped_column(Float)
        code: Mapped[Any] = mapped_column(Uuid, nullable=True)
        wait: Mapped[datetime.timedelta | None] = mapped_column(Interval)
        stamp: Mapped[datetime.datetime | None] = mapped_column(DateTime(timezone=True))

    LateSerializer.Meta.model = Late  # type: ignore[attr-defined]
    first = LateSerializer()
    assert "_inferred_fields" not in LateSerializer.__dict__  # nothing until first used
    _ = first.fields
    inferred = LateSerializer.__dict__["_inferred_fields"]
    second = LateSerializer()
    assert LateSerializer.__dict__["_inferred_fields"] is inferred
    assert first.fields["label"] is not second.fields["label"]
    label = first.fields["label"]
    assert (label.required, label.max_length, label.help_text) == (False, 20, "Shown on the spine.")
    assert isinstance(first.fields["kind"], serializers.ChoiceField)
    assert first.fields["kind"].choices == {"a": "a", "b": "b"}
    assert isinstance(first.fields["ratio"], serializers.FloatField)
    assert isinstance(first.fields["code"], serializers.UUIDField)
    assert isinstance(first.fields["wait"], serializers.DurationField)
    stamp = first.fields["stamp"]
    assert stamp.to_representation(datetime.datetime(2026, 1, 1, 12)) == "2026-01-01T12:00:00Z"


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        ({"fields": ["id"], "model": None}, 'missing "Meta.model"'),
        ({}, "without either the 'fields' attribute or the 'exclude' attribute"),
        ({"fields": "title"}, 'The `fields` option must be a list or tuple or "__all__". Got str.'),
        ({"fields": ["id"], "exclude": ["title"]}, "Cannot set both 'fields' and 'exclude'"),
        ({"fields": ["nope"]}, "Field name `nope` is not valid for model `Book`"),
        ({"fields": None, "exclude": ["nope"]}, "does not match any model field"),
        ({"fields": ["id"], "read_only_fields": "id"}, "`read_only_fields` option must be a list"),
        ({"fields": ["id"], "depth": 11}, "'depth' may not be negative"),
    ],
)
def test_meta_errors_name_the_fix(shelf: Shelf, meta: dict[str, Any], message: str) -> None:
    options: dict[str, Any] = {"model": shelf.Book}
    options.update(meta)
    serializer_class = type(
        "BookSerializer", (serializers.ModelSerializer,), {"Meta": type("Meta", (), options)}
    )
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(").replace("[", r"\[")):
        _ = serializer_class().fields


def test_declared_field_must_be_listed(shelf: Shelf) -> None:
    class BookSerializer(serializers.ModelSerializer):
        extra = serializers.CharField()

        class Meta:
            model = shelf.Book
            fields = ["id"]

    with pytest.raises(ImproperlyConfigured, match="'extra' was declared"):
        _ = BookSerializer().fields


def test_model_properties_are_read_only(shelf: Shelf) -> None:
    shelf.Book.shout = property(lambda self: self.title.upper())
    try:
        serializer_class = book_serializer(shelf, fields=["title", "shout"])
        assert isinstance(serializer_class().fields["shout"], composite.ReadOnlyField)
        shelf.add(shelf.Book(title="kim", price=Decimal(1)))
        book = shelf.db.session.scalars(select(shelf.Book)).one()
        assert serializer_class(book).data == {"title": "kim", "shout": "KIM"}
    finally:
        del shelf.Book.shout


def test_nested_writes_are_refused(shelf: Shelf) -> None:
    class BookSerializer(serializers.ModelSerializer):
        author_name = serializers.CharField(source="author.name")

        class Meta:
            model = shelf.Book
            fields = ["title", "price", "author_name"]

    serializer = BookSerializer(data={"title": "Dune", "price": "1", "author_name": "x"})
    assert serializer.is_valid()
    with pytest.raises(AssertionError, match="writable dotted-source fields"):
        serializer.save()


def test_wrong_source_on_create_is_explained(shelf: Shelf) -> None:
    class BookSerializer(serializers.ModelSerializer):
        colour = serializers.CharField()

        class Meta:
            model = shelf.Book
            fields = ["title", "price", "colour"]

    serializer = BookSerializer(data={"title": "Dune", "price": "1", "colour": "red"})
    assert serializer.is_valid()
    with pytest.raises(TypeError, match="writable field on the serializer class"):
        serializer.save()


def test_more_column_kinds(shelf: Shelf) -> None:
    from sqlalchemy import Index, UniqueConstraint, text

    class Shelfmark(shelf.db.Model):
        __table_args__ = (UniqueConstraint("code"), Index("ix_mark_slot", "slot", unique=True))
        key: Mapped[str] = mapped_column(String(8), primary_key=True)
        code: Mapped[str] = mapped_column(String(10))
        slot: Mapped[int]
        hits: Mapped[int] = mapped_column(server_default=text("0"))

    class MarkSerializer(serializers.ModelSerializer):
        class Meta:
            model = Shelfmark
            fields = "__all__"
            extra_kwargs = {"hits": {"default": 5}}

    fields = MarkSerializer().fields
    assert list(fields) == ["key", "code", "slot", "hits"]
    assert fields["key"].required and not fields["key"].read_only  # not assigned by the database
    assert [type(v).__name__ for v in fields["code"].validators][:1] == ["UniqueValidator"]
    assert any(type(v).__name__ == "UniqueValidator" for v in fields["slot"].validators)
    assert fields["hits"].default == 5 and fields["hits"].required is False
    assert fields["slot"].max_value == 2**31 - 1

    class Given(serializers.ModelSerializer):
        class Meta:
            model = Shelfmark
            fields = ["key", "code"]
            validators: list[Any] = []

    assert Given().get_validators() == []
    with pytest.raises(ImproperlyConfigured, match="`exclude` option must be a list"):
        _ = type(
            "Bad",
            (serializers.ModelSerializer,),
            {"Meta": type("Meta", (), {"model": Shelfmark, "exclude": "code"})},
        )().fields


def test_hyperlinked_defaults(shelf: Shelf) -> None:
    class BookSerializer(serializers.HyperlinkedModelSerializer):
        class Meta:
            model = shelf.Book
            fields = "__all__"

    fields = BookSerializer().fields
    assert next(iter(fields)) == "url"
    assert "id" not in fields
    assert fields["url"].view_name == ".book-detail"
    assert fields["author"].view_name == ".author-detail"
    assert fields["tags"].child_relation.view_name == ".tag-detail"


def test_nested_serializer_writes_are_refused(shelf: Shelf) -> None:
    class AuthorSerializer(serializers.ModelSerializer):
        class Meta:
            model = shelf.Author
            fields = ["name"]

    class BookSerializer(serializers.ModelSerializer):
        author = AuthorSerializer()

        class Meta:
            model = shelf.Book
            fields = ["title", "price", "author"]

    serializer = BookSerializer(data={"title": "Dune", "price": "1", "author": {"name": "F"}})
    assert serializer.is_valid(), serializer.errors
    with pytest.raises(AssertionError, match="writable nested fields"):
        serializer.save()


def test_composite_keys_are_plain_fields(shelf: Shelf) -> None:
    class Loan(shelf.db.Model):
        reader: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
        copy: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
        days: Mapped[int] = mapped_column(default=14)

    class LoanSerializer(serializers.ModelSerializer):
        class Meta:
            model = Loan
            fields = ["reader", "copy", "days"]

    fields = LoanSerializer().fields
    assert [fields[name].read_only for name in fields] == [False, False, False]
    assert LoanSerializer(Loan(reader=1, copy=2, days=7)).data == {
        "reader": 1,
        "copy": 2,
        "days": 7,
    }


def test_unique_together_follows_an_instance_that_changed_its_fields(shelf: Shelf) -> None:
    shelf.add(shelf.Book(title="Dune", price=Decimal(1)))
    book = shelf.db.session.scalars(select(shelf.Book)).one()

    class EditionSerializer(serializers.ModelSerializer):
        class Meta:
            model = shelf.Edition
            fields = ["id", "book", "number"]

    class ReadOnlyNumber(EditionSerializer):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.fields["number"].read_only = True  # no longer a writable pair

    for _ in range(2):  # the class's validators are found again from its cache
        assert len(EditionSerializer().validators) == 1
        assert ReadOnlyNumber().validators == []
    first = EditionSerializer(data={"book": book.id, "number": 1})
    assert first.is_valid(), first.errors
    first.save()
    assert not EditionSerializer(data={"book": book.id, "number": 1}).is_valid()
