"""Mixins: the list, create, retrieve, update and destroy actions of generic views.

Each mixin adds one action method (``list``, ``create``, …) built on ``GenericAPIView``'s
hooks; the concrete generic views and viewsets map HTTP methods onto them. Writes go
through ``perform_create``/``perform_update``/``perform_destroy`` and commit.
"""

from __future__ import annotations

from typing import Any

from cupola.rest import _db, status
from cupola.rest.pagination import fetch
from cupola.rest.response import Response

__all__ = [
    "CreateModelMixin",
    "DestroyModelMixin",
    "ListModelMixin",
    "RetrieveModelMixin",
    "UpdateModelMixin",
]


class CreateModelMixin:
    """``create``: validate the request data and save a new object (201).

    MRO: CreateModelMixin → object (used with ``GenericAPIView``).
    """

    def create(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Create an object from ``request.data``; 400 with the field errors if invalid."""
        view: Any = self
        serializer = view.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        data = serializer.data
        return Response(
            data, status=status.HTTP_201_CREATED, headers=self.get_success_headers(data)
        )

    def perform_create(self, serializer: Any) -> None:
        """Save the new object (the serializer adds it to the session and commits)."""
        serializer.save()

    def get_success_headers(self, data: Any) -> dict[str, str]:
        """``Location`` when the data holds the object's URL (``URL_FIELD_NAME``)."""
        view: Any = self
        try:
            return {"Location": str(data[view.settings.get("URL_FIELD_NAME")])}
        except (TypeError, KeyError):
            return {}


class ListModelMixin:
    """``list``: the filtered objects, one page of them when the view paginates.

    MRO: ListModelMixin → object (used with ``GenericAPIView``).
    """

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """List the objects."""
        view: Any = self
        queryset = view.filter_queryset(view.get_queryset())
        # PERF: a serializer reading only columns gets rows, not ORM instances.
        rows = _rows_for(queryset, view.get_serializer_class())
        queryset = queryset if rows is None else rows
        page = view.paginate_queryset(queryset)
        if page is not None:
            serializer = view.get_serializer(page, many=True)
            return view.get_paginated_response(serializer.data)  # type: ignore[no-any-return]
        serializer = view.get_serializer(fetch(queryset), many=True)
        return Response(serializer.data)


def _rows_for(queryset: Any, serializer_class: type[Any]) -> Any:
    from cupola.rest.generics import row_statement

    return row_statement(queryset, serializer_class)  # type: ignore[arg-type]  # classes hash


class RetrieveModelMixin:
    """``retrieve``: one object.

    MRO: RetrieveModelMixin → object (used with ``GenericAPIView``).
    """

    def retrieve(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Show the object the URL names."""
        view: Any = self
        return Response(view.get_serializer(view.get_object()).data)


class UpdateModelMixin:
    """``update`` and ``partial_update``: change one object (PUT, PATCH).

    MRO: UpdateModelMixin → object (used with ``GenericAPIView``).
    """

    def update(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Replace the object's fields from ``request.data`` (``partial=True``: some)."""
        view: Any = self
        partial = kwargs.pop("partial", False)
        instance = view.get_object()
        serializer = view.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return Response(serializer.data)

    def perform_update(self, serializer: Any) -> None:
        """Save the changes (the serializer commits them)."""
        serializer.save()

    def partial_update(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Change the fields ``request.data`` gives (PATCH)."""
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)


class DestroyModelMixin:
    """``destroy``: delete one object (204).

    MRO: DestroyModelMixin → object (used with ``GenericAPIView``).
    """

    def destroy(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Delete the object the URL names."""
        view: Any = self
        self.perform_destroy(view.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_destroy(self, instance: Any) -> None:
        """Delete ``instance`` from the session and commit."""
        session = _db.session()
        session.delete(instance)
        session.commit()
