"""HTML forms of the browsable API, built from a view's serializer.

:func:`form_fields` turns a serializer's writable fields into :class:`FormField` rows (the
widget, the current value, the options of a select, the errors of a failed submit);
:func:`show_form_for_method` asks the view's permissions whether the user may send a method.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from cupola.rest import exceptions
from cupola.rest import serializers as s
from cupola.rest.browsable.overrides import (
    CONTENT_OVERRIDE,
    CONTENT_TYPE_OVERRIDE,
    METHOD_OVERRIDE,
    apply_form_overrides,
)

_INPUT_TYPES: list[tuple[type[Any], str]] = [
    (s.BooleanField, "checkbox"),
    (s.EmailField, "email"),
    (s.URLField, "url"),
    (s.DateTimeField, "datetime-local"),
    (s.DateField, "date"),
    (s.TimeField, "time"),
    (s.FileField, "file"),
    (s.IntegerField, "number"),
    (s.FloatField, "number"),
    (s.DecimalField, "number"),
]


@dataclass
class FormField:
    """One input of an HTML form."""

    name: str
    label: str
    widget: str
    value: Any = ""
    required: bool = False
    help_text: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)


def _widget(form_field: Any) -> str:
    if isinstance(form_field, s.ManyRelatedField | s.MultipleChoiceField):
        return "select-multiple"
    if isinstance(form_field, s.ChoiceField | s.RelatedField):
        return "select"
    if isinstance(form_field, s.ListField | s.DictField | s.JSONField | s.BaseSerializer):
        return "unsupported"
    if form_field.style.get("base_template") == "textarea.html":
        return "textarea"
    if form_field.style.get("input_type") == "password":
        return "password"
    for field_class, widget in _INPUT_TYPES:
        if isinstance(form_field, field_class):
            return widget
    return "text"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    return str(value)  # NOTE: True is "True", the text a ChoiceField takes back


def _choices(form_field: Any, cutoff: int | None) -> list[tuple[str, str]]:
    if isinstance(form_field, s.RelatedField | s.ManyRelatedField):
        try:
            options = form_field.get_choices(cutoff)
        except Exception:  # NOTE: a related field without a queryset offers no options
            return []
    else:
        options = dict(getattr(form_field, "choices", {}) or {})
    return [(_text(key), str(text)) for key, text in options.items()]


def _value_of(values: Any, name: str, multiple: bool) -> Any:
    if multiple and hasattr(values, "getlist"):
        return [_text(v) for v in values.getlist(name)]
    value = values.get(name) if hasattr(values, "get") else None
    if multiple:
        return [_text(v) for v in value or ()]
    return value


def form_fields(
    serializer: Any, values: Any = None, errors: Any = None, cutoff: int | None = 1000
) -> list[FormField]:
    """The writable fields of ``serializer`` as form inputs.

    Args:
        serializer: A serializer instance.
        values: The values to show (a submitted form, or the object's data).
        errors: Field errors of a failed submit (``{field: [message, …]}``).
        cutoff: At most this many options in a select (``HTML_SELECT_CUTOFF``).
    """
    errors = errors if isinstance(errors, dict) else {}
    rows = []
    for name, form_field in serializer.fields.items():
        if form_field.read_only or isinstance(form_field, s.HiddenField):
            continue
        widget = _widget(form_field)
        multiple = widget == "select-multiple"
        value = _value_of(values, name, multiple)
        if widget == "checkbox":
            value = value in (True, "true", "True", "on", "1", 1)
        elif not multiple:
            value = _text(value)
        row = FormField(
            name=name,
            label=str(form_field.label or name),
            widget=widget,
            value=value,
            required=bool(form_field.required),
            help_text=str(form_field.help_text or ""),
            errors=[str(e) for e in _as_list(errors.get(name))],
        )
        if widget in ("select", "select-multiple"):
            row.choices = _choices(form_field, cutoff)
        _limits(form_field, row)
        rows.append(row)
    return rows


def _limits(form_field: Any, row: FormField) -> None:
    max_length = getattr(form_field, "max_length", None)
    if max_length is not None and row.widget in ("text", "textarea", "email", "url"):
        row.attributes["maxlength"] = max_length
    if row.widget == "number":
        places = getattr(form_field, "decimal_places", None)
        row.attributes["step"] = "any" if places is None else f"{10**-places:.{places}f}"
        if isinstance(form_field, s.IntegerField):
            row.attributes["step"] = 1


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, dict):
        return [f"{key}: {error}" for key, errors in value.items() for error in _as_list(errors)]
    return [value]


def raw_content(serializer: Any, values: Any) -> str:
    """The JSON shown in the raw-data form: the writable fields' values."""
    data = {}
    for name, form_field in serializer.fields.items():
        if form_field.read_only or isinstance(form_field, s.HiddenField):
            continue
        value = values.get(name) if hasattr(values, "get") else None
        data[name] = value
    return json.dumps(data, indent=4, default=str, ensure_ascii=False)


def show_form_for_method(view: Any, method: str, request: Any, obj: Any = None) -> bool:
    """Whether the user may send ``method`` to the view (and on ``obj``)."""
    if method not in view.allowed_methods:
        return False
    original = request.method
    request.method = method
    try:
        view.check_permissions(request)
        if obj is not None:
            view.check_object_permissions(request, obj)
    except exceptions.APIException:
        return False
    finally:
        request.method = original
    return True


__all__ = [
    "CONTENT_OVERRIDE",
    "CONTENT_TYPE_OVERRIDE",
    "METHOD_OVERRIDE",
    "FormField",
    "apply_form_overrides",
    "form_fields",
    "raw_content",
    "show_form_for_method",
]
