"""Relational fields: a related row as its primary key, its text or one of its columns.

``queryset`` is a SQLAlchemy ``select(Model)`` (filtered or not), run on the app's
``db.session`` when input names a row. ``many=True`` wraps the field in a
``ManyRelatedField`` (a list of them). Output of a many-to-one ``PrimaryKeyRelatedField``
reads the foreign-key column of the object, not the related row, so listing objects does
not load each one's relation (DRF's "pk only" shortcut).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

from sqlalchemy import Select, bindparam, inspect, select
from sqlalchemy.orm import Mapper, RelationshipDirection

from cupola.exceptions import ImproperlyConfigured
from cupola.rest import _db
from cupola.rest.serializers.base import Field, empty, get_attribute, is_html_input
from cupola.rest.serializers.choices import Option, iter_options

__all__ = [
    "MANY_RELATION_KWARGS",
    "ManyRelatedField",
    "PKOnlyObject",
    "PrimaryKeyRelatedField",
    "RelatedField",
    "SlugRelatedField",
    "StringRelatedField",
]

#: Keyword arguments ``many=True`` passes to the ``ManyRelatedField``.
MANY_RELATION_KWARGS = (
    "read_only",
    "write_only",
    "required",
    "default",
    "initial",
    "source",
    "label",
    "help_text",
    "style",
    "error_messages",
    "allow_empty",
    "html_cutoff",
    "html_cutoff_text",
)


class PKOnlyObject:
    """A stand-in for a related row of which only the primary key was read."""

    __slots__ = ("pk",)

    def __init__(self, pk: Any) -> None:
        self.pk = pk

    def __str__(self) -> str:
        return str(self.pk)


_UNLOADED = object()
_OUT_OF_RANGE = object()  # an integer no database row can hold
_PK = "cupola_related_key"


def _same(value: Any) -> Any:
    return value


def _foreign_key_attribute(model: type, name: str) -> tuple[str, str] | None:
    """``(fk attribute, related pk attribute)`` of many-to-one relationship ``name``, if simple.

    Simple means one local column referring to the related model's primary key, so the
    column holds exactly what the related row's primary key would be.
    """
    mapper: Any = inspect(model, raiseerr=False)
    if not isinstance(mapper, Mapper):
        return None
    relationship = mapper.relationships.get(name)
    if relationship is None or relationship.direction is not RelationshipDirection.MANYTOONE:
        return None
    pairs = list(relationship.local_remote_pairs or ())
    if len(pairs) != 1:
        return None
    local, remote = pairs[0]
    remote_mapper = relationship.mapper
    if list(remote_mapper.primary_key) != [remote]:
        return None
    try:
        local_key = mapper.get_property_by_column(local).key
    except Exception:
        return None
    return local_key, remote_mapper.get_property_by_column(remote).key


class RelatedField(Field):
    """The base of relational fields: a ``queryset`` for input, ``many=True`` for lists.

    Args:
        queryset: ``select(Model)``: the rows input may name (not with ``read_only``).
        html_cutoff: The most options a form's select shows.
        html_cutoff_text: The text after the cut-off options.
        **kwargs: The ``Field`` options (and ``many``).

    Raises:
        ImproperlyConfigured: Without a queryset for a writable field, or with one for a
            read-only field.
    """

    queryset: Select[Any] | None = None
    html_cutoff: int | None = None
    html_cutoff_text: str | None = None

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        """Create the field, or with ``many=True`` the list field around it."""
        if kwargs.pop("many", False):
            return cls.many_init(*args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> ManyRelatedField:
        """The ``ManyRelatedField`` that ``many=True`` builds around this field."""
        list_kwargs: dict[str, Any] = {"child_relation": cls(*args, **kwargs)}
        list_kwargs.update({k: v for k, v in kwargs.items() if k in MANY_RELATION_KWARGS})
        return ManyRelatedField(**list_kwargs)

    def __init__(self, **kwargs: Any) -> None:
        self.queryset = kwargs.pop("queryset", self.queryset)
        self.html_cutoff = kwargs.pop("html_cutoff", self.html_cutoff)
        self.html_cutoff_text = kwargs.pop("html_cutoff_text", self.html_cutoff_text)
        overridden = type(self).get_queryset is not RelatedField.get_queryset
        if not overridden and self.queryset is None and not kwargs.get("read_only"):
            raise ImproperlyConfigured(
                "Relational field must provide a `queryset` argument, override "
                "`get_queryset`, or set read_only=`True`."
            )
        if self.queryset is not None and kwargs.get("read_only"):
            raise ImproperlyConfigured(
                "Relational fields should not provide a `queryset` argument, when setting "
                "read_only=`True`."
            )
        kwargs.pop("many", None)
        kwargs.pop("allow_empty", None)
        super().__init__(**kwargs)

    def run_validation(self, data: Any = empty) -> Any:
        """As ``Field.run_validation``, with ``""`` taken as ``None`` (an empty select)."""
        return super().run_validation(None if data == "" else data)

    def get_queryset(self) -> Select[Any]:
        """The rows input may name (override to depend on ``self.context``)."""
        if self.queryset is None:
            raise ImproperlyConfigured(f"{type(self).__name__} has no queryset.")
        return self.queryset

    def use_pk_only_optimization(self) -> bool:
        """Whether output needs only the related primary key (no related row)."""
        return False

    def get_attribute(self, instance: Any) -> Any:
        """The related row, or a ``PKOnlyObject`` read from the foreign-key column."""
        if self.use_pk_only_optimization() and self.source_attrs:
            try:
                owner = get_attribute(instance, self.source_attrs[:-1])
                found = self._local_key(owner, self.source_attrs[-1])
            except AttributeError:
                found = _UNLOADED
            if found is not _UNLOADED:
                return None if found is None else PKOnlyObject(found)
        return super().get_attribute(instance)

    def _local_key(self, owner: Any, name: str) -> Any:
        shortcuts = self.__dict__.setdefault("_fk_shortcuts", {})
        kind = type(owner)
        if kind not in shortcuts:
            shortcuts[kind] = _foreign_key_attribute(kind, name)
        shortcut = shortcuts[kind]
        if shortcut is None:
            return _UNLOADED
        local, remote = shortcut
        related = owner.__dict__.get(name, _UNLOADED)  # the relation when already loaded
        if related is _UNLOADED:
            return getattr(owner, local)
        return None if related is None else getattr(related, remote)

    def display_value(self, instance: Any) -> str:
        """The text of a related row in a form's select."""
        return str(instance)

    def get_choices(self, cutoff: int | None = None) -> dict[Any, str]:
        """``{value: text}`` of the rows of the queryset (at most ``cutoff``)."""
        statement = self.get_queryset()
        if cutoff is not None:
            statement = statement.limit(cutoff)
        rows = _db.session().scalars(statement)
        return {self.to_representation(row): self.display_value(row) for row in rows}

    @property
    def choices(self) -> dict[Any, str]:
        """Every option of the field (for forms)."""
        return self.get_choices()

    @property
    def grouped_choices(self) -> dict[Any, str]:
        """The options (relations have no groups)."""
        return self.choices

    def iter_options(self) -> Iterator[Option]:
        """The options of a form's select (``html_cutoff`` of them at most)."""
        return iter_options(
            self.get_choices(cutoff=self.html_cutoff), self.html_cutoff, self.html_cutoff_text
        )


def _pk_name(model: type, cache: dict[type, str]) -> str:
    name = cache.get(model)
    if name is None:
        name = cache[model] = _db.primary_key_name(model)
    return name


def _python_type(column: Any) -> type | None:
    """The Python type of a column's values, when its SQL type tells."""
    try:
        python_type: type = column.type.python_type
    except NotImplementedError:
        return None
    return python_type


def _convert_key(python_type: type | None, data: Any) -> Any:
    """``data`` as a value of the primary key's Python type.

    Raises:
        TypeError: For a boolean, a list or a dict.
        ValueError: For text that does not convert.
    """
    if isinstance(data, bool | list | dict):
        raise TypeError(type(data).__name__)
    if python_type is int:
        number = int(data)
        # No row holds a key past 64 bits; asking PostgreSQL would fail the transaction.
        return number if -(2**63) <= number < 2**63 else _OUT_OF_RANGE
    if python_type is str:
        return str(data)
    if python_type is uuid.UUID:
        return data if isinstance(data, uuid.UUID) else uuid.UUID(str(data))
    return data


class _KeyLookup:
    """Finds the row of a ``select(Model)`` by primary key, with the statement built once.

    PERF: a row loaded in the session's identity map costs no SQL (as ``session.get``);
    otherwise (absent, or expired by a commit) one prepared statement with a bound key runs,
    served by SQLAlchemy's compiled cache, instead of a statement built per lookup.
    """

    __slots__ = ("bound", "mapper", "plain", "python_type")

    def __init__(self, statement: Select[Any]) -> None:
        model = _db.statement_model(statement)
        column = _db.primary_key(model)
        self.mapper = _db.mapper(model)
        self.python_type = _python_type(column)
        self.plain = statement.compare(select(model))  # no filter: the identity map may answer
        key = bindparam(_PK, type_=column.type)
        self.bound = statement.where(column == key).limit(1)

    def find(self, key: Any) -> Any:
        session = _db.session()
        if self.plain:
            identity = self.mapper.identity_key_from_primary_key((key,))
            found = session.identity_map.get(identity)
            if found is not None and not inspect(found).expired_attributes:
                return session.get(self.mapper.class_, key)  # loaded: no SQL
        return session.scalars(self.bound, {_PK: key}).first()


class PrimaryKeyRelatedField(RelatedField):
    """A related row as its primary key (``2``); input names a row of ``queryset`` by key.

    Args:
        pk_field: A field that converts the key in and out (``UUIDField(format="hex")``).
        **kwargs: The ``RelatedField`` options.
    """

    _unbound_output = True

    default_error_messages: ClassVar[dict[str, str]] = {
        "required": "This field is required.",
        "does_not_exist": 'Invalid pk "{pk_value}" - object does not exist.',
        "incorrect_type": "Incorrect type. Expected pk value, received {data_type}.",
    }

    def __init__(self, **kwargs: Any) -> None:
        self.pk_field: Field | None = kwargs.pop("pk_field", None)
        #: ``(fk attribute, related pk attribute)`` given by ModelSerializer, for output.
        self.foreign_key: tuple[str, str] | None = kwargs.pop("foreign_key", None)
        super().__init__(**kwargs)
        self._pk_names: dict[type, str] = {}
        #: Shared by the copies of a declared field: the queryset's row finder.
        self._lookups: dict[str, _KeyLookup] = {}

    def use_pk_only_optimization(self) -> bool:
        """Yes: output is the key, which the foreign-key column holds."""
        return True

    def has_unbound_output(self) -> bool:
        """As any field's, and ``pk_field``'s output too."""
        pk_field = self.pk_field
        return super().has_unbound_output() and (pk_field is None or pk_field.has_unbound_output())

    def fast_representation(self) -> Callable[[Any], Any]:
        """The key as it is (or through ``pk_field``): the fast getter reads the key."""
        return _same if self.pk_field is None else self.pk_field.to_representation

    def fast_getter(self) -> Callable[[Any], Any] | None:
        """A reader of the foreign-key column when ``ModelSerializer`` knows it."""
        if self.foreign_key is None or len(self.source_attrs) != 1:
            return None
        name = self.source_attrs[0]
        local, remote = self.foreign_key

        def read_key(instance: Any) -> Any:
            state = instance.__dict__
            related = state.get(name, _UNLOADED)  # the relation, when loaded
            if related is _UNLOADED:
                key = state.get(local, _UNLOADED)  # else the loaded column
                return getattr(instance, local) if key is _UNLOADED else key
            return None if related is None else getattr(related, remote)

        return read_key

    def to_internal_value(self, data: Any) -> Any:
        """The row of ``queryset`` whose primary key is ``data``.

        Raises:
            ValidationError: 'Invalid pk "999" - object does not exist.' or "Incorrect
                type. Expected pk value, received str."
        """
        if self.pk_field is not None:
            data = self.pk_field.to_internal_value(data)
        lookup = self._lookup()
        try:
            key = _convert_key(lookup.python_type, data)
        except (TypeError, ValueError):
            return self.fail("incorrect_type", data_type=type(data).__name__)
        row = None if key is _OUT_OF_RANGE else lookup.find(key)
        if row is None:
            self.fail("does_not_exist", pk_value=data)
        return row

    def _lookup(self) -> _KeyLookup:
        """The row finder of the queryset: made once per declared field when it is static."""
        if type(self).get_queryset is not RelatedField.get_queryset:
            return _KeyLookup(self.get_queryset())  # it may change per request
        lookup = self._lookups.get("static")
        if lookup is None:
            lookup = self._lookups["static"] = _KeyLookup(self.get_queryset())
        return lookup

    def to_representation(self, value: Any) -> Any:
        """The primary key of the related row."""
        if type(value) is PKOnlyObject:
            key = value.pk
        else:
            key = getattr(value, _pk_name(type(value), self._pk_names))
        return key if self.pk_field is None else self.pk_field.to_representation(key)


class StringRelatedField(RelatedField):
    """A related row as its ``str()`` (read-only)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        """``str(value)``."""
        return str(value)


class SlugRelatedField(RelatedField):
    """A related row as one of its columns (``slug_field``), unique among ``queryset``.

    Args:
        slug_field: The attribute that names a row (``"username"``).
        **kwargs: The ``RelatedField`` options.
    """

    default_error_messages: ClassVar[dict[str, str]] = {
        "does_not_exist": "Object with {slug_name}={value} does not exist.",
        "invalid": "Invalid value.",
    }

    def __init__(self, slug_field: str | None = None, **kwargs: Any) -> None:
        if slug_field is None:
            raise ImproperlyConfigured("The `slug_field` argument is required.")
        self.slug_field = slug_field
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        """The row of ``queryset`` whose ``slug_field`` is ``data``.

        Raises:
            ValidationError: "Object with name=x does not exist." or "Invalid value."
        """
        statement = self.get_queryset()
        column = getattr(_db.statement_model(statement), self.slug_field)
        try:
            value = _convert_key(_python_type(column), data)
        except (TypeError, ValueError):
            return self.fail("invalid")
        if value is _OUT_OF_RANGE:
            row = None
        else:
            row = _db.session().scalars(statement.where(column == value).limit(1)).first()
        if row is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data))
        return row

    def to_representation(self, value: Any) -> Any:
        """The related row's ``slug_field``."""
        return getattr(value, self.slug_field)


class ManyRelatedField(Field):
    """A list of related rows through one ``child_relation`` (what ``many=True`` builds).

    Args:
        child_relation: The relational field of one item.
        allow_empty: Whether ``[]`` is valid.
        **kwargs: The ``Field`` options.
    """

    initial: Any = []
    default_empty_html: Any = []
    default_error_messages: ClassVar[dict[str, str]] = {
        "not_a_list": 'Expected a list of items but got type "{input_type}".',
        "empty": "This list may not be empty.",
    }
    html_cutoff: int | None = None
    html_cutoff_text: str | None = None

    def __init__(self, child_relation: RelatedField | None = None, **kwargs: Any) -> None:
        if child_relation is None:
            raise ImproperlyConfigured("`child_relation` is a required argument.")
        self.child_relation = child_relation
        self.allow_empty: bool = kwargs.pop("allow_empty", True)
        self.html_cutoff = kwargs.pop("html_cutoff", self.html_cutoff)
        self.html_cutoff_text = kwargs.pop("html_cutoff_text", self.html_cutoff_text)
        super().__init__(**kwargs)
        self.child_relation.bind("", self)

    def _copy(self) -> Any:
        clone = super()._copy()
        clone.child_relation = self.child_relation._copy()
        clone.child_relation.bind("", clone)
        return clone

    def get_value(self, dictionary: Any) -> Any:
        """The list: every value of the key, in a form."""
        if self.field_name not in dictionary and getattr(self.root, "partial", False):
            return empty
        if is_html_input(dictionary):
            return dictionary.getlist(self.field_name)
        return dictionary.get(self.field_name, empty)

    def to_internal_value(self, data: Any) -> Any:
        """The rows each item names.

        Raises:
            ValidationError: For a non-list, an empty list (``allow_empty=False``) or an
                item that names no row.
        """
        if isinstance(data, str) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        if not self.allow_empty and len(data) == 0:
            self.fail("empty")
        to_internal = self.child_relation.to_internal_value
        return [to_internal(item) for item in data]

    def to_representation(self, iterable: Any) -> Any:
        """Each related row through ``child_relation``."""
        to_representation = self.child_relation.to_representation
        return [to_representation(value) for value in iterable]

    def get_choices(self, cutoff: int | None = None) -> dict[Any, str]:
        """The options of ``child_relation``."""
        return self.child_relation.get_choices(cutoff)
