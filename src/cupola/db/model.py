"""The declarative base behind ``db.Model``: typed SQLAlchemy 2 models with automatic table names.

Each :class:`~cupola.db.Database` gets its own base (and so its own ``MetaData``), written in
SQLAlchemy 2's ``Mapped[...]`` style. A model without ``__tablename__`` is named after its
class in snake_case (``BookReview`` → ``book_review``); constraints get predictable names, which
Alembic needs to alter them (on SQLite above all). A plain ``Mapped[str]`` is a ``VARCHAR(255)``
on MySQL and MariaDB, which refuse a ``VARCHAR`` without a length, and unbounded elsewhere.
"""

from __future__ import annotations

import re
from typing import Any, cast

from sqlalchemy import Column, MetaData, String
from sqlalchemy.orm import DeclarativeBase, declared_attr
from sqlalchemy.orm.properties import MappedColumn

__all__ = ["NAMING_CONVENTION", "SnakeCaseTableName", "make_model_class", "snake_case"]

#: Constraint names as Alembic's documentation recommends; migrations can then drop them.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: ``Mapped[str]`` without a length: unbounded, but 255 characters where a length is required.
DEFAULT_STRING = String().with_variant(String(255), "mysql", "mariadb")

_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def snake_case(name: str) -> str:
    """Convert a class name to a table name.

    Example:
        >>> snake_case("BookReview"), snake_case("HTTPLog"), snake_case("User2FA")
        ('book_review', 'http_log', 'user2_fa')
    """
    return _BOUNDARY.sub("_", name).lower()


def _defines_primary_key(cls: type) -> bool:
    for value in vars(cls).values():
        column = value.column if isinstance(value, MappedColumn) else value
        if isinstance(column, Column) and column.primary_key:
            return True
    return False


class SnakeCaseTableName:
    """Mixin for a declarative base: name each model's table after its class.

    A class that sets ``__tablename__`` (or ``__table__``) keeps it. A subclass of a mapped
    model that declares no primary key of its own gets no table: it is single-table
    inheritance, as in Flask-SQLAlchemy. One with its own primary key is joined inheritance
    and gets its own table.
    """

    @declared_attr.directive
    def __tablename__(cls) -> str | None:
        """The snake_case class name, or ``None`` for single-table inheritance."""
        model = cast(type, cls)  # a declared_attr receives the class being mapped
        table = vars(model).get("__table__")
        if table is not None:  # asked again once mapped: the answer is its table's
            return cast(str, table.name)
        inherits = any(
            "__table__" in vars(base) or "__mapper__" in vars(base) for base in model.__mro__[1:]
        )
        if inherits and not _defines_primary_key(model):
            return None
        return snake_case(model.__name__)


def make_model_class(model_class: type[DeclarativeBase] | None) -> type[DeclarativeBase]:
    """Return the base for ``db.Model``: ``model_class`` itself, or a fresh base.

    Args:
        model_class: A user's ``DeclarativeBase`` subclass (mix in
            :class:`SnakeCaseTableName` for automatic names), or ``None``.
    """
    if model_class is not None:
        return model_class
    namespace: dict[str, Any] = {
        "metadata": MetaData(naming_convention=NAMING_CONVENTION),
        "type_annotation_map": {str: DEFAULT_STRING},
        "__doc__": "Base class of this database's models.",
    }
    return type("Model", (SnakeCaseTableName, DeclarativeBase), namespace)
