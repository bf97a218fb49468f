"""Generic views: ``APIView`` plus a model, a serializer, filters and pagination.

``GenericAPIView`` holds the data side of a REST endpoint: ``queryset = select(Book)`` (or
``model = Book``), ``serializer_class``, ``lookup_field``, ``filter_backends`` and
``pagination_class``. The concrete classes (``ListCreateAPIView``, …) add the mixins' handlers.
Statements run on the app's ``db.session``; writes commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import BigInteger, Integer, Select, SmallInteger, inspect, select

from cupola.exceptions import ImproperlyConfigured
from cupola.rest import _db, mixins
from cupola.rest.exceptions import NotFound
from cupola.rest.filters import statement_model
from cupola.rest.pagination import RECORDS
from cupola.rest.response import Response
from cupola.rest.settings import current_settings
from cupola.rest.views import APIView

__all__ = [
    "CreateAPIView",
    "DestroyAPIView",
    "GenericAPIView",
    "ListAPIView",
    "ListCreateAPIView",
    "RetrieveAPIView",
    "RetrieveDestroyAPIView",
    "RetrieveUpdateAPIView",
    "RetrieveUpdateDestroyAPIView",
    "UpdateAPIView",
    "get_object_or_404",
]

# The values an integer column of each kind can hold; a URL value outside is no row.
_INTEGER_BITS = ((SmallInteger, 15), (BigInteger, 63), (Integer, 31))


def _lookup_value(column: Any, raw: Any) -> Any:
    """``raw`` (URL text) as a value of ``column``'s type.

    Raises:
        ValueError: It does not convert (an integer column and ``"abc"``).
        LookupError: It converts but no row can hold it (out of the column's range).
    """
    column_type = column.type
    try:
        python_type = column_type.python_type
    except NotImplementedError:
        return raw
    if python_type is int:
        value = int(raw)
        bits = next((b for kind, b in _INTEGER_BITS if isinstance(column_type, kind)), 63)
        if not -(2**bits) <= value < 2**bits:
            raise LookupError(raw)
        return value
    if python_type is str or isinstance(raw, python_type):
        return raw
    if hasattr(python_type, "fromisoformat"):  # dates, times: ISO 8601 in URLs
        return python_type.fromisoformat(raw)
    return python_type(raw)


def get_object_or_404(queryset: Select[Any], **filter_kwargs: Any) -> Any:
    """The one object of ``queryset`` whose attributes equal ``filter_kwargs``.

    ``pk`` names the primary key. URL text is converted to each column's type.

    Raises:
        NotFound: ``"No Book matches the given query."`` when no row matches;
            ``"Not found."`` when a value does not convert to its column's type.
    """
    model = statement_model(queryset)
    mapper = inspect(model)
    conditions = []
    for name, raw in filter_kwargs.items():
        column = _lookup_column(mapper, name)
        try:
            value = _lookup_value(column, raw)
        except (TypeError, ValueError, ArithmeticError):
            raise NotFound() from None
        except LookupError:
            raise _no_match(model) from None
        conditions.append(column == value)
    found = _db.session().scalars(queryset.where(*conditions).limit(2)).all()
    if len(found) != 1:
        if found:
            raise ImproperlyConfigured(
                f"get_object_or_404 found more than one {model.__name__} for {filter_kwargs}."
            )
        raise _no_match(model)
    return found[0]


def _reads_only_columns(serializer_class: type[Any], model: type[Any]) -> tuple[str, ...] | None:
    """The column attributes a serializer reads, if it reads nothing else; else ``None``.

    True of a serializer whose ``to_representation`` is the stock one and whose readable
    fields each read one column attribute of ``model`` through the stock ``get_attribute``
    (no relationship, method field or property).
    """
    from cupola.rest.serializers import Field, Serializer

    if getattr(serializer_class, "to_representation", None) is not Serializer.to_representation:
        return None
    try:
        fields = serializer_class().fields
    except Exception:  # NOTE: a serializer needing context: read instances
        return None
    columns = inspect(model).column_attrs
    names = []
    for field in fields.values():
        if field.write_only:
            continue
        attrs = field.source_attrs
        if (
            type(field).get_attribute is not Field.get_attribute
            or len(attrs) != 1
            or attrs[0] not in columns
        ):
            return None
        names.append(attrs[0])
    return tuple(dict.fromkeys(names))


@lru_cache(maxsize=256)
def row_statement(statement: Select[Any], serializer_class: type[Any]) -> Select[Any] | None:
    """``statement`` reading just the columns ``serializer_class`` reads, as records.

    Only when the serializer reads nothing but columns of the statement's model; else
    ``None``. Columns are labelled by attribute name.

    PERF: rows cost a fraction of ORM instances to load (no identity map, no instance
    state), and the serializer reads them by attribute name all the same. Built once per
    statement object and serializer class (statements hash by identity).
    """
    if len(statement.column_descriptions) != 1:
        return None
    model = statement_model(statement)
    if statement.column_descriptions[0].get("expr") is not model:
        return None
    names = _reads_only_columns(serializer_class, model)
    if not names:
        return None
    columns = (getattr(model, name).label(name) for name in names)
    rows = statement.with_only_columns(*columns, maintain_column_froms=True)
    return rows.execution_options(**{RECORDS: True})


def _no_match(model: type[Any]) -> NotFound:
    return NotFound(f"No {model.__name__} matches the given query.")


def _lookup_column(mapper: Any, name: str) -> Any:
    if name == "pk":
        return getattr(mapper.class_, _db.primary_key_name(mapper.class_))
    if name not in mapper.column_attrs:
        raise ImproperlyConfigured(
            f"lookup_field {name!r} is not a column of {mapper.class_.__name__}."
        )
    return getattr(mapper.class_, name)


class _Setting:
    """A class attribute defaulting to a REST setting of the request's app.

    Never read at class definition; a subclass assigning the attribute replaces it.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        settings = current_settings() if instance is None else instance.settings
        return settings.get(self.name)


class GenericAPIView(APIView):
    """An ``APIView`` over one model: read, filter, paginate and serialize its rows.

    MRO: GenericAPIView → APIView.

    Attributes:
        queryset: A ``Select`` (``select(Book)``), run anew on each request.
        model: Shorthand for ``queryset = select(model)``.
        serializer_class: The serializer of the objects.
        lookup_field: The column a detail URL names (``"pk"``: the primary key).
        lookup_url_kwarg: The URL variable holding it (default: ``lookup_field``).
        filter_backends: ``DEFAULT_FILTER_BACKENDS`` unless set.
        pagination_class: ``DEFAULT_PAGINATION_CLASS`` unless set.

    Example:
        >>> class BookDetail(generics.RetrieveAPIView):  # doctest: +SKIP
        ...     queryset = select(Book)
        ...     serializer_class = BookSerializer
    """

    queryset: Select[Any] | None = None
    model: type[Any] | None = None
    serializer_class: type[Any] | None = None
    lookup_field = "pk"
    lookup_url_kwarg: str | None = None
    filter_backends: Sequence[type[Any]] = _Setting("DEFAULT_FILTER_BACKENDS")  # type: ignore[assignment]
    pagination_class: type[Any] | None = _Setting("DEFAULT_PAGINATION_CLASS")  # type: ignore[assignment]

    def get_queryset(self) -> Select[Any]:
        """The ``Select`` of this view's objects (``queryset``, or ``select(model)``).

        Raises:
            ImproperlyConfigured: The view has neither.
        """
        if self.queryset is not None:
            return self.queryset
        if self.model is not None:
            return select(self.model)
        raise ImproperlyConfigured(
            f"'{type(self).__name__}' should either include a `queryset` attribute, or "
            "override the `get_queryset()` method."
        )

    def get_object(self) -> Any:
        """The object the URL names, after filtering and the object permissions.

        Raises:
            NotFound: No such object.
            ImproperlyConfigured: The URL has no variable named ``lookup_url_kwarg``.
        """
        queryset = self.filter_queryset(self.get_queryset())
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        if lookup_url_kwarg not in self.kwargs:
            raise ImproperlyConfigured(
                f"Expected view {type(self).__name__} to be called with a URL keyword argument "
                f'named "{lookup_url_kwarg}". Fix your URL conf, or set the `.lookup_field` '
                "attribute on the view correctly."
            )
        obj = get_object_or_404(queryset, **{self.lookup_field: self.kwargs[lookup_url_kwarg]})
        self.check_object_permissions(self.request, obj)
        return obj

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        """A serializer instance, with :meth:`get_serializer_context` as its context."""
        serializer_class = self.get_serializer_class()
        kwargs.setdefault("context", self.get_serializer_context())
        return serializer_class(*args, **kwargs)

    def get_serializer_class(self) -> type[Any]:
        """The serializer class (``serializer_class``).

        Raises:
            ImproperlyConfigured: The view has none.
        """
        if self.serializer_class is None:
            raise ImproperlyConfigured(
                f"'{type(self).__name__}' should either include a `serializer_class` "
                "attribute, or override the `get_serializer_class()` method."
            )
        return self.serializer_class

    def get_serializer_context(self) -> dict[str, Any]:
        """``{"request", "format", "view"}`` for the serializer."""
        return {"request": self.request, "format": self.format_kwarg, "view": self}

    def filter_queryset(self, queryset: Select[Any]) -> Select[Any]:
        """``queryset`` through every class of ``filter_backends``."""
        for backend in list(self.filter_backends or ()):
            queryset = backend().filter_queryset(self.request, queryset, self)
        return queryset

    @property
    def paginator(self) -> Any:
        """The pagination instance of this request, or ``None`` without pagination."""
        if "_paginator" not in self.__dict__:
            pagination_class = self.pagination_class
            self._paginator = None if pagination_class is None else pagination_class()
        return self._paginator

    def paginate_queryset(self, queryset: Select[Any]) -> list[Any] | None:
        """The objects of the requested page, or ``None`` without pagination."""
        if self.paginator is None:
            return None
        return self.paginator.paginate_queryset(queryset, self.request, view=self)  # type: ignore[no-any-return]

    def get_paginated_response(self, data: Any) -> Response:
        """The paginator's response around the serialized page.

        Raises:
            ImproperlyConfigured: The view has no pagination.
        """
        if self.paginator is None:
            raise ImproperlyConfigured(f"{type(self).__name__} has no pagination_class.")
        return self.paginator.get_paginated_response(data)  # type: ignore[no-any-return]


class CreateAPIView(mixins.CreateModelMixin, GenericAPIView):
    """POST creates an object.

    MRO: CreateAPIView → CreateModelMixin → GenericAPIView → APIView.
    """

    def post(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Create an object."""
        return self.create(request, *args, **kwargs)


class ListAPIView(mixins.ListModelMixin, GenericAPIView):
    """GET lists the objects.

    MRO: ListAPIView → ListModelMixin → GenericAPIView → APIView.
    """

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """List the objects."""
        return self.list(request, *args, **kwargs)


class RetrieveAPIView(mixins.RetrieveModelMixin, GenericAPIView):
    """GET shows one object.

    MRO: RetrieveAPIView → RetrieveModelMixin → GenericAPIView → APIView.
    """

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Show the object."""
        return self.retrieve(request, *args, **kwargs)


class DestroyAPIView(mixins.DestroyModelMixin, GenericAPIView):
    """DELETE deletes one object.

    MRO: DestroyAPIView → DestroyModelMixin → GenericAPIView → APIView.
    """

    def delete(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Delete the object."""
        return self.destroy(request, *args, **kwargs)


class UpdateAPIView(mixins.UpdateModelMixin, GenericAPIView):
    """PUT replaces and PATCH changes one object.

    MRO: UpdateAPIView → UpdateModelMixin → GenericAPIView → APIView.
    """

    def put(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Update the object."""
        return self.update(request, *args, **kwargs)

    def patch(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Update some fields of the object."""
        return self.partial_update(request, *args, **kwargs)


class ListCreateAPIView(mixins.ListModelMixin, mixins.CreateModelMixin, GenericAPIView):
    """GET lists, POST creates.

    MRO: ListCreateAPIView → ListModelMixin → CreateModelMixin → GenericAPIView → APIView.
    """

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """List the objects."""
        return self.list(request, *args, **kwargs)

    def post(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Create an object."""
        return self.create(request, *args, **kwargs)


class RetrieveUpdateAPIView(mixins.RetrieveModelMixin, mixins.UpdateModelMixin, GenericAPIView):
    """GET shows, PUT replaces, PATCH changes one object.

    MRO: RetrieveUpdateAPIView → RetrieveModelMixin → UpdateModelMixin → GenericAPIView →
    APIView.
    """

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Show the object."""
        return self.retrieve(request, *args, **kwargs)

    def put(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Update the object."""
        return self.update(request, *args, **kwargs)

    def patch(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Update some fields of the object."""
        return self.partial_update(request, *args, **kwargs)


class RetrieveDestroyAPIView(mixins.RetrieveModelMixin, mixins.DestroyModelMixin, GenericAPIView):
    """GET shows, DELETE deletes one object.

    MRO: RetrieveDestroyAPIView → RetrieveModelMixin → DestroyModelMixin → GenericAPIView →
    APIView.
    """

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Show the object."""
        return self.retrieve(request, *args, **kwargs)

    def delete(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Delete the object."""
        return self.destroy(request, *args, **kwargs)


class RetrieveUpdateDestroyAPIView(
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    GenericAPIView,
):
    """GET shows, PUT replaces, PATCH changes, DELETE deletes one object.

    MRO: RetrieveUpdateDestroyAPIView → RetrieveModelMixin → UpdateModelMixin →
    DestroyModelMixin → GenericAPIView → APIView.
    """

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Show the object."""
        return self.retrieve(request, *args, **kwargs)

    def put(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Update the object."""
        return self.update(request, *args, **kwargs)

    def patch(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Update some fields of the object."""
        return self.partial_update(request, *args, **kwargs)

    def delete(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Delete the object."""
        return self.destroy(request, *args, **kwargs)
