"""Pagination: one page of a generic view's ``Select`` and the envelope around it.

``pagination_class`` (or ``DEFAULT_PAGINATION_CLASS``) names one of the styles below. The
view calls ``paginate_queryset(statement, request, view)`` for the page's objects and
``get_paginated_response(data)`` for the answer. A statement without ORDER BY is read in
primary-key order, so pages never overlap.
"""

from __future__ import annotations

import math
import re
from base64 import b64decode, b64encode
from binascii import Error as Base64Error
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from sqlalchemy import BigInteger, Connection, Select, bindparam, func, inspect, select

from cupola.db.pagination import MAX_ROWS
from cupola.exceptions import ImproperlyConfigured
from cupola.rest import _db
from cupola.rest.exceptions import NotFound
from cupola.rest.filters import order_statement, statement_model
from cupola.rest.response import Response
from cupola.rest.settings import api_settings

__all__ = [
    "BasePagination",
    "CursorPagination",
    "LimitOffsetPagination",
    "NoCountPageNumberPagination",
    "PageNumberPagination",
    "Record",
    "remove_query_param",
    "replace_query_param",
]

# PERF: SQL elements are immutable: one count() serves every count statement.
_COUNT = func.count()

#: A page's bounds as bound values, so that one statement serves every page.
_LIMIT = bindparam("cupola_rest_limit", type_=BigInteger)
_OFFSET = bindparam("cupola_rest_offset", type_=BigInteger)
#: The label of the count a page of records carries (see :func:`fetch_counted_page`).
_TOTAL = "cupola_rest_total"

#: Backends whose SQL for bound LIMIT and OFFSET values is that for literal ones.
_BOUND_LIMIT_DIALECTS = frozenset({"sqlite", "postgresql"})


#: Text that query-string encoding leaves as it is.
_UNQUOTED = re.compile(r"[A-Za-z0-9_.~-]+\Z")


def _only(query: str, key: str) -> bool:
    """Whether ``query`` is empty or holds just one ``key`` parameter (a plain key)."""
    if not query:
        return True
    return "&" not in query and ";" not in query and query.partition("=")[0] == key


def replace_query_param(url: str, key: str, value: Any) -> str:
    """``url`` with ``key`` set to ``value``; the query string re-encoded, sorted by key.

    Example:
        >>> replace_query_param("http://x/b/?search=a&page=2", "page", 3)
        'http://x/b/?page=3&search=a'
    """
    base, _, query = url.partition("?")
    if "#" not in url and _only(query, key):
        # PERF: nothing else in the query string: no parsing and re-encoding to do, and
        # nothing to quote in a plain key and number.
        text = str(value)
        if _UNQUOTED.match(key) and _UNQUOTED.match(text):
            return f"{base}?{key}={text}"
        return f"{base}?{urlencode({key: value})}"
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    params[str(key)] = [str(value)]
    return urlunsplit(
        (scheme, netloc, path, urlencode(sorted(params.items()), doseq=True), fragment)
    )


def remove_query_param(url: str, key: str) -> str:
    """``url`` without ``key``; the query string re-encoded, sorted by key."""
    base, _, query = url.partition("?")
    if "#" not in url and _only(query, key):
        return base
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    params.pop(key, None)
    return urlunsplit(
        (scheme, netloc, path, urlencode(sorted(params.items()), doseq=True), fragment)
    )


def _positive_int(text: Any, strict: bool = False, cutoff: int | None = None) -> int:
    """``text`` as an int ≥ 0 (> 0 when ``strict``), capped at ``cutoff`` and at ``MAX_ROWS``.

    Raises:
        ValueError: Not a whole number, or out of range.
    """
    value = int(text)
    if value < 0 or (value == 0 and strict):
        raise ValueError(text)
    return min(value, cutoff or MAX_ROWS, MAX_ROWS)


def ordered(statement: Select[Any]) -> Select[Any]:
    """``statement``, ordered by its model's primary key when it has no ORDER BY."""
    if statement._order_by_clauses:
        return statement
    mapper = inspect(statement_model(statement))
    return statement.order_by(*mapper.primary_key)


def _count_statement(statement: Select[Any]) -> Select[Any]:
    plain = statement.order_by(None)
    if not _plain(plain):
        return select(_COUNT).select_from(plain.subquery())
    # NOTE: as Django's count(): SELECT count(*) FROM book WHERE ..., no subquery.
    return plain.with_only_columns(_COUNT, maintain_column_froms=True)


#: The execution option marking a statement whose rows are read as :class:`Record` objects.
RECORDS = "cupola_rest_records"


class Record:
    """One row as an object: its columns are attributes (and its ``__dict__``).

    What a list reads when its serializer needs only columns (see
    ``generics.row_statement``): attribute access as on a model instance, at a fraction
    of an ORM instance's cost to build.
    """

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    def __repr__(self) -> str:
        return f"Record({self.__dict__!r})"


def _records(result: Any) -> list[Any]:
    # PERF: all() fetches the rows in one call, not one fetch per row.
    return _as_records(tuple(result.keys()), result.all())


def _as_records(keys: tuple[str, ...], rows: Sequence[Any]) -> list[Any]:
    """``rows`` as records; a row's values past ``keys`` are left out."""
    new = object.__new__
    records = []
    for row in rows:
        record = new(Record)
        record.__dict__ = dict(zip(keys, row, strict=False))
        records.append(record)
    return records


class _Statements(NamedTuple):
    ordered: Select[Any]
    counted: Select[Any]
    page: Select[Any]
    entities: bool  # select(Model): ORM instances (else rows, or records)
    records: bool  # marked with RECORDS: records read on the connection
    model: Any  # the model records are read from (None for other statements)
    # Records with the count as a last column (None where the count needs a query of its
    # own): the ordered rows, and their page with bound bounds.
    with_count: tuple[Select[Any], Select[Any]] | None


@lru_cache(maxsize=256)
def _page_statements(statement: Select[Any]) -> _Statements:
    """``statement`` ordered, its count, and its page with bound bounds.

    PERF: built once per statement object (statements hash by identity): a view's
    ``queryset`` is one object for every request, so a list without filters builds none of
    them per request (each generative step costs some microseconds).
    """
    ordered_statement = ordered(statement)
    records = bool(statement.get_execution_options().get(RECORDS))
    counted = _count_statement(ordered_statement)
    with_count = None
    if records and _plain(ordered_statement):
        # NOTE: an uncorrelated scalar subquery: every backend evaluates it once.
        rows = ordered_statement.add_columns(counted.scalar_subquery().label(_TOTAL))
        with_count = rows, rows.limit(_LIMIT).offset(_OFFSET)
    return _Statements(
        ordered_statement,
        counted,
        ordered_statement.limit(_LIMIT).offset(_OFFSET),
        len(statement.column_descriptions) == 1,
        records,
        statement_model(statement) if records else None,
        with_count,
    )


def _plain(statement: Select[Any]) -> bool:
    """Whether ``statement`` has no DISTINCT, GROUP BY, LIMIT or OFFSET of its own."""
    return not (
        statement._distinct
        or statement._group_by_clauses
        or statement._limit_clause is not None
        or statement._offset_clause is not None
    )


def fetch_counted_page(
    statement: Select[Any], limit: int, offset: int
) -> tuple[list[Any], int] | None:
    """``limit`` records of ``statement`` from ``offset``, and how many rows it gives.

    One query: the count rides along as a last column. An empty page says no count: it is
    0 from offset 0, and past the last row otherwise. ``None`` when the statement's rows
    are not read as records, or the count needs a query of its own.
    """
    cached = _page_statements(statement)
    if cached.with_count is None:
        return None
    with _db.reading(cached.model) as connection:
        result = _execute_page(connection, *cached.with_count, limit, offset)
        keys, rows = tuple(result.keys())[:-1], result.all()
    return _as_records(keys, rows), rows[0][-1] if rows else 0


def _execute_page(
    connection: Connection, rows: Select[Any], page: Select[Any], limit: int, offset: int
) -> Any:
    """Run ``page`` (``rows`` with bound bounds) where the backend's SQL allows it.

    Elsewhere the bounds are written into ``rows`` as literals.
    """
    if connection.dialect.name in _BOUND_LIMIT_DIALECTS:
        return connection.execute(page, {_LIMIT.key: limit, _OFFSET.key: offset})
    return connection.execute(rows.limit(limit).offset(offset))


def count_rows(statement: Select[Any], connection: Connection | None = None) -> int:
    """How many rows ``statement`` gives, counted without its ORDER BY (one query).

    On ``connection`` when given (see :func:`reading_page`), else the session's.
    """
    # PERF: a count returns no entity: on the session's connection it skips the ORM's
    # execution path, in the same transaction.
    counted = _page_statements(statement).counted
    if connection is None:
        connection = _db.session().connection()
    return int(connection.execute(counted).scalar_one())


def reading_page(statement: Select[Any]) -> AbstractContextManager[Connection | None]:
    """The connection to count and read a page of ``statement`` on, in one transaction.

    For a statement read as records (plain columns, no ORM), the one
    :func:`cupola.rest._db.reading` gives; ``None`` (the session) for ORM objects.
    """
    cached = _page_statements(statement)
    if not cached.records:
        return nullcontext()
    return _db.reading(cached.model)


def fetch_page(
    statement: Select[Any], limit: int, offset: int, connection: Connection | None = None
) -> list[Any]:
    """``limit`` objects of ``statement`` (ordered by primary key if unordered) from ``offset``.

    Records are read on ``connection`` when given (see :func:`reading_page`).
    """
    cached = _page_statements(statement)
    if cached.records and connection is not None:
        # PERF: plain columns need no ORM, nor the session: rows become records.
        return _records(_execute_page(connection, cached.ordered, cached.page, limit, offset))
    bounds = {_LIMIT.key: limit, _OFFSET.key: offset}
    session = _db.session()
    if session.get_bind().dialect.name not in _BOUND_LIMIT_DIALECTS:
        return fetch(cached.ordered.limit(limit).offset(offset))
    if cached.records:
        return _records(session.connection().execute(cached.page, bounds))
    if cached.entities:
        return list(session.scalars(cached.page, bounds))
    return list(session.execute(cached.page, bounds).all())


def fetch(statement: Select[Any]) -> list[Any]:
    """The objects of ``statement``: model instances for ``select(Model)``, else rows.

    Records are read on the connection :func:`cupola.rest._db.reading` gives.
    """
    if statement.get_execution_options().get(RECORDS):
        with _db.reading(statement_model(statement)) as connection:
            return _records(connection.execute(statement))
    session = _db.session()
    if len(statement.column_descriptions) == 1:
        return list(session.scalars(statement))
    return list(session.execute(statement).all())


class BasePagination:
    """The interface of a pagination style."""

    display_page_controls = False

    def paginate_queryset(
        self, queryset: Select[Any], request: Any, view: Any = None
    ) -> list[Any] | None:
        """The objects of the requested page, or ``None`` when paging is off.

        Raises:
            NotImplementedError: Subclasses implement it.
        """
        raise NotImplementedError("paginate_queryset() must be implemented.")

    def get_paginated_response(self, data: Any) -> Response:
        """The response holding the serialized page ``data``.

        Raises:
            NotImplementedError: Subclasses implement it.
        """
        raise NotImplementedError("get_paginated_response() must be implemented.")

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The OpenAPI schema of the envelope around a list of ``schema``."""
        return schema

    def to_html(self) -> str:
        """Page controls for the browsable API."""
        return ""

    def get_results(self, data: dict[str, Any]) -> Any:
        """The objects in a paginated body."""
        return data["results"]

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """The OpenAPI query parameters this style reads."""
        return []


def _link_schema(example: str) -> dict[str, Any]:
    return {"type": "string", "nullable": True, "format": "uri", "example": example}


def _int_parameter(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "required": False,
        "in": "query",
        "description": description,
        "schema": {"type": "integer"},
    }


class _Page(NamedTuple):
    objects: list[Any]
    number: int
    has_next: bool
    total: int | None


class PageNumberPagination(BasePagination):
    """``?page=4``: numbered pages of ``page_size`` objects (``PAGE_SIZE`` by default).

    ``?page=last`` is the last page. A page that is not a number or out of range answers
    404 ``{"detail": "Invalid page."}``. The body is ``{"count", "next", "previous",
    "results"}``; ``next`` and ``previous`` are absolute URLs.

    Example:
        >>> class BookPages(PageNumberPagination):  # doctest: +SKIP
        ...     page_size = 50
        ...     page_size_query_param = "page_size"
        ...     max_page_size = 1000
    """

    #: Objects per page; ``None`` reads ``PAGE_SIZE``.
    page_size: int | None = None
    page_query_param = "page"
    page_query_description = "A page number within the paginated result set."
    #: A query parameter letting the client choose the page size (off by default).
    page_size_query_param: str | None = None
    page_size_query_description = "Number of results to return per page."
    max_page_size: int | None = None
    last_page_strings: Sequence[str] = ("last",)
    invalid_page_message = "Invalid page."

    page: _Page
    request: Any

    def get_page_size(self, request: Any) -> int | None:
        """The page size: the client's (when allowed and valid), else the configured one."""
        if self.page_size_query_param:
            try:
                return _positive_int(
                    request.query_params[self.page_size_query_param],
                    strict=True,
                    cutoff=self.max_page_size,
                )
            except (KeyError, ValueError):
                pass
        if self.page_size is not None:
            return self.page_size
        size = api_settings.PAGE_SIZE
        return None if size is None else int(size)

    def paginate_queryset(
        self, queryset: Select[Any], request: Any, view: Any = None
    ) -> list[Any] | None:
        """The objects of the page the query string asks for.

        Raises:
            NotFound: The page is not a number, or out of range.
        """
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        self.request = request
        self.page = self._load_page(queryset, request, page_size)
        if self.page.has_next or self.page.number > 1:
            self.display_page_controls = True
        return self.page.objects

    def _page_number(self, raw: Any) -> int:
        """The page ``raw`` asks for; 404 when it is not a whole number from 1 up."""
        try:
            number = int(raw)
        except (TypeError, ValueError):
            raise self._invalid(raw, "That page number is not an integer") from None
        if number < 1:
            raise self._invalid(raw, "That page number is less than 1")
        return number

    def _invalid(self, number: Any, message: str) -> NotFound:
        return NotFound(self.invalid_page_message.format(page_number=number, message=message))

    def _load_page(self, statement: Select[Any], request: Any, page_size: int) -> _Page:
        raw = request.query_params.get(self.page_query_param, 1)
        if raw not in self.last_page_strings:
            number = self._page_number(raw)
            offset = (number - 1) * page_size
            if offset > MAX_ROWS:  # past any table: no query can name it
                raise self._invalid(raw, "That page contains no results")
            counted = fetch_counted_page(statement, page_size, offset)
            if counted is not None:
                objects, count = counted
                if not objects and number > 1:
                    raise self._invalid(raw, "That page contains no results")
                return _Page(objects, number, number * page_size < count, count)
        with reading_page(statement) as connection:
            count = count_rows(statement, connection)
            pages = max(1, math.ceil(count / page_size))
            if raw in self.last_page_strings:
                raw = pages
            number = self._page_number(raw)
            if number > pages:
                raise self._invalid(raw, "That page contains no results")
            objects = fetch_page(statement, page_size, (number - 1) * page_size, connection)
        return _Page(objects, number, number < pages, count)

    def get_paginated_response(self, data: Any) -> Response:
        """``{"count", "next", "previous", "results"}``."""
        return Response(
            {
                "count": self.page.total,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_next_link(self) -> str | None:
        """The absolute URL of the next page, or ``None`` on the last."""
        if not self.page.has_next:
            return None
        return replace_query_param(self.request.url, self.page_query_param, self.page.number + 1)

    def get_previous_link(self) -> str | None:
        """The absolute URL of the previous page (without ``page`` for page 1), or ``None``."""
        if self.page.number <= 1:
            return None
        number = self.page.number - 1
        if number == 1:
            return remove_query_param(self.request.url, self.page_query_param)
        return replace_query_param(self.request.url, self.page_query_param, number)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The envelope's OpenAPI schema."""
        param = self.page_query_param
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123},
                "next": _link_schema(f"http://api.example.org/accounts/?{param}=4"),
                "previous": _link_schema(f"http://api.example.org/accounts/?{param}=2"),
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """``page``, and the page-size parameter when there is one."""
        parameters = [_int_parameter(self.page_query_param, self.page_query_description)]
        if self.page_size_query_param is not None:
            parameters.append(
                _int_parameter(self.page_size_query_param, self.page_size_query_description)
            )
        return parameters


class NoCountPageNumberPagination(PageNumberPagination):
    """Numbered pages without ``COUNT``: ``next`` is known by reading one extra row.

    Counting a large table costs more than reading a page of it; this style never counts.
    The body is ``{"next", "previous", "results"}``; ``?page=last`` is not available (there
    is no count to find it), and a page past the end is 404 ``{"detail": "Invalid page."}``.
    """

    last_page_strings: Sequence[str] = ()

    def _load_page(self, statement: Select[Any], request: Any, page_size: int) -> _Page:
        raw = request.query_params.get(self.page_query_param, 1)
        number = self._page_number(raw)
        # PERF: one row more than a page tells whether another page follows; no COUNT.
        rows = fetch_page(statement, page_size + 1, (number - 1) * page_size)
        if not rows and number > 1:
            raise self._invalid(raw, "That page contains no results")
        return _Page(rows[:page_size], number, len(rows) > page_size, None)

    def get_paginated_response(self, data: Any) -> Response:
        """``{"next", "previous", "results"}``."""
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The envelope's OpenAPI schema (no ``count``)."""
        envelope = super().get_paginated_response_schema(schema)
        del envelope["properties"]["count"]
        envelope["required"] = ["results"]
        return envelope


class LimitOffsetPagination(BasePagination):
    """``?limit=100&offset=400``: a window of the results.

    ``limit`` defaults to ``default_limit`` (``PAGE_SIZE``); an invalid ``limit`` or
    ``offset`` falls back to the default. The body is ``{"count", "next", "previous",
    "results"}``.
    """

    #: ``None`` reads ``PAGE_SIZE``.
    default_limit: int | None = None
    limit_query_param = "limit"
    limit_query_description = "Number of results to return per page."
    offset_query_param = "offset"
    offset_query_description = "The initial index from which to return the results."
    max_limit: int | None = None

    limit: int
    offset: int
    count: int
    request: Any

    def get_limit(self, request: Any) -> int | None:
        """The window's size."""
        if self.limit_query_param:
            try:
                return _positive_int(
                    request.query_params[self.limit_query_param], strict=True, cutoff=self.max_limit
                )
            except (KeyError, ValueError):
                pass
        if self.default_limit is not None:
            return self.default_limit
        size = api_settings.PAGE_SIZE
        return None if size is None else int(size)

    def get_offset(self, request: Any) -> int:
        """The window's start (0 when absent or invalid)."""
        try:
            return _positive_int(request.query_params[self.offset_query_param])
        except (KeyError, ValueError):
            return 0

    def paginate_queryset(
        self, queryset: Select[Any], request: Any, view: Any = None
    ) -> list[Any] | None:
        """The objects of the window."""
        limit = self.get_limit(request)
        if limit is None:
            return None
        self.request = request
        self.limit = limit
        self.offset = self.get_offset(request)
        with reading_page(queryset) as connection:
            self.count = count_rows(queryset, connection)
            if self.count > self.limit:
                self.display_page_controls = True
            if self.count == 0 or self.offset > self.count:
                return []
            return fetch_page(queryset, self.limit, self.offset, connection)

    def get_paginated_response(self, data: Any) -> Response:
        """``{"count", "next", "previous", "results"}``."""
        return Response(
            {
                "count": self.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_next_link(self) -> str | None:
        """The URL of the next window, or ``None`` at the end."""
        if self.offset + self.limit >= self.count:
            return None
        url = replace_query_param(self.request.url, self.limit_query_param, self.limit)
        return replace_query_param(url, self.offset_query_param, self.offset + self.limit)

    def get_previous_link(self) -> str | None:
        """The URL of the previous window, or ``None`` at the start."""
        if self.offset <= 0:
            return None
        url = replace_query_param(self.request.url, self.limit_query_param, self.limit)
        if self.offset - self.limit <= 0:
            return remove_query_param(url, self.offset_query_param)
        return replace_query_param(url, self.offset_query_param, self.offset - self.limit)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The envelope's OpenAPI schema."""
        limit, offset = self.limit_query_param, self.offset_query_param
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123},
                "next": _link_schema(f"http://api.example.org/accounts/?{offset}=400&{limit}=100"),
                "previous": _link_schema(
                    f"http://api.example.org/accounts/?{offset}=200&{limit}=100"
                ),
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """``limit`` and ``offset``."""
        return [
            _int_parameter(self.limit_query_param, self.limit_query_description),
            _int_parameter(self.offset_query_param, self.offset_query_description),
        ]


class Cursor(NamedTuple):
    """A decoded cursor: skip ``offset`` rows past ``position``, backwards if ``reverse``."""

    offset: int
    reverse: bool
    position: str | None


def _reverse_ordering(ordering: Sequence[str]) -> tuple[str, ...]:
    return tuple(term[1:] if term.startswith("-") else "-" + term for term in ordering)


def _from_text(python_type: type[Any], text: str) -> Any:
    """A cursor position (text) as a value of the column's Python type.

    Raises:
        ValueError: The text does not convert.
    """
    if python_type is bool:
        return text == "True"
    if python_type in (datetime, date, time):
        return python_type.fromisoformat(text)
    if python_type is Decimal:
        try:
            return Decimal(text)
        except InvalidOperation:
            raise ValueError(text) from None
    return python_type(text)


class CursorPagination(BasePagination):
    """``?cursor=…``: opaque links to the next and previous pages, no ``COUNT``.

    The results are read in a fixed ``ordering`` (a unique or nearly unique column such as
    ``"-created"`` or ``"id"``); a page starts after the position of the last one, so rows
    inserted meanwhile neither repeat nor get skipped, and a deep page costs as little as
    the first. The body is ``{"next", "previous", "results"}``; a cursor that does not
    decode answers 404 ``{"detail": "Invalid cursor"}``.

    Example:
        >>> class Timeline(CursorPagination):  # doctest: +SKIP
        ...     ordering = "-created"
        ...     page_size = 50
    """

    cursor_query_param = "cursor"
    cursor_query_description = "The pagination cursor value."
    #: Objects per page; ``None`` reads ``PAGE_SIZE``.
    page_size: int | None = None
    invalid_cursor_message = "Invalid cursor"
    ordering: str | Sequence[str] = "-created"
    page_size_query_param: str | None = None
    page_size_query_description = "Number of results to return per page."
    max_page_size: int | None = None
    #: The largest offset a cursor may carry (a bound on the rows a request can skip).
    offset_cutoff = 1000

    request: Any
    base_url: str
    cursor: Cursor | None
    page: list[Any]
    has_next = False
    has_previous = False
    next_position: str | None = None
    previous_position: str | None = None

    def get_page_size(self, request: Any) -> int | None:
        """The page size: the client's (when allowed and valid), else the configured one."""
        if self.page_size_query_param:
            try:
                return _positive_int(
                    request.query_params[self.page_size_query_param],
                    strict=True,
                    cutoff=self.max_page_size,
                )
            except (KeyError, ValueError):
                pass
        if self.page_size is not None:
            return self.page_size
        size = api_settings.PAGE_SIZE
        return None if size is None else int(size)

    def paginate_queryset(
        self, queryset: Select[Any], request: Any, view: Any = None
    ) -> list[Any] | None:
        """The objects after (or before) the cursor's position.

        Raises:
            NotFound: The cursor does not decode.
        """
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        self.page_size = page_size
        self.request = request
        self.base_url = request.url
        ordering = self.ordering = self.get_ordering(request, queryset, view)
        for term in ordering:
            self._position_column(queryset, term.lstrip("-"))
        self.cursor = self.decode_cursor(request)
        offset, reverse, current = self.cursor or Cursor(0, False, None)
        statement = order_statement(queryset, _reverse_ordering(ordering) if reverse else ordering)
        if current is not None:
            column = self._position_column(queryset, ordering[0].lstrip("-"))
            try:
                value = _from_text(column.type.python_type, current)
            except (TypeError, ValueError, NotImplementedError):
                raise NotFound(self.invalid_cursor_message) from None
            # Reading backwards, or the ordering descending (not both): earlier positions.
            before = reverse != ordering[0].startswith("-")
            statement = statement.where(column < value if before else column > value)
        # PERF: one row more than a page tells whether a page follows; never a COUNT.
        results = fetch(statement.offset(offset).limit(page_size + 1))
        self.page = results[:page_size]
        following = self._position(results[-1]) if len(results) > page_size else None
        self._set_neighbours(reverse, offset, current, following)
        if self.has_previous or self.has_next:
            self.display_page_controls = True
        return self.page

    def _set_neighbours(
        self, reverse: bool, offset: int, current: str | None, following: str | None
    ) -> None:
        behind = current is not None or offset > 0
        if reverse:
            self.page.reverse()  # read backwards: back to the ordering's direction
            self.has_next, self.has_previous = behind, following is not None
            self.next_position, self.previous_position = current, following
        else:
            self.has_next, self.has_previous = following is not None, behind
            self.next_position, self.previous_position = following, current

    def _position_column(self, queryset: Select[Any], name: str) -> Any:
        model = statement_model(queryset)
        if name == "pk":
            return inspect(model).primary_key[0]
        if name not in inspect(model).column_attrs:
            raise ImproperlyConfigured(
                f"CursorPagination: ordering {name!r} is not a column of {model.__name__}."
            )
        return getattr(model, name)

    def _position(self, instance: Any) -> str:
        name = self.ordering[0].lstrip("-")
        if isinstance(instance, dict):
            return str(instance[name])
        if name == "pk":
            return str(inspect(instance).identity[0])
        return str(getattr(instance, name))

    def _marker(self, items: Any, compare: str | None) -> tuple[int, str | None, bool]:
        """Walk ``items`` to the first whose position differs from its neighbour's.

        Returns ``(offset, position, found)``: how many items share a position before it,
        its position, and whether there was one.
        """
        offset = 0
        for item in items:
            position = self._position(item)
            if position != compare:
                return offset, position, True
            compare = position
            offset += 1
        return offset, None, False

    def get_next_link(self) -> str | None:
        """The URL of the next page, or ``None`` on the last."""
        if not self.has_next:
            return None
        cursor = self.cursor
        if self.page and cursor and cursor.reverse and cursor.offset:
            compare: str | None = self._position(self.page[-1])  # turning back: no marker
        else:
            compare = self.next_position
        offset, position, found = self._marker(reversed(self.page), compare)
        if self.page and not found:  # every item of the page shares one position
            if not self.has_previous or cursor is None:
                offset, position = self.page_size or 0, None
            elif cursor.reverse:
                offset, position = 0, self.previous_position
            else:
                offset, position = cursor.offset + (self.page_size or 0), self.previous_position
        if not self.page:
            position = self.next_position
        return self.encode_cursor(Cursor(offset, False, position))

    def get_previous_link(self) -> str | None:
        """The URL of the previous page, or ``None`` on the first."""
        if not self.has_previous:
            return None
        cursor = self.cursor
        if self.page and cursor and not cursor.reverse and cursor.offset:
            compare: str | None = self._position(self.page[0])  # turning back: no marker
        else:
            compare = self.previous_position
        offset, position, found = self._marker(self.page, compare)
        if self.page and not found:  # every item of the page shares one position
            if not self.has_next or cursor is None:
                offset, position = self.page_size or 0, None
            elif cursor.reverse:
                offset, position = cursor.offset + (self.page_size or 0), self.next_position
            else:
                offset, position = 0, self.next_position
        if not self.page:
            position = self.previous_position
        return self.encode_cursor(Cursor(offset, True, position))

    def get_ordering(self, request: Any, queryset: Select[Any], view: Any) -> tuple[str, ...]:
        """The ordering: an ordering filter's of the view if it gives one, else ``ordering``.

        Raises:
            ImproperlyConfigured: No ordering, or one through a relationship.
        """
        ordering: Any = self.ordering
        backends = [
            backend
            for backend in getattr(view, "filter_backends", None) or ()
            if hasattr(backend, "get_ordering")
        ]
        if backends:
            chosen = backends[0]().get_ordering(request, queryset, view)
            if chosen:
                ordering = chosen
        if not ordering:
            raise ImproperlyConfigured(
                "Using cursor pagination, but no ordering attribute was declared on the "
                "pagination class."
            )
        terms = (ordering,) if isinstance(ordering, str) else tuple(ordering)
        if any("__" in term or "." in term for term in terms):
            raise ImproperlyConfigured(
                "Cursor pagination does not support double underscore lookups for orderings. "
                "Orderings should be an unchanging, unique or nearly-unique field on the "
                'model, such as "-created" or "pk".'
            )
        return terms

    def decode_cursor(self, request: Any) -> Cursor | None:
        """The cursor of the query string, or ``None`` without one.

        Raises:
            NotFound: The cursor does not decode.
        """
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            tokens = parse_qs(b64decode(encoded.encode("ascii")).decode("ascii"), True)
            offset = _positive_int(tokens.get("o", ["0"])[0], cutoff=self.offset_cutoff)
            reverse = bool(int(tokens.get("r", ["0"])[0]))
        except (TypeError, ValueError, Base64Error):
            raise NotFound(self.invalid_cursor_message) from None
        return Cursor(offset, reverse, tokens.get("p", [None])[0])

    def encode_cursor(self, cursor: Cursor) -> str:
        """The URL of this request with ``cursor`` encoded in its query string."""
        tokens: dict[str, str] = {}
        if cursor.offset:
            tokens["o"] = str(cursor.offset)
        if cursor.reverse:
            tokens["r"] = "1"
        if cursor.position is not None:
            tokens["p"] = cursor.position
        encoded = b64encode(urlencode(tokens).encode("ascii")).decode("ascii")
        return replace_query_param(self.base_url, self.cursor_query_param, encoded)

    def get_paginated_response(self, data: Any) -> Response:
        """``{"next", "previous", "results"}``."""
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The envelope's OpenAPI schema."""
        param = self.cursor_query_param
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": _link_schema(f"http://api.example.org/accounts/?{param}=cD00ODY%3D"),
                "previous": _link_schema(f"http://api.example.org/accounts/?{param}=cj0xJnA9NDg3"),
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """``cursor``, and the page-size parameter when there is one."""
        parameters: list[dict[str, Any]] = [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": self.cursor_query_description,
                "schema": {"type": "string"},
            }
        ]
        if self.page_size_query_param is not None:
            parameters.append(
                _int_parameter(self.page_size_query_param, self.page_size_query_description)
            )
        return parameters
