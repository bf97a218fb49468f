"""The add and change forms, built once per registered model from its fields.

Each column becomes the WTForms field of its kind, with the validators its definition
implies: required unless nullable or defaulted, a length limit for ``String(n)``, whole or
decimal numbers, a choice among an enum's values or the related rows. Uniqueness is
checked against the database by the view, which knows the row being changed.
"""

from __future__ import annotations

import decimal
from typing import TYPE_CHECKING, Any

from wtforms import validators
from wtforms.fields import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    FloatField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # stubs predate 3.3

from cupola.forms import Form

if TYPE_CHECKING:
    from wtforms import Field

    from cupola.admin.fields import ModelField

__all__ = ["EMPTY_CHOICE", "REQUIRED", "form_class"]

REQUIRED = "This field is required."
EMPTY_CHOICE = SelectChoice("", "---------")


class WholeNumberField(IntegerField):
    """An integer field whose error says what to type."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Parse the value; a non-integer is "Enter a whole number."."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter a whole number.") from None


class NumberField(FloatField):
    """A float field whose error says what to type."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Parse the value; a non-number is "Enter a number."."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter a number.") from None


class ExactDecimalField(DecimalField):
    """A decimal field that refuses more decimal places than the column keeps."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Parse the value; a non-number is "Enter a decimal number."."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter a decimal number.") from None

    def pre_validate(self, form: Any) -> None:
        """Refuse digits past the column's scale instead of rounding them away."""
        places = self.places
        if isinstance(self.data, decimal.Decimal) and places is not None:
            exponent = self.data.as_tuple().exponent
            if isinstance(exponent, int) and -exponent > places:
                raise validators.ValidationError(
                    f"Ensure that there are no more than {places} decimal places."
                )


def _validators(field: ModelField) -> list[Any]:
    chain: list[Any] = [
        validators.InputRequired(REQUIRED) if field.required else validators.Optional()
    ]
    if field.max_length:
        message = f"Ensure this value has at most {field.max_length} characters."
        chain.append(validators.Length(max=field.max_length, message=message))
    return chain


def _form_field(field: ModelField, description: str) -> Field:
    chain = _validators(field)
    options: dict[str, Any] = {"description": description}
    kind = field.kind
    if kind == "boolean":
        return BooleanField(field.label, **options)
    if kind in ("choice", "relation"):
        choices = [] if field.required else [EMPTY_CHOICE]
        choices += [SelectChoice(str(value)) for value in field.choices]
        return SelectField(field.label, chain, choices=choices, **options)
    classes: dict[str, Any] = {
        "integer": WholeNumberField,
        "float": NumberField,
        "date": DateField,
        "datetime": DateTimeLocalField,
        "text": TextAreaField,
        "string": StringField,
    }
    if kind == "decimal":
        return ExactDecimalField(field.label, chain, places=field.places, **options)
    return classes[kind](field.label, chain, **options)  # type: ignore[no-any-return]


def form_class(name: str, fields: list[ModelField], help_texts: dict[str, str]) -> type[Form]:
    """A :class:`~cupola.forms.Form` subclass with one field per editable model field."""
    attributes = {f.name: _form_field(f, help_texts.get(f.name, "")) for f in fields}
    return type(f"{name}AdminForm", (Form,), attributes)
