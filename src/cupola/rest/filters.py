"""Filter backends: ``SearchFilter`` and ``OrderingFilter`` compiled to SQLAlchemy.

A generic view passes its ``Select`` through every class of ``filter_backends``; each
returns a new ``Select`` (statements are immutable). Field names are model attribute names;
``author__name`` or ``author.name`` follows a relationship.
"""

from __future__ import annotations

import operator
import re
from functools import reduce
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, String, and_, cast, false, func, inspect
from sqlalchemy.orm import ColumnProperty, Mapper, RelationshipProperty, aliased
from sqlalchemy.sql.elements import ColumnElement

from cupola.exceptions import ImproperlyConfigured
from cupola.rest.exceptions import ValidationError
from cupola.rest.settings import api_settings

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "BaseFilterBackend",
    "OrderingFilter",
    "SearchFilter",
    "order_statement",
    "search_smart_split",
    "statement_model",
]

# A token: runs of non-space text and quoted sections (which may hold spaces), side by side.
_TOKEN = re.compile(r"""(?:"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|[^\s"']+|["'])+""")
_ESCAPE = re.compile(r"\\(.)")


def statement_model(statement: Select[Any]) -> type[Any]:
    """The mapped class a ``Select`` reads (its first entity).

    Raises:
        ImproperlyConfigured: When the statement selects no mapped class.
    """
    for description in statement.column_descriptions:
        entity = description.get("entity")
        if entity is not None:
            return inspect(entity).class_  # type: ignore[no-any-return]
    raise ImproperlyConfigured(
        f"{statement!s} selects no mapped class: use select(Model) as the queryset."
    )


def search_smart_split(search_terms: str) -> list[str]:
    """Split a search string into terms: whitespace and commas, quoted phrases kept whole.

    Example:
        >>> search_smart_split('gold, "the river" ok')
        ['gold', 'the river', 'ok']
    """
    terms: list[str] = []
    for token in _TOKEN.findall(search_terms):
        token = token.strip(",")
        if token[:1] in ("'", '"') and token[0] == token[-1]:
            terms.append(_ESCAPE.sub(r"\1", token[1:-1]))
            continue
        terms.extend(part.strip() for part in token.split(",") if part)
    return terms


def _split_path(name: str) -> list[str]:
    return name.replace(".", "__").split("__")


def _column(mapper: Mapper[Any], name: str) -> Any:
    """The column attribute ``name`` of ``mapper`` (``pk`` is the primary key), or None."""
    if name == "pk":
        if len(mapper.primary_key) != 1:
            return None
        name = mapper.get_property_by_column(mapper.primary_key[0]).key
    prop = mapper.attrs.get(name)
    if isinstance(prop, ColumnProperty):
        return getattr(mapper.class_, name)
    return None


def _search_condition(
    mapper: Mapper[Any], path: list[str], build: Any
) -> ColumnElement[bool] | None:
    """``build(column)`` at the end of ``path``, relationships as EXISTS (no duplicate rows)."""
    head, rest = path[0], path[1:]
    if not rest:
        column = _column(mapper, head)
        return None if column is None else build(column)
    prop = mapper.attrs.get(head)
    if not isinstance(prop, RelationshipProperty):
        return None
    inner = _search_condition(prop.mapper, rest, build)
    if inner is None:
        return None
    attribute = getattr(mapper.class_, head)
    return attribute.any(inner) if prop.uselist else attribute.has(inner)  # type: ignore[no-any-return]


def _text(column: Any) -> Any:
    """``column`` as text: a number or date is searched as it is written."""
    return column if isinstance(column.type, String) else cast(column, String)


def _regex(column: Any, pattern: str) -> Any:
    """A case-insensitive regular expression match; an invalid pattern matches nothing."""
    try:
        re.compile(pattern)
    except re.error:
        return false()
    # NOTE: SQLite's REGEXP ignores SQLAlchemy's flags; an inline (?i) works everywhere.
    return _text(column).regexp_match("(?i)" + pattern)


class BaseFilterBackend:
    """A filter backend: ``filter_queryset(request, queryset, view)`` returns a ``Select``."""

    def filter_queryset(self, request: Any, queryset: Select[Any], view: Any) -> Select[Any]:
        """Return ``queryset`` filtered for ``request``.

        Raises:
            NotImplementedError: Subclasses implement it.
        """
        raise NotImplementedError(".filter_queryset() must be overridden.")

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """The OpenAPI query parameters this backend reads."""
        return []


class SearchFilter(BaseFilterBackend):
    """``?search=gold river``: every term matches one of the view's ``search_fields``.

    A field name may start with ``^`` (starts with), ``=`` (exact), ``$`` (regular
    expression) or ``@`` (full-text ``MATCH``, PostgreSQL); otherwise it is a
    case-insensitive "contains". ``author__name`` searches a related model.

    Example:
        >>> class BookList(generics.ListAPIView):  # doctest: +SKIP
        ...     filter_backends = [filters.SearchFilter]
        ...     search_fields = ["title", "author__name"]
    """

    #: The query parameter; ``None`` reads ``SEARCH_PARAM`` (``"search"``).
    search_param: str | None = None
    lookup_prefixes = {"^": "istartswith", "=": "iexact", "@": "search", "$": "iregex"}
    default_lookup = "icontains"
    search_title = "Search"
    search_description = "A search term."

    def get_search_param(self) -> str:
        """The query parameter holding the terms."""
        return self.search_param or str(api_settings.SEARCH_PARAM)

    def get_search_fields(self, view: Any, request: Any) -> Sequence[str] | None:
        """The view's ``search_fields`` (override to choose them per request)."""
        return getattr(view, "search_fields", None)

    def get_search_terms(self, request: Any) -> list[str]:
        """The terms of the query parameter.

        Raises:
            ValidationError: The value holds a NUL character.
        """
        value = request.query_params.get(self.get_search_param(), "")
        if "\x00" in value:
            raise ValidationError(["Null characters are not allowed."], code="null_characters")
        return search_smart_split(value)

    def construct_search(self, field_name: str) -> tuple[str, str]:
        """Split a search field into its attribute path and its lookup."""
        lookup = self.lookup_prefixes.get(field_name[:1])
        if lookup:
            return field_name[1:], lookup
        return field_name, self.default_lookup

    def _matcher(self, lookup: str, term: str) -> Any:
        builders = {
            "icontains": lambda c: _text(c).icontains(term, autoescape=True),
            "istartswith": lambda c: _text(c).istartswith(term, autoescape=True),
            "iexact": lambda c: func.lower(_text(c)) == term.lower(),
            "iregex": lambda c: _regex(c, term),
            "search": lambda c: c.match(term),
        }
        try:
            return builders[lookup]
        except KeyError:
            raise ImproperlyConfigured(f"SearchFilter has no lookup {lookup!r}.") from None

    def filter_queryset(self, request: Any, queryset: Select[Any], view: Any) -> Select[Any]:
        """Keep the rows where every term matches some search field.

        Raises:
            ImproperlyConfigured: A search field names no column of the model.
        """
        search_fields = self.get_search_fields(view, request)
        terms = self.get_search_terms(request)
        if not search_fields or not terms:
            return queryset
        mapper = inspect(statement_model(queryset))
        fields = [self.construct_search(str(name)) for name in search_fields]
        conditions = []
        for term in terms:
            matches = []
            for path, lookup in fields:
                condition = _search_condition(
                    mapper, _split_path(path), self._matcher(lookup, term)
                )
                if condition is None:
                    raise ImproperlyConfigured(
                        f"search_fields: {path!r} is not a column of {mapper.class_.__name__} "
                        "(or of a model related to it)."
                    )
                matches.append(condition)
            conditions.append(reduce(operator.or_, matches) if len(matches) > 1 else matches[0])
        return queryset.where(and_(*conditions))

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """The ``search`` query parameter."""
        return [
            {
                "name": self.get_search_param(),
                "required": False,
                "in": "query",
                "description": self.search_description,
                "schema": {"type": "string"},
            }
        ]


class OrderingFilter(BaseFilterBackend):
    """``?ordering=-price,title``: the view's ``ordering_fields`` chosen by the client.

    Names outside ``ordering_fields`` are dropped silently; with none left (or no
    parameter) the view's ``ordering`` applies. ``ordering_fields = "__all__"`` allows every
    column; unset, the serializer's readable fields. The ordering replaces the statement's.

    Example:
        >>> class BookList(generics.ListAPIView):  # doctest: +SKIP
        ...     filter_backends = [filters.OrderingFilter]
        ...     ordering_fields = ["price", "title"]
        ...     ordering = ["title"]
    """

    #: The query parameter; ``None`` reads ``ORDERING_PARAM`` (``"ordering"``).
    ordering_param: str | None = None
    ordering_fields: Sequence[str] | str | None = None
    ordering_title = "Ordering"
    ordering_description = "Which field to use when ordering the results."

    def get_ordering_param(self) -> str:
        """The query parameter holding the ordering."""
        return self.ordering_param or str(api_settings.ORDERING_PARAM)

    def get_ordering(self, request: Any, queryset: Select[Any], view: Any) -> list[str] | None:
        """The ordering terms asked for, else the view's default ``ordering``."""
        params = request.query_params.get(self.get_ordering_param())
        if params:
            fields = [param.strip() for param in params.split(",")]
            ordering = self.remove_invalid_fields(queryset, fields, view, request)
            if ordering:
                return ordering
        return self.get_default_ordering(view)

    def get_default_ordering(self, view: Any) -> list[str] | None:
        """The view's ``ordering`` attribute as a list."""
        ordering = getattr(view, "ordering", None)
        if isinstance(ordering, str):
            return [ordering]
        return list(ordering) if ordering else None

    def get_default_valid_fields(
        self, queryset: Select[Any], view: Any, context: dict[str, Any] | None = None
    ) -> list[tuple[str, str]]:
        """The serializer's readable fields, as ``(name, label)``.

        Raises:
            ImproperlyConfigured: The view has no serializer to take them from.
        """
        serializer_class = None
        if hasattr(view, "get_serializer_class"):
            try:
                serializer_class = view.get_serializer_class()
            except ImproperlyConfigured:
                serializer_class = None
        else:
            serializer_class = getattr(view, "serializer_class", None)
        if serializer_class is None:
            raise ImproperlyConfigured(
                f"Cannot use {type(self).__name__} on a view which does not have either a "
                "'serializer_class', an overriding 'get_serializer_class' or "
                "'ordering_fields' attribute."
            )
        fields = serializer_class(context=context or {}).fields
        return [
            ((field.source or "").replace(".", "__") or name, field.label or name)
            for name, field in fields.items()
            if not getattr(field, "write_only", False) and field.source != "*"
        ]

    def get_valid_fields(
        self, queryset: Select[Any], view: Any, context: dict[str, Any] | None = None
    ) -> list[tuple[str, str]]:
        """The allowed ordering names, as ``(name, label)`` pairs."""
        valid = getattr(view, "ordering_fields", self.ordering_fields)
        if valid is None:
            return self.get_default_valid_fields(queryset, view, context)
        if valid == "__all__":
            mapper = inspect(statement_model(queryset))
            return [(prop.key, prop.key) for prop in mapper.column_attrs]
        return [(item, item) if isinstance(item, str) else tuple(item) for item in valid]

    def remove_invalid_fields(
        self, queryset: Select[Any], fields: list[str], view: Any, request: Any
    ) -> list[str]:
        """``fields`` without the names (``-`` aside) that are not valid."""
        valid = {item[0] for item in self.get_valid_fields(queryset, view, {"request": request})}
        return [term for term in fields if term.removeprefix("-") in valid]

    def filter_queryset(self, request: Any, queryset: Select[Any], view: Any) -> Select[Any]:
        """Replace the statement's ORDER BY with the chosen ordering."""
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        return order_statement(queryset, ordering)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """The ``ordering`` query parameter."""
        return [
            {
                "name": self.get_ordering_param(),
                "required": False,
                "in": "query",
                "description": self.ordering_description,
                "schema": {"type": "string"},
            }
        ]


def order_statement(statement: Select[Any], ordering: Sequence[str]) -> Select[Any]:
    """``statement`` ordered by Django-style terms (``"-price"``, ``"author__name"``).

    A term through a many-to-one relationship joins its table (outer join, aliased, so
    rows without the relation stay); a term naming no column is left out.
    """
    mapper = inspect(statement_model(statement))
    clauses = []
    joined: dict[str, Any] = {}
    for term in ordering:
        descending = term.startswith("-")
        path = _split_path(term.removeprefix("-"))
        statement, column = _ordering_column(statement, mapper, path, joined)
        if column is not None:
            clauses.append(column.desc() if descending else column.asc())
    return statement.order_by(None).order_by(*clauses)


def _ordering_column(
    statement: Select[Any], mapper: Mapper[Any], path: list[str], joined: dict[str, Any]
) -> tuple[Select[Any], Any]:
    entity: Any = mapper.class_
    walked = ""
    for name in path[:-1]:
        prop = inspect(entity).mapper.attrs.get(name)
        if not isinstance(prop, RelationshipProperty) or prop.uselist:
            return statement, None
        walked += "__" + name
        target = joined.get(walked)
        if target is None:
            target = joined[walked] = aliased(prop.mapper.class_)
            statement = statement.outerjoin(target, getattr(entity, name))
        entity = target
    column_mapper = inspect(entity).mapper
    column = _column(column_mapper, path[-1])
    if column is None:
        return statement, None
    if entity is not column_mapper.class_:  # an alias: the same column through it
        column = getattr(entity, column.key)
    return statement, column
