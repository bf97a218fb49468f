"""``ModelSerializer``: a serializer whose fields are inferred from a SQLAlchemy model.

Columns map to fields as DRF maps the Django field of the same kind (``String(200)`` →
``CharField(max_length=200)``, ``Numeric(8, 2)`` → ``DecimalField``, a unique column adds a
``UniqueValidator`` with Django's message); a many-to-one relationship named in
``Meta.fields`` becomes a ``PrimaryKeyRelatedField``. The fields are inferred once per
class, on first use (the model may be declared after the serializer), and each instance
binds cheap copies. ``create`` and ``update`` write through the app's ``db.session`` and
commit, so ``.data`` after ``save()`` holds the new primary key.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any, ClassVar

from sqlalchemy import Column, UniqueConstraint, inspect, select, types
from sqlalchemy.orm import Mapper, RelationshipDirection, RelationshipProperty
from sqlalchemy.orm.attributes import set_committed_value

from cupola.exceptions import ImproperlyConfigured
from cupola.rest import _db, _insert
from cupola.rest.serializers import choices, composite, fields, temporal
from cupola.rest.serializers.base import Field
from cupola.rest.serializers.hyperlinks import HyperlinkedIdentityField, HyperlinkedRelatedField
from cupola.rest.serializers.relations import PrimaryKeyRelatedField, _foreign_key_attribute
from cupola.rest.serializers.serializer import Serializer
from cupola.rest.serializers.validators import UniqueTogetherValidator, UniqueValidator
from cupola.rest.settings import api_settings

__all__ = ["ALL_FIELDS", "HyperlinkedModelSerializer", "ModelSerializer", "detail_view_name"]

#: ``Meta.fields = ALL_FIELDS`` (``"__all__"``): every column and forward relationship.
ALL_FIELDS = "__all__"

#: Options a read-only field cannot take; ``read_only_fields`` drops them.
_WRITE_ONLY_OPTIONS = (
    "required",
    "default",
    "allow_blank",
    "min_length",
    "max_length",
    "min_value",
    "max_value",
    "validators",
    "queryset",
)

_inference_lock = threading.Lock()

#: Bits of the SQL integer types (``Integer`` and anything else: 32).
_INTEGER_BITS = {types.SmallInteger: 16, types.BigInteger: 64}


def _is_unique(column: Column[Any]) -> bool:
    """Whether the column alone is unique (``unique=True``, or a one-column constraint)."""
    if column.unique or column.primary_key:
        return bool(column.unique)
    table = column.table
    for constraint in getattr(table, "constraints", ()):
        if isinstance(constraint, UniqueConstraint) and list(constraint.columns) == [column]:
            return True
    return any(
        index.unique and list(index.columns) == [column] for index in getattr(table, "indexes", ())
    )


class ModelSerializer(Serializer):
    """A ``Serializer`` with fields inferred from ``Meta.model``'s columns and relationships.

    ``Meta`` options, as DRF's: ``model``, ``fields`` (a list or ``"__all__"``),
    ``exclude``, ``read_only_fields``, ``extra_kwargs`` (``{"name": {option: value}}``),
    ``depth`` (nest related rows that many levels, read-only) and ``validators``.

    Example:
        >>> class BookSerializer(ModelSerializer):  # doctest: +SKIP
        ...     class Meta:
        ...         model = Book
        ...         fields = ["id", "title", "price", "author"]
    """

    #: SQLAlchemy column types to serializer fields; the first ``isinstance`` match wins.
    serializer_field_mapping: ClassVar[list[tuple[type[Any], type[Field]]]] = [
        (types.Boolean, fields.BooleanField),
        (types.Enum, choices.ChoiceField),
        (types.Integer, fields.IntegerField),
        (types.Float, fields.FloatField),
        (types.Numeric, fields.DecimalField),
        (types.Uuid, fields.UUIDField),
        (types.DateTime, temporal.DateTimeField),
        (types.Date, temporal.DateField),
        (types.Time, temporal.TimeField),
        (types.Interval, temporal.DurationField),
        (types.JSON, composite.JSONField),
        (types.String, fields.CharField),
    ]
    serializer_related_field: ClassVar[type[Field]] = PrimaryKeyRelatedField

    # -- saving -------------------------------------------------------------------------

    def create(self, validated_data: dict[str, Any]) -> Any:
        """Add a new row built from ``validated_data`` to ``db.session`` and commit.

        Raises:
            TypeError: When the model does not accept the data (a wrong ``source``).
        """
        _refuse_nested_writes(self, validated_data)
        model = self._model()
        collections = {
            k: validated_data.pop(k) for k in list(validated_data) if _is_collection(model, k)
        }
        try:
            instance = model(**validated_data)
        except TypeError as exc:
            raise TypeError(
                f"Got a `TypeError` when calling `{model.__name__}()`. This may be because "
                f"you have a writable field on the serializer class that is not a valid "
                f"argument to `{model.__name__}()`. You may need to make the field read-only, "
                f"or override the {type(self).__name__}.create() method to handle this "
                f"correctly.\nOriginal exception was: {exc}"
            ) from exc
        for name, value in collections.items():
            setattr(instance, name, value)
        _commit(instance, new=True)
        return instance

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        """Set ``validated_data`` on ``instance`` and commit."""
        _refuse_nested_writes(self, validated_data)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        _commit(instance)
        return instance

    # -- field inference ----------------------------------------------------------------

    @classmethod
    def _model(cls) -> Any:
        meta = getattr(cls, "Meta", None)
        model = getattr(meta, "model", None)
        if model is None:
            raise ImproperlyConfigured(f'Class {cls.__name__} missing "Meta.model" attribute')
        return model

    def get_fields(self) -> dict[str, Field]:
        """Copies of the inferred and declared fields (inferred once per class)."""
        return {name: field._copy() for name, field in self._inferred().items()}

    def _prototype_fields(self) -> dict[str, Field] | None:
        if type(self).get_fields is not ModelSerializer.get_fields:
            return None
        return self._inferred()

    def _inferred(self) -> dict[str, Field]:
        """The fields of the class, inferred and bound by name on first use."""
        inferred: dict[str, Field] | None = type(self).__dict__.get("_inferred_fields")
        if inferred is None:
            with _inference_lock:
                inferred = type(self).__dict__.get("_inferred_fields")
                if inferred is None:
                    inferred = self.build_fields()
                    for name, field in inferred.items():
                        field.bind(name, None)  # once, with the class
                    type.__setattr__(type(self), "_inferred_fields", inferred)
        return inferred

    def build_fields(self) -> dict[str, Field]:
        """Infer the fields from ``Meta`` (once per class; ``get_fields`` caches them).

        Raises:
            ImproperlyConfigured: For a ``Meta`` that names no model, no fields, or a
                field the model lacks.
        """
        meta = getattr(self, "Meta", None)
        model = self._model()
        if getattr(meta, "depth", 0) < 0 or getattr(meta, "depth", 0) > 10:
            raise ImproperlyConfigured("'depth' may not be negative, nor greater than 10.")
        mapper = _db.mapper(model)
        declared = dict(self._declared_fields)
        names = self.get_field_names(declared, mapper)
        extra = self.get_extra_kwargs()
        result: dict[str, Field] = {}
        for name in names:
            if name in declared:
                result[name] = declared[name]
                continue
            field_class, kwargs = self.build_field(name, mapper, getattr(meta, "depth", 0))
            kwargs = _include_extra_kwargs(kwargs, extra.get(name, {}))
            result[name] = field_class(**kwargs)
        return result

    def get_field_names(self, declared: dict[str, Field], mapper: Mapper[Any]) -> list[str]:
        """The names of ``Meta.fields`` (or every default name, less ``Meta.exclude``).

        Raises:
            ImproperlyConfigured: For missing or contradictory options.
        """
        meta = getattr(self, "Meta", None)
        names = getattr(meta, "fields", None)
        exclude = getattr(meta, "exclude", None)
        cls = type(self).__name__
        if names is not None and names != ALL_FIELDS and not isinstance(names, list | tuple):
            raise ImproperlyConfigured(
                'The `fields` option must be a list or tuple or "__all__". '
                f"Got {type(names).__name__}."
            )
        if exclude is not None and not isinstance(exclude, list | tuple):
            raise ImproperlyConfigured(
                f"The `exclude` option must be a list or tuple. Got {type(exclude).__name__}."
            )
        if names is not None and exclude is not None:
            raise ImproperlyConfigured(
                f"Cannot set both 'fields' and 'exclude' options on serializer {cls}."
            )
        if names is None and exclude is None:
            raise ImproperlyConfigured(
                "Creating a ModelSerializer without either the 'fields' attribute or the "
                "'exclude' attribute has been deprecated since 3.3.0, and is now disallowed. "
                f"Add an explicit fields = '__all__' to the {cls} serializer."
            )
        if names is not None and names != ALL_FIELDS:
            for name in declared:
                if name not in names and name not in _inherited_declared(type(self)):
                    raise ImproperlyConfigured(
                        f"The field '{name}' was declared on serializer {cls}, but has not been "
                        "included in the 'fields' option."
                    )
            return list(names)
        chosen = self.get_default_field_names(declared, mapper)
        for name in exclude or ():
            if name not in chosen:
                raise ImproperlyConfigured(
                    f"The field '{name}' was included on serializer {cls} in the 'exclude' "
                    "option, but does not match any model field."
                )
            chosen.remove(name)
        return chosen

    def get_default_field_names(self, declared: dict[str, Field], mapper: Mapper[Any]) -> list[str]:
        """The primary key, the declared fields, the columns, then forward relationships.

        Foreign-key columns a relationship stands for are left out (the relationship is
        the field), as Django's ``author`` stands for its ``author_id`` column.
        """
        pk = _db.primary_key_name(mapper.class_)
        hidden = {pk, *declared}
        for relationship in mapper.relationships:
            if relationship.direction is RelationshipDirection.MANYTOONE:
                for column in relationship.local_columns:
                    hidden.add(mapper.get_property_by_column(column).key)
        columns = [attr.key for attr in mapper.column_attrs if attr.key not in hidden]
        relations = [
            r.key
            for r in mapper.relationships
            if r.direction is not RelationshipDirection.ONETOMANY and r.key not in declared
        ]
        return [pk, *declared, *columns, *relations]

    def get_extra_kwargs(self) -> dict[str, dict[str, Any]]:
        """``Meta.extra_kwargs``, with ``read_only_fields`` folded in."""
        meta = getattr(self, "Meta", None)
        extra = {
            name: dict(options)
            for name, options in (getattr(meta, "extra_kwargs", None) or {}).items()
        }
        read_only = getattr(meta, "read_only_fields", None)
        if read_only is not None:
            if not isinstance(read_only, list | tuple):
                raise ImproperlyConfigured(
                    "The `read_only_fields` option must be a list or tuple. "
                    f"Got {type(read_only).__name__}."
                )
            for name in read_only:
                extra.setdefault(name, {})["read_only"] = True
        return extra

    def build_field(
        self, name: str, mapper: Mapper[Any], depth: int
    ) -> tuple[type[Field], dict[str, Any]]:
        """The field class and options for model attribute ``name``.

        Raises:
            ImproperlyConfigured: When the model has no such attribute.
        """
        relationship = mapper.relationships.get(name)
        if relationship is not None:
            if depth:
                return self.build_nested_field(name, relationship, depth)
            return self.build_relational_field(name, relationship)
        column_attr = mapper.column_attrs.get(name)
        if column_attr is not None and len(column_attr.columns) == 1:
            column = column_attr.columns[0]
            if isinstance(column, Column):
                return self.build_standard_field(name, column)
        if hasattr(mapper.class_, name):
            return composite.ReadOnlyField, {}
        raise ImproperlyConfigured(
            f"Field name `{name}` is not valid for model `{mapper.class_.__name__}` in "
            f"`{type(self).__name__}`."
        )

    def build_standard_field(
        self, name: str, column: Column[Any]
    ) -> tuple[type[Field], dict[str, Any]]:
        """The field of one column, with options from its type, nullability and defaults."""
        model = self._model()
        field_class: type[Field] = composite.ReadOnlyField
        for column_type, candidate in self.serializer_field_mapping:
            if isinstance(column.type, column_type):
                field_class = candidate
                break
        single_key = len(_db.mapper(model).primary_key) == 1
        if column.primary_key and single_key and _auto_key(column):
            kwargs: dict[str, Any] = {"read_only": True}
            if name == "id":
                kwargs["label"] = "ID"
            return field_class, kwargs
        kwargs = _column_kwargs(column, field_class)
        if column.doc or column.comment:
            kwargs["help_text"] = column.doc or column.comment
        if field_class is composite.ReadOnlyField:
            return field_class, {}
        if _is_unique(column):
            message = (
                f"{_db.verbose_name(model)} with this {name.replace('_', ' ')} already exists."
            )
            kwargs["validators"] = [UniqueValidator(select(model), message=message)]
        return field_class, kwargs

    def build_relational_field(
        self, name: str, relationship: RelationshipProperty[Any]
    ) -> tuple[type[Field], dict[str, Any]]:
        """A ``PrimaryKeyRelatedField`` (``many=True`` for collections)."""
        related = relationship.mapper.class_
        if relationship.direction is RelationshipDirection.MANYTOONE:
            kwargs: dict[str, Any] = {"queryset": select(related)}
            if self.serializer_related_field is PrimaryKeyRelatedField:
                kwargs["foreign_key"] = _foreign_key_attribute(self._model(), name)
            if any(column.nullable for column in relationship.local_columns):
                kwargs.update(allow_null=True, required=False)
            elif any(
                column.default is not None or column.server_default is not None
                for column in relationship.local_columns
            ):
                kwargs["required"] = False
            return self.serializer_related_field, kwargs
        if relationship.direction is RelationshipDirection.ONETOMANY:
            return self.serializer_related_field, {"many": True, "read_only": True}
        return self.serializer_related_field, {"many": True, "queryset": select(related)}

    def build_nested_field(
        self, name: str, relationship: RelationshipProperty[Any], depth: int
    ) -> tuple[type[Field], dict[str, Any]]:
        """A read-only nested ``ModelSerializer`` of the related model, ``depth - 1`` deep."""

        class NestedSerializer(ModelSerializer):
            class Meta:
                model = relationship.mapper.class_
                fields = ALL_FIELDS

        NestedSerializer.Meta.depth = depth - 1  # type: ignore[attr-defined]
        kwargs: dict[str, Any] = {"read_only": True}
        if relationship.uselist:
            kwargs["many"] = True
        return NestedSerializer, kwargs

    def get_validators(self) -> list[Callable[..., Any]]:
        """``Meta.validators``, or a ``UniqueTogetherValidator`` per multi-column constraint."""
        meta = getattr(self, "Meta", None)
        validators = getattr(meta, "validators", None)
        if validators is not None:
            return list(validators)
        # PERF: one list per class and set of writable fields, not a mapper walk per instance;
        # the class's own fields (key None) are not even read again.
        cache: dict[Any, list[Callable[..., Any]]] = type(self).__dict__.get("_together", {})
        own = "fields" not in self.__dict__ and self._prototype_fields() is not None
        if own and None in cache:
            return list(cache[None])
        by_source = {f.source: f.field_name for f in self._fields_in_view() if not f.read_only}
        key = frozenset(by_source.items())
        if key not in cache or own:
            found = cache[key] if key in cache else _unique_together(self._model(), by_source)
            cache = {**cache, key: found}
            if own:
                cache[None] = found
            type.__setattr__(type(self), "_together", cache)
        return list(cache[key])


def _unique_together(model: Any, by_source: dict[str, str]) -> list[Callable[..., Any]]:
    """A ``UniqueTogetherValidator`` per unique constraint of several writable columns."""
    mapper = _db.mapper(model)
    result: list[Callable[..., Any]] = []
    for constraint in getattr(mapper.local_table, "constraints", ()):
        if not isinstance(constraint, UniqueConstraint) or len(constraint.columns) < 2:
            continue
        names = [_source_of_column(mapper, column, by_source) for column in constraint.columns]
        if all(name is not None for name in names):
            result.append(UniqueTogetherValidator(select(model), names))  # type: ignore[arg-type]
    return result


def _source_of_column(mapper: Mapper[Any], column: Any, by_source: dict[str, str]) -> str | None:
    """The serializer field writing ``column``: its attribute, or the relationship over it."""
    key = mapper.get_property_by_column(column).key
    if key in by_source:
        return by_source[key]
    for relationship in mapper.relationships:
        if list(relationship.local_columns) == [column] and relationship.key in by_source:
            return by_source[relationship.key]
    return None


def _inherited_declared(cls: type) -> set[str]:
    """Declared fields a class inherits (a subclass may leave them out of ``fields``)."""
    return {name for base in cls.__mro__[1:] for name in getattr(base, "_declared_fields", {})}


def _auto_key(column: Column[Any]) -> bool:
    """Whether the database assigns this primary key (an auto-increment integer)."""
    if column.default is not None or column.server_default is not None:
        return isinstance(column.type, types.Integer)
    return isinstance(column.type, types.Integer) and column.autoincrement in (True, "auto")


def _column_kwargs(column: Column[Any], field_class: type[Field]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    if column.nullable:
        kwargs.update(allow_null=True, required=False)
    if column.default is not None or column.server_default is not None:
        kwargs["required"] = False
    column_type = column.type
    if issubclass(field_class, choices.ChoiceField) and isinstance(column_type, types.Enum):
        kwargs["choices"] = list(column_type.enum_class or column_type.enums)
    elif issubclass(field_class, fields.CharField) and isinstance(column_type, types.String):
        if column_type.length:
            kwargs["max_length"] = column_type.length
    elif issubclass(field_class, fields.IntegerField) and isinstance(column_type, types.Integer):
        # NOTE: Django's ranges on PostgreSQL, so a number the column cannot hold is a 400
        # field error on every database, not a failed INSERT.
        bits = _INTEGER_BITS.get(type(column_type), 32)
        kwargs.update(max_value=2 ** (bits - 1) - 1, min_value=-(2 ** (bits - 1)))
    elif field_class is temporal.DateTimeField and getattr(column_type, "timezone", False):
        kwargs["default_timezone"] = datetime.UTC  # aware values in, out with a "Z"
    elif field_class is fields.DecimalField:
        numeric: types.Numeric[Any] = column_type  # type: ignore[assignment]
        kwargs.update(max_digits=numeric.precision, decimal_places=numeric.scale)
    return kwargs


def _include_extra_kwargs(kwargs: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    if extra.get("read_only", False):
        for option in _WRITE_ONLY_OPTIONS:
            kwargs.pop(option, None)
        kwargs.pop("allow_null", None)
    if extra.get("default") is not None and kwargs.get("required") is False:
        kwargs.pop("required")
    if extra.get("read_only", kwargs.get("read_only", False)):
        extra = {k: v for k, v in extra.items() if k not in ("required", "queryset")}
    kwargs.update(extra)
    if kwargs.get("read_only") and kwargs.get("many") and "queryset" in kwargs:
        kwargs.pop("queryset")
    return kwargs


def _is_collection(model: Any, name: str) -> bool:
    return name in _collections(model)


@lru_cache(maxsize=256)
def _collections(model: Any) -> frozenset[str]:
    """The relationships of ``model`` holding lists (set after the row is built)."""
    return frozenset(r.key for r in _db.mapper(model).relationships if r.uselist)


def _refuse_nested_writes(serializer: Serializer, validated_data: dict[str, Any]) -> None:
    """DRF's rule: dotted sources and nested serializers are not written by default."""
    for field in serializer._fields_in_view():
        if field.read_only:
            continue
        nested = isinstance(field, Serializer) and field.source in validated_data
        dotted = len(field.source_attrs) > 1 and field.source_attrs[0] in validated_data
        if nested or dotted:
            kind = "writable nested fields" if nested else "writable dotted-source fields"
            raise AssertionError(
                f"The `.{'create' if serializer.instance is None else 'update'}()` method does "
                f"not support {kind} by default.\nWrite an explicit `.create()`/`.update()` "
                f"method for serializer `{type(serializer).__module__}."
                f"{type(serializer).__name__}`, or set `read_only=True` on the field "
                f"`{field.field_name}`."
            )


def _commit(instance: Any, new: bool = False) -> None:
    """Add ``instance`` to the app's session and commit, keeping the values just written.

    A ``new`` plain row is inserted without a flush where it can be, and in a transaction
    of its own when the session has none open (see ``_insert``).

    NOTE: as after Django's ``save()``, the object keeps the values it was saved with: the
    commit expires them, and they are set back (no SELECT to read them again). Columns the
    database filled in (server defaults, the new key) were read by the flush or stay expired.
    """
    session = _db.session()
    if new and _insert.insert_committed(session, instance):
        return
    try:
        if not (new and _insert.insert(session, instance)):
            session.add(instance)
            session.flush()
        state = inspect(instance)
        written = {
            attr.key: state.dict[attr.key]
            for attr in state.mapper.column_attrs
            if attr.key in state.dict
        }
        session.commit()
    except Exception:
        session.rollback()
        raise
    if not session.expire_on_commit:
        return
    for key, value in written.items():
        set_committed_value(instance, key, value)


def detail_view_name(model: type) -> str:
    """The router's detail endpoint of ``model`` in the request's blueprint: ``".book-detail"``."""
    return f".{model.__name__.lower()}-detail"


class HyperlinkedModelSerializer(ModelSerializer):
    """A ``ModelSerializer`` whose relations, and the object itself (``url``), are URLs.

    The ``url`` field (``URL_FIELD_NAME``) takes the place of the primary key among the
    default fields; relations are ``HyperlinkedRelatedField``s to the related model's
    ``"<model>-detail"`` endpoint in the request's blueprint (a router's detail route).
    ``extra_kwargs = {"url": {"view_name": …, "lookup_field": …}}`` changes them.
    """

    serializer_related_field: ClassVar[type[Field]] = HyperlinkedRelatedField

    def get_default_field_names(self, declared: dict[str, Field], mapper: Mapper[Any]) -> list[str]:
        """The ``url`` field, the declared fields, the columns, then forward relationships."""
        names = super().get_default_field_names(declared, mapper)
        return [api_settings.URL_FIELD_NAME, *names[1:]]

    def build_field(
        self, name: str, mapper: Mapper[Any], depth: int
    ) -> tuple[type[Field], dict[str, Any]]:
        """The ``url`` field as a ``HyperlinkedIdentityField``, others as in ``ModelSerializer``."""
        if name == api_settings.URL_FIELD_NAME:
            return HyperlinkedIdentityField, {"view_name": detail_view_name(mapper.class_)}
        return super().build_field(name, mapper, depth)

    def build_relational_field(
        self, name: str, relationship: RelationshipProperty[Any]
    ) -> tuple[type[Field], dict[str, Any]]:
        """A ``HyperlinkedRelatedField`` to the related model's detail endpoint."""
        field_class, kwargs = super().build_relational_field(name, relationship)
        kwargs["view_name"] = detail_view_name(relationship.mapper.class_)
        return field_class, kwargs
