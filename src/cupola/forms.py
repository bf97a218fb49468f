"""Forms: WTForms forms that bind to the current request and carry a CSRF token.

A :class:`Form` created while an unsafe request is handled reads ``request.form`` and
``request.files`` (or the JSON body) by itself, renders its token with
``{{ form.csrf_token }}`` and validates it with the rest of the form, as in Flask-WTF. The
fields and the ``validators`` module are WTForms' own; :class:`FileRequired`,
:class:`FileAllowed` and :class:`FileSize` check uploads. ``cupola/forms.html`` renders a
field with its label and errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from enum import Enum
from functools import cached_property
from typing import Any, Protocol

import wtforms
from wtforms import validators
from wtforms.csrf.core import CSRF, CSRFTokenField
from wtforms.fields import (
    BooleanField,
    DateField,
    DateTimeField,
    DecimalField,
    EmailField,
    Field,
    FieldList,
    FileField,
    FloatField,
    FormField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.form import BaseForm
from wtforms.meta import DefaultMeta
from wtforms.validators import StopValidation, ValidationError

from cupola.context import current_app, get_request, has_request_context
from cupola.csrf import SAFE_METHODS, CSRFError, csrf_token, validate_csrf
from cupola.exceptions import BadRequest
from cupola.http.forms import UploadFile
from cupola.http.multidict import ImmutableMultiDict


class FormData(Protocol):
    """What a form accepts as submitted data: a multi-dict such as ``request.form``."""

    def __iter__(self) -> Iterator[str]: ...
    def __len__(self) -> int: ...
    def __contains__(self, key: Any, /) -> bool: ...
    def getlist(self, key: str, /) -> list[Any]:
        """Every value submitted under ``key``."""
        ...


class _Auto(Enum):
    FROM_REQUEST = "from the request"


class _RequestCSRF(CSRF):
    """The form side of :mod:`cupola.csrf`: the session's masked token in a hidden field."""

    def setup_form(self, form: BaseForm) -> list[tuple[str, UnboundField[Any]]]:
        # NOTE: the attribute stays `form.csrf_token` while the HTML name follows
        # CSRF_FIELD_NAME, so templates keep working when the setting changes.
        name = current_app.config["CSRF_FIELD_NAME"]
        field = self.field_class(label="CSRF Token", csrf_impl=self, name=name)
        # Called without _form=, a WTForms field class gives an UnboundField (unknown to stubs).
        return [(form.meta.csrf_field_name, field)]  # type: ignore[list-item]

    def generate_csrf_token(self, csrf_token_field: CSRFTokenField) -> str:
        return csrf_token()

    def validate_csrf_token(self, form: BaseForm, field: CSRFTokenField) -> None:
        # The token may also come in the header, as for requests sent by JavaScript.
        header = current_app.config["CSRF_HEADER_NAME"]
        try:
            validate_csrf(field.data or get_request().headers.get(header))
        except CSRFError as exc:
            raise ValidationError(exc.reason) from None


class _Meta(DefaultMeta):
    csrf_class = _RequestCSRF

    # NOTE: a cached property reads the setting per form, never at import, and still
    # yields to `class Meta: csrf = False` on a form or to `Form(meta={"csrf": False})`.
    @cached_property
    def csrf(self) -> bool:  # type: ignore[override]  # a setting read per form
        return bool(current_app.config["CSRF_ENABLED"])


class Form(wtforms.Form):
    """A WTForms form bound to the current request, with a CSRF token field.

    Inside an unsafe request (POST, PUT, PATCH, DELETE…) the form reads the submitted
    fields and files, or the JSON object of a JSON body; elsewhere it starts from its
    defaults, ``obj`` and ``data``. With ``CSRF_ENABLED`` it has a ``csrf_token`` field
    that :meth:`validate` checks; turn it off per form with ``class Meta: csrf = False``.

    Args:
        formdata: Submitted data to bind instead of the request's; ``None`` binds nothing.
        **kwargs: ``obj``, ``prefix``, ``data``, ``meta`` and field values, as in WTForms.

    Raises:
        BadRequest: When a JSON body is not an object.

    Example:
        A form and the view that shows it, then handles its submission::

            class SignupForm(Form):
                email = EmailField("Email", [validators.InputRequired()])
                password = PasswordField("Password", [validators.Length(min=12)])

            @app.route("/signup", methods=["GET", "POST"])
            def signup():
                form = SignupForm()
                if form.validate_on_submit():
                    return redirect(url_for("welcome"))
                return render("signup.html", form=form)
    """

    Meta = _Meta

    def __init__(
        self, formdata: FormData | _Auto | None = _Auto.FROM_REQUEST, **kwargs: Any
    ) -> None:
        if formdata is _Auto.FROM_REQUEST:
            formdata = _request_formdata()
        super().__init__(formdata, **kwargs)

    def is_submitted(self) -> bool:
        """Whether the current request is an unsafe one, such as a POST."""
        return has_request_context() and get_request().method not in SAFE_METHODS

    def validate_on_submit(
        self, extra_validators: Mapping[str, Sequence[Any]] | None = None
    ) -> bool:
        """Whether the form was submitted (:meth:`is_submitted`) and is valid.

        Args:
            extra_validators: More validators per field name, as for :meth:`validate`.
        """
        return self.is_submitted() and self.validate(extra_validators)


def _request_formdata() -> FormData | None:
    if not has_request_context():
        return None
    request = get_request()
    if request.method in SAFE_METHODS:
        return None
    if request.is_json:
        data = request.json
        if not isinstance(data, dict):
            raise BadRequest("A form's JSON body must be an object.")
        return _JSONFields(data)
    return ImmutableMultiDict([*request.form.items(multi=True), *request.files.items(multi=True)])


class _JSONFields:
    """A JSON object read as submitted fields, each value as the text a form would send.

    Numbers become their text, booleans ``"true"`` or ``"false"``, ``null`` no value, and a
    list several values. A value the form reads that holds an object, or a list in a list,
    is answered 400; keys the form does not declare are never read.
    """

    __slots__ = ("_data",)

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: Any, /) -> bool:
        return key in self._data

    def getlist(self, key: str, /) -> list[str]:
        """The texts submitted under ``key``.

        Raises:
            BadRequest: When the value holds an object or a nested list.
        """
        value = self._data.get(key)
        items = value if isinstance(value, list) else [value]
        return [_as_text(key, item) for item in items if item is not None]


def _as_text(key: str, item: Any) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, bool):  # before int: a bool is an int
        return "true" if item else "false"
    if isinstance(item, int | float):
        return str(item)
    kind = "an object" if isinstance(item, dict) else "a list in a list"
    raise BadRequest(
        f"The JSON field {key!r} holds {kind}: a form field takes strings, numbers, "
        "booleans or null, or a list of them."
    )


def _uploads(data: Any) -> list[UploadFile]:
    """The files a field received; a file input left empty sends a nameless, empty part."""
    items = data if isinstance(data, list) else [data]
    return [item for item in items if isinstance(item, UploadFile) and item.raw_filename]


class FileRequired:
    """Stop validation unless the field received at least one file.

    Args:
        message: The error message; a default is used when ``None``.
    """

    field_flags = {"required": True}

    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def __call__(self, form: BaseForm, field: Field) -> None:
        """Raise :class:`~wtforms.validators.StopValidation` when no file came."""
        if not _uploads(field.data):
            raise StopValidation(self.message or field.gettext("This field is required."))


class FileAllowed:
    """Accept only files whose name ends with one of ``extensions``.

    The extension is read from the sanitised ``filename``, case-insensitively. It says
    what the client claims, not what the file holds: check the content too before trusting
    it.

    Args:
        extensions: Allowed extensions, such as ``["png", "jpg"]`` (a leading dot is fine).
        message: The error message; may use ``{extensions}``.
    """

    def __init__(self, extensions: Iterable[str], message: str | None = None) -> None:
        self.extensions = frozenset(ext.lower().lstrip(".") for ext in extensions)
        self.message = message

    def __call__(self, form: BaseForm, field: Field) -> None:
        """Raise :class:`~wtforms.validators.StopValidation` for a file of another type."""
        for upload in _uploads(field.data):
            name, dot, extension = upload.filename.rpartition(".")
            if not (name and dot and extension.lower() in self.extensions):
                listed = ", ".join(sorted(self.extensions))
                message = self.message or field.gettext("File type not allowed: use {extensions}.")
                raise StopValidation(message.format(extensions=listed))


class FileSize:
    """Accept only files of ``min_size`` to ``max_size`` bytes.

    Args:
        max_size: The largest size allowed, in bytes.
        min_size: The smallest size allowed, in bytes.
        message: The error message; may use ``{min_size}`` and ``{max_size}``.
    """

    def __init__(self, max_size: int, min_size: int = 0, message: str | None = None) -> None:
        self.max_size = max_size
        self.min_size = min_size
        self.message = message

    def __call__(self, form: BaseForm, field: Field) -> None:
        """Raise :class:`~wtforms.validators.StopValidation` for a file of another size."""
        for upload in _uploads(field.data):
            if not self.min_size <= upload.size <= self.max_size:
                message = self.message or field.gettext(
                    "File size must be between {min_size} and {max_size} bytes."
                )
                raise StopValidation(message.format(min_size=self.min_size, max_size=self.max_size))


__all__ = [
    "BooleanField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "EmailField",
    "FieldList",
    "FileAllowed",
    "FileField",
    "FileRequired",
    "FileSize",
    "FloatField",
    "Form",
    "FormData",
    "FormField",
    "HiddenField",
    "IntegerField",
    "MultipleFileField",
    "PasswordField",
    "RadioField",
    "SelectField",
    "SelectMultipleField",
    "StringField",
    "SubmitField",
    "TextAreaField",
    "ValidationError",
    "validators",
]
