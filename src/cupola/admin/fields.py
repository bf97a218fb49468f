"""What the admin knows of a model: its editable fields, read once from the SQLAlchemy mapper.

A :class:`ModelField` is a column (its type, length, nullability, default, uniqueness) or a
many-to-one relationship, which replaces its foreign-key column: the form offers the
related rows, never the raw key. Names are the mapped attribute names.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, inspect
from sqlalchemy.orm import Mapper, RelationshipProperty
from sqlalchemy.orm.properties import ColumnProperty
from sqlalchemy.sql import sqltypes

__all__ = ["ModelField", "model_fields", "primary_key_name", "verbose_name"]

_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def verbose_name(name: str) -> str:
    """``BookReview`` → ``book review``; ``price_cents`` → ``price cents``."""
    return _BOUNDARY.sub(" ", name).replace("_", " ").lower()


@dataclass(frozen=True)
class ModelField:
    """One attribute of a model as the admin shows and edits it."""

    name: str
    label: str
    kind: str  # text, string, integer, decimal, float, boolean, date, datetime, choice, relation
    nullable: bool = False
    required: bool = True
    max_length: int | None = None
    unique: bool = False
    default: Any = None
    choices: tuple[Any, ...] = ()
    places: int | None = None
    primary_key: bool = False
    related: Any = None  # the related class of a relationship
    related_key: str = ""  # the attribute holding that class's primary key
    local_key: str = ""  # the attribute of this model's foreign-key column

    @property
    def is_relation(self) -> bool:
        """Whether the field is a many-to-one relationship."""
        return self.kind == "relation"


def primary_key_name(model: type) -> str:
    """The attribute name of the one-column primary key of ``model``."""
    mapper: Mapper[Any] = inspect(model)
    return mapper.get_property_by_column(mapper.primary_key[0]).key


def _kind(column_type: Any) -> tuple[str, dict[str, Any]]:
    if isinstance(column_type, sqltypes.Enum):
        return "choice", {"choices": tuple(column_type.enums)}
    if isinstance(column_type, sqltypes.Boolean):
        return "boolean", {}
    if isinstance(column_type, sqltypes.Integer):
        return "integer", {}
    if isinstance(column_type, sqltypes.Float):
        return "float", {}
    if isinstance(column_type, sqltypes.Numeric):
        return "decimal", {"places": column_type.scale}
    if isinstance(column_type, sqltypes.DateTime):
        return "datetime", {}
    if isinstance(column_type, sqltypes.Date):
        return "date", {}
    if isinstance(column_type, sqltypes.Text) or (
        isinstance(column_type, sqltypes.String) and column_type.length is None
    ):
        return "text", {}
    if isinstance(column_type, sqltypes.String):
        return "string", {"max_length": column_type.length}
    return "string", {}


def _default(column: Column[Any]) -> Any:
    default = column.default
    if default is None or not getattr(default, "is_scalar", False):
        return None  # callables (now(), uuid4) fill the row, not the form
    value = getattr(default, "arg", None)
    return value.value if isinstance(value, enum.Enum) else value


def _column_field(name: str, column: Column[Any]) -> ModelField:
    kind, extra = _kind(column.type)
    has_default = column.default is not None or column.server_default is not None
    return ModelField(
        name=name,
        label=verbose_name(name).capitalize(),
        kind=kind,
        nullable=bool(column.nullable),
        required=not column.nullable and not has_default and kind != "boolean",
        unique=bool(column.unique),
        default=_default(column),
        primary_key=column.primary_key,
        **extra,
    )


def model_fields(model: type) -> list[ModelField]:
    """The model's fields in declaration order, relationships in place of their keys."""
    mapper: Mapper[Any] = inspect(model)
    relations: dict[Any, RelationshipProperty[Any]] = {}
    for relationship in mapper.relationships:
        if relationship.direction.name == "MANYTOONE" and len(relationship.local_columns) == 1:
            (column,) = relationship.local_columns
            relations[column] = relationship
    fields: list[ModelField] = []
    for prop in mapper.iterate_properties:
        if not isinstance(prop, ColumnProperty) or len(prop.columns) != 1:
            continue
        column = prop.columns[0]
        if not isinstance(column, Column):
            continue
        related = relations.get(column)
        if related is None:
            fields.append(_column_field(prop.key, column))
            continue
        fields.append(
            ModelField(
                name=related.key,
                label=verbose_name(related.key).capitalize(),
                kind="relation",
                nullable=bool(column.nullable),
                required=not column.nullable,
                related=related.mapper.class_,
                related_key=primary_key_name(related.mapper.class_),
                local_key=prop.key,
            )
        )
    return fields
