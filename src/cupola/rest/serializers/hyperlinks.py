"""Hyperlinked relations: a related row as the absolute URL of its detail endpoint.

``HyperlinkedRelatedField(view_name=".book-detail", queryset=select(Book))`` writes
``"http://host/api/books/1/"`` and reads such URLs back into rows; ``HyperlinkedIdentityField``
is the object's own URL (the ``url`` field of a ``HyperlinkedModelSerializer``). A view
name starting with ``.`` is relative to the request's blueprint, so the router's
``"<basename>-detail"`` endpoints resolve wherever the router's blueprint is mounted.
URLs are built with ``cupola.rest.reverse`` (absolute, version-aware), which needs the
request in the serializer's context, as in DRF.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast
from urllib.parse import unquote, urlsplit

from cupola.context import get_app_context
from cupola.exceptions import BuildError, HTTPException, ImproperlyConfigured
from cupola.rest import _db
from cupola.rest.reverse import reverse
from cupola.rest.serializers.relations import PKOnlyObject, RelatedField

if TYPE_CHECKING:
    from cupola.app import Cupola

__all__ = ["HyperlinkedIdentityField", "HyperlinkedRelatedField"]


class HyperlinkedRelatedField(RelatedField):
    """A related row as the URL of ``view_name`` for it.

    Args:
        view_name: The detail endpoint (``".book-detail"``: in the request's blueprint).
        lookup_field: The row's attribute in the URL (``"pk"``: its primary key).
        lookup_url_kwarg: The URL variable holding it (default: ``lookup_field``).
        format: A format suffix for the URLs.
        **kwargs: The ``RelatedField`` options (``queryset``, ``many``, ``read_only``…).

    Raises:
        ImproperlyConfigured: Without a ``view_name``.
    """

    lookup_field = "pk"
    default_error_messages: ClassVar[dict[str, str]] = {
        "required": "This field is required.",
        "no_match": "Invalid hyperlink - No URL match.",
        "incorrect_match": "Invalid hyperlink - Incorrect URL match.",
        "does_not_exist": "Invalid hyperlink - Object does not exist.",
        "incorrect_type": "Incorrect type. Expected URL string, received {data_type}.",
    }

    def __init__(self, view_name: str | None = None, **kwargs: Any) -> None:
        if view_name is None:
            raise ImproperlyConfigured("The `view_name` argument is required.")
        self.view_name = view_name
        self.lookup_field = kwargs.pop("lookup_field", self.lookup_field)
        self.lookup_url_kwarg: str = kwargs.pop("lookup_url_kwarg", self.lookup_field)
        self.format: str | None = kwargs.pop("format", None)
        super().__init__(**kwargs)

    def use_pk_only_optimization(self) -> bool:
        """Whether the URL needs only the related primary key (``lookup_field="pk"``)."""
        return self.lookup_field == "pk"

    def _lookup_value(self, obj: Any) -> Any:
        if type(obj) is PKOnlyObject:
            return obj.pk
        name = self.lookup_field
        if name == "pk":
            name = _db.primary_key_name(type(obj))
        return getattr(obj, name)

    def get_url(self, obj: Any, view_name: str, request: Any, format: str | None) -> str | None:
        """The URL of ``obj`` (``None`` for an object without a key yet).

        Raises:
            BuildError: When ``view_name`` does not build.
        """
        value = self._lookup_value(obj)
        if value in (None, ""):
            return None
        return reverse(
            view_name, kwargs={self.lookup_url_kwarg: value}, request=request, format=format
        )

    def to_representation(self, value: Any) -> Any:
        """The absolute URL of the related row.

        Raises:
            ImproperlyConfigured: Without the request in the context, or for a view name
                that does not build.
        """
        request = self.context.get("request")
        if request is None:
            raise ImproperlyConfigured(
                f"`{type(self).__name__}` requires the request in the serializer context. "
                "Add `context={'request': request}` when instantiating the serializer."
            )
        format = self.context.get("format", self.format)
        try:
            return self.get_url(value, self.view_name, request, format)
        except BuildError:
            raise ImproperlyConfigured(
                "Could not resolve URL for hyperlinked relationship using view name "
                f'"{self.view_name}". You may have failed to include the related model in '
                "your API, or incorrectly configured the `lookup_field` attribute on this "
                "field."
            ) from None

    def _endpoint(self, request: Any) -> str:
        name = self.view_name
        if name.startswith("."):
            blueprint = getattr(request, "blueprint", None)
            return f"{blueprint}{name}" if blueprint else name[1:]
        return name

    def to_internal_value(self, data: Any) -> Any:
        """The row of ``queryset`` that the URL ``data`` names.

        Raises:
            ValidationError: "Invalid hyperlink - No URL match.", "… Incorrect URL match.",
                "… Object does not exist." or "Incorrect type. Expected URL string, …"
        """
        if not isinstance(data, str):
            return self.fail("incorrect_type", data_type=type(data).__name__)
        request = self.context.get("request")
        path = unquote(urlsplit(data).path)
        root = getattr(request, "root_path", "") or ""
        if root and path.startswith(root):
            path = path[len(root) :]
        try:
            rule, values = cast("Cupola", get_app_context().app).pipeline.router.match(path, "GET")
        except HTTPException:
            return self.fail("no_match")
        if rule.endpoint != self._endpoint(request):
            self.fail("incorrect_match")
        if self.lookup_url_kwarg not in values:
            self.fail("does_not_exist")
        return self._get_object(values[self.lookup_url_kwarg])

    def _get_object(self, value: Any) -> Any:
        statement = self.get_queryset()
        model = _db.statement_model(statement)
        name = _db.primary_key_name(model) if self.lookup_field == "pk" else self.lookup_field
        row = _db.session().scalars(statement.where(getattr(model, name) == value).limit(1)).first()
        if row is None:
            self.fail("does_not_exist")
        return row


class HyperlinkedIdentityField(HyperlinkedRelatedField):
    """The object's own URL (read-only; ``source="*"``)."""

    def __init__(self, view_name: str | None = None, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        kwargs["source"] = "*"
        super().__init__(view_name, **kwargs)

    def use_pk_only_optimization(self) -> bool:
        """No: the whole object is at hand."""
        return False
