"""The pages of one registered model: change list, add, change, delete and history.

Each page checks its ``ModelAdmin`` permission hook first (403 when refused, so a forged
request changes nothing), works in the request's database session, and records every
change in the history in the same transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # stubs predate 3.3

from cupola.admin.changelist import ChangeList
from cupola.admin.forms import EMPTY_CHOICE
from cupola.admin.history import ADDED, CHANGED, DELETED
from cupola.context import get_request
from cupola.exceptions import Forbidden, NotFound
from cupola.navigation import redirect, url_for
from cupola.sessions import flash

if TYPE_CHECKING:
    from sqlalchemy import Select
    from sqlalchemy.orm import Session

    from cupola.admin.options import ModelAdmin
    from cupola.admin.site import Admin
    from cupola.forms import Form
    from cupola.http.response import Response

__all__ = ["ModelPages"]

#: Related rows offered in a relationship's select at most.
RELATED_CHOICES_LIMIT = 1000


def _allowed(permitted: bool) -> None:
    if not permitted:
        raise Forbidden("You do not have permission to do this.")


class ModelPages:
    """The views of every registered model, bound to one :class:`Admin`."""

    def __init__(self, admin: Admin) -> None:
        self.admin = admin

    @property
    def session(self) -> Session:
        """The request's database session."""
        return self.admin.db.session  # type: ignore[return-value]  # proxies a Session

    def _object(self, model_admin: ModelAdmin, pk: int) -> Any:
        obj = self.session.get(model_admin.model, pk)
        if obj is None:
            raise NotFound(f"No {model_admin.verbose_name} with this key.")
        return obj

    def _changelist_url(self, model_admin: ModelAdmin) -> str:
        return url_for(self.admin.endpoint("changelist"), model=model_admin.slug)

    # -- change list and bulk delete -------------------------------------------------------

    def changelist(self, model: str) -> Response | str:
        """The rows of a model; a POST runs the "delete selected" action."""
        request = get_request()
        model_admin = self.admin.model_admin(model)
        _allowed(model_admin.has_view_permission(request))
        if request.method == "POST":
            return self._delete_selected(model_admin)
        changelist = ChangeList.build(model_admin, request, self.session)
        return self.admin.page(
            "change_list.html",
            model_admin=model_admin,
            cl=changelist,
            can_add=model_admin.has_add_permission(request),
            can_delete=model_admin.has_delete_permission(request),
        )

    def _delete_selected(self, model_admin: ModelAdmin) -> Response | str:
        request = get_request()
        _allowed(
            request.form.get("action") == "delete_selected"
            and model_admin.has_delete_permission(request)
        )
        keys = [int(k) for k in request.form.getlist("_selected_action") if k.isdigit()][:1000]
        column = getattr(model_admin.model, model_admin.pk_name)
        chosen: Select[Any] = select(model_admin.model).where(column.in_(keys))
        objects: list[Any] = list(self.session.scalars(chosen).all())
        if not objects:
            flash("Items must be selected in order to perform actions on them.", "warning")
            return redirect(self._changelist_url(model_admin))
        for obj in objects:
            _allowed(model_admin.has_delete_permission(request, obj))
        if request.form.get("post") != "yes":
            return self.admin.page(
                "delete_selected_confirmation.html", model_admin=model_admin, objects=objects
            )
        for obj in objects:
            self._log(model_admin, obj, DELETED)
            self.session.delete(obj)
        self.session.commit()
        noun = model_admin.verbose_name if len(objects) == 1 else model_admin.verbose_name_plural
        flash(f"Successfully deleted {len(objects)} {noun}.", "success")
        return redirect(self._changelist_url(model_admin))

    # -- add and change --------------------------------------------------------------------

    def add(self, model: str) -> Response | str:
        """The add form; a valid POST saves the new row."""
        request = get_request()
        model_admin = self.admin.model_admin(model)
        _allowed(model_admin.has_add_permission(request))
        defaults = {f.name: f.default for f in model_admin.form_fields if f.default is not None}
        form = model_admin.form_class(data=defaults)
        return self._form_page(model_admin, form, None)

    def change(self, model: str, pk: int) -> Response | str:
        """The change form of one row; a valid POST saves it."""
        request = get_request()
        model_admin = self.admin.model_admin(model)
        _allowed(model_admin.has_view_permission(request))
        obj = self._object(model_admin, pk)
        if request.method == "POST":
            _allowed(model_admin.has_change_permission(request, obj))
        form = model_admin.form_class(data=_form_data(model_admin, obj))
        return self._form_page(model_admin, form, obj)

    def _form_page(self, model_admin: ModelAdmin, form: Form, obj: Any) -> Response | str:
        request = get_request()
        self._offer_related(model_admin, form)
        if request.method == "POST" and form.validate() and self._unique(model_admin, form, obj):
            adding = obj is None
            target = model_admin.model() if adding else obj
            changed = _apply(model_admin, form, target, self.session)
            if adding:
                self.session.add(target)
            try:
                self.session.flush()
                self._log(model_admin, target, ADDED if adding else CHANGED, changed)
                self.session.commit()
            except IntegrityError:
                self.session.rollback()
                form.form_errors.append(
                    f"A {model_admin.verbose_name} with these values already exists."
                )
            else:
                verb = "added" if adding else "changed"
                flash(
                    f"The {model_admin.verbose_name} “{target}” was {verb} successfully.", "success"
                )
                if "_continue" in request.form:
                    return redirect(self._change_url(model_admin, target))
                return redirect(self._changelist_url(model_admin))
        return self.admin.page(
            "change_form.html",
            model_admin=model_admin,
            form=form,
            obj=obj,
            can_change=obj is None or model_admin.has_change_permission(request, obj),
            can_delete=obj is not None and model_admin.has_delete_permission(request, obj),
        )

    def _change_url(self, model_admin: ModelAdmin, obj: Any) -> str:
        return url_for(
            self.admin.endpoint("change"), model=model_admin.slug, pk=model_admin.pk_of(obj)
        )

    def _offer_related(self, model_admin: ModelAdmin, form: Form) -> None:
        for field in model_admin.form_fields:
            if not field.is_relation:
                continue
            related = self.session.scalars(select(field.related).limit(RELATED_CHOICES_LIMIT))
            choices = [
                SelectChoice(str(getattr(row, field.related_key)), str(row)) for row in related
            ]
            form[field.name].choices = choices if field.required else [EMPTY_CHOICE, *choices]  # type: ignore[attr-defined]

    def _unique(self, model_admin: ModelAdmin, form: Form, obj: Any) -> bool:
        model = model_admin.model
        pk = getattr(model, model_admin.pk_name)
        clean = True
        for field in model_admin.form_fields:
            value = form[field.name].data
            if not field.unique or value in (None, ""):
                continue
            statement = select(pk).where(getattr(model, field.name) == value).limit(1)
            if obj is not None:
                statement = statement.where(pk != model_admin.pk_of(obj))
            if self.session.scalar(statement) is not None:
                form[field.name].errors = [
                    f"{model_admin.verbose_name.capitalize()} with this {field.label} "
                    "already exists."
                ]
                clean = False
        return clean

    # -- delete and history ----------------------------------------------------------------

    def delete(self, model: str, pk: int) -> Response | str:
        """A confirmation page; the POST from it deletes the row."""
        request = get_request()
        model_admin = self.admin.model_admin(model)
        obj = self._object(model_admin, pk)
        _allowed(model_admin.has_delete_permission(request, obj))
        if request.method == "GET":
            return self.admin.page("delete_confirmation.html", model_admin=model_admin, obj=obj)
        self._log(model_admin, obj, DELETED)
        self.session.delete(obj)
        self.session.commit()
        flash(f"The {model_admin.verbose_name} “{obj}” was deleted successfully.", "success")
        return redirect(self._changelist_url(model_admin))

    def history(self, model: str, pk: int) -> str:
        """Every recorded change of one row, also of a row since deleted."""
        model_admin = self.admin.model_admin(model)
        _allowed(model_admin.has_view_permission(get_request()))
        entries = self.admin.log.for_object(self.session, model_admin.slug, pk)
        obj = self.session.get(model_admin.model, pk)
        if obj is None and not entries:
            raise NotFound(f"No {model_admin.verbose_name} with this key.")
        title = str(obj) if obj is not None else entries[-1]["object_repr"]
        return self.admin.page(
            "history.html", model_admin=model_admin, obj=obj, pk=pk, title=title, entries=entries
        )

    def _log(self, model_admin: ModelAdmin, obj: Any, action: str, changed: Any = None) -> None:
        self.admin.log.record(
            self.session,
            get_request().user,
            model_admin.slug,
            model_admin.pk_of(obj),
            str(obj),
            action,
            changed,
        )


def _form_data(model_admin: ModelAdmin, obj: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in model_admin.form_fields:
        value = getattr(obj, field.name)
        if field.is_relation:
            value = "" if value is None else str(getattr(value, field.related_key))
        elif field.kind == "choice":
            value = "" if value is None else str(getattr(value, "value", value))
        data[field.name] = value
    return data


def _apply(model_admin: ModelAdmin, form: Form, obj: Any, session: Session) -> list[str]:
    """Copy the form's values onto ``obj``; the labels of the fields that changed."""
    changed = []
    for field in model_admin.form_fields:
        value = form[field.name].data
        if field.is_relation:
            value = session.get(field.related, int(value)) if value else None
        elif value == "" and field.nullable:
            value = None
        if value is None and not field.nullable:
            continue  # an empty optional field of a column with a default keeps it
        if getattr(obj, field.name) != value:
            setattr(obj, field.name, value)
            changed.append(field.label)
    return changed
