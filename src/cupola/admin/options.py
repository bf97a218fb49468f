"""``ModelAdmin``: how one model appears in the admin, with Django's options and hooks.

Subclass it and set the options; :meth:`Admin.register` binds it to a model, reading the
model's fields and building its form once. The permission hooks answer ``True`` for every
staff user; override them to narrow what a user may see or do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect, select

from cupola.admin.fields import ModelField, model_fields, primary_key_name, verbose_name
from cupola.admin.forms import form_class
from cupola.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from sqlalchemy import Select

    from cupola.forms import Form
    from cupola.http.request import Request

__all__ = ["ModelAdmin"]


class ModelAdmin:
    """The admin options of one model.

    Attributes:
        list_display: Columns of the change list: field names, ``"__str__"``, or names of
            methods of this class taking the object. Default: every column.
        search_fields: Fields searched by ``?q=`` (case-insensitive substring); a dotted name
            (``"author.name"``) searches across a many-to-one relationship.
        list_filter: Fields offered as filters (booleans, choices, relationships, values).
        ordering: Default order of the change list (``"-year"`` descends); default ``-pk``.
        readonly_fields: Fields shown on the change page and never written.
        list_per_page: Rows per change-list page.
        fields: The fields of the form, in order; default: every editable field.
        help_texts: Help text under a form field, by field name.

    Example:
        >>> class BookAdmin(ModelAdmin):
        ...     list_display = ["id", "title", "author"]
        ...     search_fields = ["title", "author.name"]
    """

    list_display: Sequence[str] | None = None
    search_fields: Sequence[str] = ()
    list_filter: Sequence[str] = ()
    ordering: Sequence[str] = ()
    readonly_fields: Sequence[str] = ()
    list_per_page: int = 100
    fields: Sequence[str] | None = None
    help_texts: Mapping[str, str] = {}

    def __init__(self, model: type) -> None:
        self.model = model
        self.slug = model.__name__.lower()
        self.verbose_name = verbose_name(model.__name__)
        self.verbose_name_plural = f"{self.verbose_name}s"
        if len(inspect(model).primary_key) != 1:
            raise ImproperlyConfigured(
                f"The admin needs {model.__name__} to have a one-column key."
            )
        self.pk_name = primary_key_name(model)
        self.all_fields = {field.name: field for field in model_fields(model)}
        self.form_fields = self._form_fields()
        self.form_class: type[Form] = form_class(
            model.__name__, self.form_fields, dict(self.help_texts)
        )
        self.display = list(self.list_display or self.all_fields)
        self._check_options()

    def _form_fields(self) -> list[ModelField]:
        names = self.fields if self.fields is not None else list(self.all_fields)
        skipped = set(self.readonly_fields)
        return [
            self.all_fields[name]
            for name in names
            if name in self.all_fields
            and name not in skipped
            and not self.all_fields[name].primary_key
        ]

    def _check_options(self) -> None:
        known = set(self.all_fields) | {"__str__"}
        for option in ("list_filter", "readonly_fields"):
            for name in getattr(self, option):
                if name not in self.all_fields:
                    raise ImproperlyConfigured(
                        f"{type(self).__name__}.{option} names {name!r}, which is not a field "
                        f"of {self.model.__name__} (fields: {', '.join(self.all_fields)})."
                    )
        for name in self.search_fields:
            relation, _, attribute = name.rpartition(".")
            target = self.all_fields.get(relation) if relation else None
            valid = (
                hasattr(target.related, attribute)
                if target is not None and target.is_relation
                else not relation and name in self.all_fields
            )
            if not valid:
                raise ImproperlyConfigured(
                    f"{type(self).__name__}.search_fields names {name!r}: use a field of "
                    f"{self.model.__name__} or '<relationship>.<field>'."
                )
        for name in self.display:
            if name not in known and not callable(getattr(self, name, None)):
                raise ImproperlyConfigured(
                    f"{type(self).__name__}.list_display names {name!r}: use a field of "
                    f"{self.model.__name__}, '__str__' or a method of the admin class."
                )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} for {self.model.__name__}>"

    # -- hooks a subclass overrides ---------------------------------------------------

    def get_queryset(self, request: Request) -> Select[Any]:
        """The rows the admin shows: every row by default."""
        return select(self.model)

    def has_view_permission(self, request: Request) -> bool:
        """Whether the user may see this model's rows."""
        return True

    def has_add_permission(self, request: Request) -> bool:
        """Whether the user may add rows."""
        return True

    def has_change_permission(self, request: Request, obj: Any = None) -> bool:
        """Whether the user may change rows (``obj``: a given one)."""
        return True

    def has_delete_permission(self, request: Request, obj: Any = None) -> bool:
        """Whether the user may delete rows (``obj``: a given one)."""
        return True

    # -- reading an object --------------------------------------------------------------

    def pk_of(self, obj: Any) -> Any:
        """The object's primary-key value."""
        return getattr(obj, self.pk_name)

    def label_for(self, name: str) -> str:
        """The column heading of a ``list_display`` entry."""
        if name == "__str__":
            return self.verbose_name.capitalize()
        field = self.all_fields.get(name)
        if field is not None:
            return "ID" if field.primary_key else field.label
        method = getattr(self, name)
        return str(getattr(method, "short_description", verbose_name(name).capitalize()))

    def value_for(self, obj: Any, name: str) -> Any:
        """The value a ``list_display`` entry shows for ``obj``."""
        if name == "__str__":
            return str(obj)
        if name in self.all_fields:
            return getattr(obj, name)
        return getattr(self, name)(obj)
