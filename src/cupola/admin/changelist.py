"""The change list: a model's rows searched, filtered, sorted and paginated from the query string.

``?q=`` searches (every word must match one of ``search_fields``, case-insensitively),
``?<field>=<value>`` filters by a ``list_filter`` field (booleans as ``1``/``0``), ``?o=`` sorts
(``-`` descends) and ``?p=`` pages from 1. A value that makes no sense is ignored, never an
error. Pages are fetched without counting every row: one row more than a page tells whether
there is a next one, and the total shown is counted up to :data:`COUNT_LIMIT`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

if TYPE_CHECKING:
    from sqlalchemy import Select
    from sqlalchemy.orm import Session

    from cupola.admin.fields import ModelField
    from cupola.admin.options import ModelAdmin
    from cupola.http.request import Request

__all__ = ["COUNT_LIMIT", "ChangeList"]

#: Rows counted at most for the total a change list shows ("More than 1,000 books").
COUNT_LIMIT = 1_000
#: Values offered as links for a filter on a plain column or a relationship.
FILTER_CHOICES_LIMIT = 50
_BOOLEANS = {"1": True, "0": False}


@dataclass
class FilterLink:
    """One choice of a filter: its text, the URL that applies it, whether it is applied."""

    text: str
    url: str
    selected: bool


@dataclass
class ChangeList:
    """One page of a change list and the controls around it."""

    model_admin: ModelAdmin
    params: dict[str, str]
    rows: list[Any] = field(default_factory=list)
    page: int = 1
    has_next: bool = False
    count: int = 0
    count_capped: bool = False
    filters: dict[str, list[FilterLink]] = field(default_factory=dict)
    dialect: str = ""

    @classmethod
    def build(cls, model_admin: ModelAdmin, request: Request, session: Session) -> ChangeList:
        """Run the change list's queries for the request's query string."""
        params = {key: request.args[key] for key in request.args}
        changelist = cls(model_admin, params, page=_page(params.get("p")))
        changelist.dialect = session.get_bind().dialect.name
        statement = changelist._filtered(model_admin.get_queryset(request))
        changelist._count(statement, session)
        changelist._read_page(statement, session)
        changelist.filters = {
            name: changelist._filter_links(model_admin.all_fields[name], session)
            for name in model_admin.list_filter
        }
        return changelist

    # -- query building ---------------------------------------------------------------------

    def _filtered(self, statement: Select[Any]) -> Select[Any]:
        admin = self.model_admin
        model = admin.model
        for name in admin.list_filter:
            raw = self.params.get(name)
            if raw is None:
                continue
            model_field = admin.all_fields[name]
            value = _filter_value(model_field, raw)
            if value is not _INVALID:
                # A relationship filters on its own foreign-key column: no join needed.
                column = getattr(model, model_field.local_key or name)
                statement = statement.where(column.is_(None) if value is None else column == value)
        terms = self.params.get("q", "").split()
        for term in terms[:20] if admin.search_fields else ():  # NOTE: each word adds a WHERE
            pattern = f"%{_escape_like(term)}%"
            statement = statement.where(or_(*_search_conditions(admin, pattern, self.dialect)))
        return statement

    def _ordered(self, statement: Select[Any]) -> Select[Any]:
        admin = self.model_admin
        model = admin.model
        order = self.sort_order
        # A search with few matches reads the table and sorts them (see _without_index).
        scan = self.dialect == "sqlite" and "q" in self.params and not self.count_capped
        clauses = []
        for name in order:
            descending = name.startswith("-")
            column = getattr(model, name.lstrip("-"))
            if scan:
                column = _without_index(column)
            clauses.append(column.desc() if descending else column.asc())
        pk = getattr(model, admin.pk_name)
        if not any(name.lstrip("-") == admin.pk_name for name in order):
            # NOTE: the key in the direction of the last sorted column, so that an index on
            # that column (which ends with the key) serves the whole ORDER BY.
            ascending = bool(order) and not order[-1].startswith("-")
            clauses.append(pk.asc() if ascending else pk.desc())
        return statement.order_by(*clauses)

    def _read_page(self, statement: Select[Any], session: Session) -> None:
        # PERF: the page's keys first (no joins, narrow rows to sort), then its rows by key,
        # so that eager-loaded relationships are joined for 20 rows, not every match.
        admin = self.model_admin
        per_page = admin.list_per_page
        pk = getattr(admin.model, admin.pk_name)
        keys_query = self._ordered(statement.with_only_columns(pk))
        keys = session.scalars(keys_query.limit(per_page + 1).offset((self.page - 1) * per_page))
        wanted = list(keys)
        self.has_next = len(wanted) > per_page
        wanted = wanted[:per_page]
        found = {admin.pk_of(row): row for row in session.scalars(statement.where(pk.in_(wanted)))}
        self.rows = [found[key] for key in wanted if key in found]

    def _count(self, statement: Select[Any], session: Session) -> None:
        pk = getattr(self.model_admin.model, self.model_admin.pk_name)
        bounded = statement.with_only_columns(pk).order_by(None).limit(COUNT_LIMIT + 1)
        total = session.scalar(select(func.count()).select_from(bounded.subquery())) or 0
        self.count, self.count_capped = min(total, COUNT_LIMIT), total > COUNT_LIMIT

    # -- what the template shows -----------------------------------------------------------

    @property
    def sort_order(self) -> list[str]:
        """The order applied: ``?o=`` when it names a sortable column, else the default."""
        admin = self.model_admin
        wanted = self.params.get("o", "")
        if (
            wanted.lstrip("-") in admin.all_fields
            and not admin.all_fields[wanted.lstrip("-")].is_relation
        ):
            return [wanted]
        return [name for name in admin.ordering if name.lstrip("-") in admin.all_fields]

    def url(self, **changes: Any) -> str:
        """This change list's query string with ``changes`` applied (``None`` removes)."""
        params = {**self.params, **{key: value for key, value in changes.items()}}
        kept = {key: value for key, value in params.items() if value is not None}
        return "?" + urlencode(sorted(kept.items())) if kept else "?"

    def sort_url(self, name: str) -> str:
        """The URL sorting by ``name``, descending when it is sorted ascending already."""
        return self.url(o=f"-{name}" if self.sort_order == [name] else name, p=None)

    def is_sortable(self, name: str) -> bool:
        """Whether the column heading of ``name`` sorts."""
        model_field = self.model_admin.all_fields.get(name)
        return model_field is not None and not model_field.is_relation

    def _filter_links(self, model_field: ModelField, session: Session) -> list[FilterLink]:
        name = model_field.name
        current = self.params.get(name)
        links = [FilterLink("All", self.url(**{name: None, "p": None}), current is None)]
        for value, text in _filter_choices(self.model_admin, model_field, session):
            links.append(FilterLink(text, self.url(**{name: value, "p": None}), current == value))
        return links


_INVALID = object()


def _without_index(column: Any) -> Any:
    """``+column``: SQLite's way to keep an index from serving an ORDER BY.

    NOTE: SQLite keeps no statistics, so for ``ORDER BY title LIMIT 20`` it walks the
    title index, looking up each row, until 20 rows match a search. When a search matches
    few rows (the capped count says so) that walk reads the whole index; reading the table
    once and sorting the few matches is several times faster. When matches are many, the
    walk finds a page sooner, and is kept.
    """
    return UnaryExpression(column, operator=operators.custom_op("+"), type_=column.type)


def _page(raw: str | None) -> int:
    if raw and raw.isdigit() and len(raw) < 7:
        return max(1, int(raw))
    return 1


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filter_value(model_field: ModelField, raw: str) -> Any:
    kind = model_field.kind
    if kind == "boolean":
        return _BOOLEANS.get(raw, _INVALID)
    if raw == "" and model_field.nullable:
        return None
    if kind in ("integer", "relation"):
        return int(raw) if raw.lstrip("-").isdigit() and len(raw) < 19 else _INVALID
    if kind == "date":
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError:
            return _INVALID
    if kind == "choice":
        return raw if raw in model_field.choices else _INVALID
    return raw if kind in ("string", "text") else _INVALID


def _filter_choices(
    model_admin: ModelAdmin, model_field: ModelField, session: Session
) -> list[tuple[str, str]]:
    if model_field.kind == "boolean":
        return [("1", "Yes"), ("0", "No")]
    if model_field.kind == "choice":
        return [(str(value), str(value)) for value in model_field.choices]
    if model_field.is_relation:
        related = model_field.related
        rows = session.scalars(select(related).limit(FILTER_CHOICES_LIMIT)).all()
        return [(str(getattr(row, model_field.related_key)), str(row)) for row in rows]
    column = getattr(model_admin.model, model_field.name)
    values = session.scalars(
        select(column)
        .distinct()
        .where(column.is_not(None))
        .order_by(column)
        .limit(FILTER_CHOICES_LIMIT)
    ).all()
    return [(str(value), str(value)) for value in values]


def _contains(column: Any, pattern: str, dialect: str) -> Any:
    """A case-insensitive substring match: ILIKE, or LIKE where it ignores case already.

    NOTE: SQLite's LIKE ignores ASCII case by itself, and its lower() knows ASCII only, so
    the lower() both sides of an ILIKE would cost every row for nothing.
    """
    if not isinstance(column.type, String):
        column = cast(column, String)
    if dialect == "sqlite":
        return column.like(pattern, escape="\\")
    return column.ilike(pattern, escape="\\")


def _search_conditions(model_admin: ModelAdmin, pattern: str, dialect: str) -> list[Any]:
    """One condition a search field; a related field matches through its foreign key."""
    model = model_admin.model
    conditions = []
    for name in model_admin.search_fields:
        relation, _, attribute = name.rpartition(".")
        if not relation:
            conditions.append(_contains(getattr(model, name), pattern, dialect))
            continue
        field = model_admin.all_fields[relation]
        related = field.related
        # PERF: the related rows are searched once (IN a subquery), not once per row.
        matching = select(getattr(related, field.related_key)).where(
            _contains(getattr(related, attribute), pattern, dialect)
        )
        conditions.append(getattr(model, field.local_key).in_(matching))
    return conditions
