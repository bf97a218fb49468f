"""The field machinery every serializer field shares: ``Field``, ``empty`` and ``SkipField``.

A field turns one value of an object into a primitive (``to_representation``) and one item
of incoming data into a native value (``run_validation``), as in Django REST framework.
Fields declared on a serializer class are built once, with the class; each serializer
instance binds a shallow copy of them (``Field.bind``), which costs a few attribute writes
instead of DRF's deep copy of every field on every instance (DRF#6328).
"""

from __future__ import annotations

import functools
import inspect
import re
import types
from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import Any, ClassVar

from cupola.exceptions import ImproperlyConfigured
from cupola.rest.exceptions import ValidationError

__all__ = [
    "CALLABLE_TYPES",
    "Field",
    "SkipField",
    "empty",
    "get_attribute",
    "is_html_input",
    "parse_html_dict",
    "parse_html_list",
    "redundant_source",
]


class empty:
    """The marker for "no value given", distinct from ``None`` (DRF's ``empty``)."""


class SkipField(Exception):
    """Raised by a field whose value is to be left out of the output or validated data."""


#: Types of attribute values that are called to get the value (methods as ``source``).
CALLABLE_TYPES = frozenset(
    {types.MethodType, types.FunctionType, types.BuiltinMethodType, functools.partial}
)


def is_html_input(data: Any) -> bool:
    """Whether ``data`` is form input (a multi-dict), where DRF's HTML rules apply."""
    return hasattr(data, "getlist")


def _is_simple_callable(value: Any) -> bool:
    if not (inspect.isfunction(value) or inspect.ismethod(value)) and not isinstance(
        value, functools.partial
    ):
        return False
    try:
        signature = inspect.signature(value)
    except ValueError:  # builtins without a signature are not called
        return False
    return all(
        p.default is not p.empty
        for p in signature.parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    )


def get_attribute(instance: Any, attrs: list[str]) -> Any:
    """Follow ``attrs`` (a dotted source, split) from ``instance``: keys or attributes.

    Methods that take no argument are called, so ``source="get_full_name"`` works.

    Raises:
        AttributeError: When an attribute is missing (or an intermediate value is None).
        KeyError: When a mapping lacks a key.
    """
    for attr in attrs:
        instance = instance[attr] if isinstance(instance, Mapping) else getattr(instance, attr)
        if _is_simple_callable(instance):
            instance = instance()
    return instance


_HTML_LIST = re.compile(r"^\[([0-9]+)\](.*)$")


def parse_html_list(data: Any, prefix: str = "", default: Any = None) -> Any:
    """Read a list sent as form fields ``prefix[0]``, ``prefix[1]``... (or ``prefix[0]x``).

    Returns:
        The list, or ``default`` when no such key exists.
    """
    found: dict[int, Any] = {}
    for key in data:
        if not key.startswith(prefix):
            continue
        match = _HTML_LIST.match(key[len(prefix) :])
        if match is None:
            continue
        index, rest = int(match.group(1)), match.group(2)
        if rest:
            found.setdefault(index, {})[rest.lstrip(".")] = data.get(key)
        else:
            found[index] = data.get(key)
    if not found:
        return default
    return [found[index] for index in sorted(found)]


def parse_html_dict(data: Any, prefix: str = "", default: Any = None) -> Any:
    """Read a dict sent as form fields ``prefix.key``.

    Returns:
        The dict, or ``default`` when no such key exists.
    """
    lead = prefix + "."
    found = {key[len(lead) :]: data.get(key) for key in data if key.startswith(lead)}
    return found if found else default


def _whole(instance: Any) -> Any:
    """The getter of ``source="*"``: the object itself."""
    return instance


def _merged_messages(cls: type) -> dict[str, str]:
    """The ``default_error_messages`` of ``cls`` and its bases (computed once per class)."""
    cached: dict[str, str] | None = cls.__dict__.get("_merged_error_messages")
    if cached is None:
        cached = {}
        for klass in reversed(cls.__mro__):
            cached.update(getattr(klass, "default_error_messages", {}))
        type.__setattr__(cls, "_merged_error_messages", cached)
    return cached


#: The output methods whose defining class must declare ``_unbound_output``.
_OUTPUT_METHODS = ("fast_getter", "fast_representation", "to_representation")
#: The input methods whose defining class must declare ``_unbound_input``.
_INPUT_METHODS = (
    "get_value",
    "validate_empty_values",
    "run_validation",
    "to_internal_value",
    "run_validators",
    "get_default",
)


def _unbound_class(
    cls: type, flag: str = "_unbound_output", methods: tuple[str, ...] = _OUTPUT_METHODS
) -> bool:
    """Whether every one of ``methods`` of ``cls`` comes from a class declaring ``flag``."""
    cache = f"{flag}_of_class"
    cached: bool | None = cls.__dict__.get(cache)
    if cached is None:
        owners = (next(k for k in cls.__mro__ if name in k.__dict__) for name in methods)
        cached = all(owner.__dict__.get(flag, False) for owner in owners)
        type.__setattr__(cls, cache, cached)
    return cached


class Field:
    """The base of every serializer field (and of serializers themselves).

    Args:
        read_only: Output only: ignored in input, never required.
        write_only: Input only: left out of the output.
        required: Whether input must hold the field; by default, when it has no ``default``
            and is not read-only.
        default: The value used when input lacks the field (a callable is called; with a
            ``requires_context`` attribute, with the field).
        initial: The value shown in an empty form.
        source: The attribute the value comes from: a name, a dotted path
            (``"author.name"``) or ``"*"`` for the whole object.
        label: A short title (for forms and schemas); by default the name, capitalised.
        help_text: A longer description (for forms and schemas).
        style: Hints for renderers (``{"input_type": "password"}``).
        error_messages: Messages replacing the field's defaults, by error code.
        validators: Callables run on the native value; they raise ``ValidationError``.
        allow_null: Whether ``None`` is valid input.

    Raises:
        ImproperlyConfigured: For options that contradict each other.
    """

    _creation_counter: ClassVar[int] = 0
    default_error_messages: ClassVar[dict[str, str]] = {
        "required": "This field is required.",
        "null": "This field may not be null.",
    }
    default_validators: ClassVar[list[Callable[..., Any]]] = []
    default_empty_html: Any = empty
    initial: Any = None
    #: Build the validators list in ``__init__`` (serializers build theirs when first used).
    _eager_validators: ClassVar[bool] = True
    #: Attributes a field caches on first use (settings read), which copies start without.
    _instance_caches: ClassVar[tuple[str, ...]] = ()
    #: Set on a class whose own ``fast_getter``, ``fast_representation`` and
    #: ``to_representation`` use nothing of the binding (``parent``, ``context``), so that
    #: one unbound copy can make the output of every instance of a serializer. Read from
    #: the class that defines each method: a subclass overriding one must set it again.
    _unbound_output: ClassVar[bool] = True
    #: Set on a class whose own input methods (``_INPUT_METHODS``) use nothing of the
    #: binding for JSON-like input of a whole (not partial) top-level serializer, so that
    #: one unbound copy can validate the input of every instance. Read from the class that
    #: defines each method, as ``_unbound_output``.
    _unbound_input: ClassVar[bool] = True

    field_name: str
    parent: Any
    _args: tuple[Any, ...]
    _kwargs: dict[str, Any]
    _validators: list[Callable[..., Any]]
    source: str
    source_attrs: list[str]

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        """Create the field, keeping its arguments for ``repr()``."""
        # NOTE: the arguments are kept for ``repr()`` only; copies never re-run __init__.
        instance = super().__new__(cls)
        instance._args = args
        instance._kwargs = kwargs
        return instance

    def __init__(
        self,
        *,
        read_only: bool = False,
        write_only: bool = False,
        required: bool | None = None,
        default: Any = empty,
        initial: Any = empty,
        source: str | None = None,
        label: str | None = None,
        help_text: str | None = None,
        style: dict[str, Any] | None = None,
        error_messages: dict[str, str] | None = None,
        validators: list[Callable[..., Any]] | None = None,
        allow_null: bool = False,
    ) -> None:
        self._order = Field._creation_counter
        Field._creation_counter += 1
        if required is None:
            required = default is empty and not read_only
        _check_options(self, read_only, write_only, required, default)
        self.read_only = read_only
        self.write_only = write_only
        self.required = required
        self.default = default
        self._declared_source = source
        self.source = source  # type: ignore[assignment] # set to a str by bind()
        if initial is not empty:
            self.initial = initial
        self._declared_label = label
        self.label = label
        self.help_text = help_text
        self.style = {} if style is None else style
        self.allow_null = allow_null
        if self.default_empty_html is not empty and default is not empty:
            self.default_empty_html = default
        if validators is not None:
            self._validators = list(validators)
        elif self._eager_validators:
            self._validators = self.get_validators()
        self.field_name = ""
        self._bound_name: str | None = None
        self.parent = None
        messages = _merged_messages(type(self))
        # PERF: fields without custom messages share their class's merged dict.
        self.error_messages = {**messages, **error_messages} if error_messages else messages

    # -- binding ------------------------------------------------------------------------

    def bind(self, field_name: str, parent: Any) -> None:
        """Attach the field to its serializer under ``field_name``.

        Raises:
            ImproperlyConfigured: When ``source`` repeats the field name.
        """
        # PERF: declared fields are bound once by name with their class; an instance's
        # copy then only takes its parent.
        if field_name != self._bound_name:
            if self._declared_source == field_name:
                owner = type(parent).__name__ if parent is not None else "its serializer"
                raise redundant_source(self, field_name, owner)
            self.field_name = field_name
            if self._declared_label is None:
                self.label = field_name.replace("_", " ").capitalize()
            source = self._declared_source or field_name
            self.source = source
            self.source_attrs = [] if source == "*" else source.split(".")
            self._bound_name = field_name
        self.parent = parent

    def _copy(self) -> Any:
        """A shallow copy of this declared field, for one serializer instance to bind."""
        clone = object.__new__(type(self))
        clone.__dict__ = self.__dict__.copy()
        if "_validators" in clone.__dict__:  # an instance may append to its own list
            clone._validators = list(self._validators)
        for name in self._instance_caches:
            clone.__dict__.pop(name, None)
        return clone

    def fast_getter(self) -> Callable[[Any], Any] | None:
        """An ``operator.attrgetter`` for the bound source when plain reads suffice.

        The serializer's output loop calls it instead of :meth:`get_attribute`, falling back
        to :meth:`get_attribute` for mappings, methods and missing attributes. Fields that
        override :meth:`get_attribute` get ``None`` (always the full method).
        """
        if type(self).get_attribute is not Field.get_attribute:
            return None
        if not self.source_attrs:
            return _whole
        return attrgetter(".".join(self.source_attrs))

    def has_unbound_output(self) -> bool:
        """Whether the fast output of this field needs no binding (see ``_unbound_output``)."""
        return _unbound_class(type(self))

    def validates_unbound(self) -> bool:
        """Whether this field validates plain input without its binding.

        Its input methods come from classes declaring ``_unbound_input``, and neither its
        default nor its validators ask for the field (``requires_context``); a read-only
        field, which takes no input, must have no default (the serializer's validators see
        those defaults).
        """
        if self.read_only:
            return self.default is empty
        if getattr(self.default, "requires_context", False):
            return False
        if not _unbound_class(type(self), "_unbound_input", _INPUT_METHODS):
            return False
        return not any(getattr(v, "requires_context", False) for v in self.validators)

    def fast_representation(self) -> Callable[[Any], Any]:
        """What turns a value read by :meth:`fast_getter` into a primitive.

        By default :meth:`to_representation`; fields whose output is a builtin conversion
        (``int``, ``str``) return the builtin, which saves a Python call per value.
        """
        return self.to_representation

    # -- validators, context ------------------------------------------------------------

    @property
    def validators(self) -> list[Callable[..., Any]]:
        """The validators run on the native value (by default ``get_validators()``)."""
        # PERF: a lookup with a default: serializers build theirs on first use, and the
        # AttributeError of that first read would cost more than building them.
        validators: list[Callable[..., Any]] | None = self.__dict__.get("_validators")
        if validators is None:
            validators = self._validators = self.get_validators()
        return validators

    @validators.setter
    def validators(self, validators: list[Callable[..., Any]]) -> None:
        self._validators = validators

    def get_validators(self) -> list[Callable[..., Any]]:
        """The default validators of the field class."""
        return list(self.default_validators)

    @property
    def root(self) -> Any:
        """The top-level serializer this field belongs to."""
        root = self
        while root.parent is not None:
            root = root.parent
        return root

    @property
    def context(self) -> dict[str, Any]:
        """The ``context`` given to the top-level serializer."""
        context: dict[str, Any] = getattr(self.root, "_context", {})
        return context

    def get_initial(self) -> Any:
        """The value shown in an empty form."""
        return self.initial() if callable(self.initial) else self.initial

    # -- input --------------------------------------------------------------------------

    def get_value(self, dictionary: Any) -> Any:
        """This field's item of the incoming ``dictionary``, or ``empty``.

        Form input follows HTML's rules: a missing checkbox is ``False`` (see
        ``default_empty_html``) and an empty text box counts as missing or ``None``.
        """
        if not is_html_input(dictionary):
            return dictionary.get(self.field_name, empty)
        if self.field_name not in dictionary:
            if getattr(self.root, "partial", False):
                return empty
            return self.default_empty_html
        value = dictionary[self.field_name]
        if value == "" and self.allow_null:
            return "" if getattr(self, "allow_blank", False) else None
        if value == "" and not self.required:
            return "" if getattr(self, "allow_blank", False) else empty
        return value

    def get_default(self) -> Any:
        """The value to use when input lacks the field.

        Raises:
            SkipField: Without a default, or in a partial update.
        """
        if self.default is empty or getattr(self.root, "partial", False):
            raise SkipField
        if callable(self.default):
            if getattr(self.default, "requires_context", False):
                return self.default(self)
            return self.default()
        return self.default

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        """Handle missing and null input.

        Returns:
            ``(True, value)`` for an empty value to use as is, ``(False, data)`` for a
            value to validate.

        Raises:
            ValidationError: For a missing required value or a disallowed null.
            SkipField: When the field is to be left out of the validated data.
        """
        if self.read_only:
            return True, self.get_default()
        if data is empty:
            if getattr(self.root, "partial", False):
                raise SkipField
            if self.required:
                self.fail("required")
            return True, self.get_default()
        if data is None:
            if not self.allow_null:
                self.fail("null")
            if self.source == "*":
                return False, None
            return True, None
        return False, data

    def run_validation(self, data: Any = empty) -> Any:
        """Turn input into a validated native value.

        Raises:
            ValidationError: For invalid input.
            SkipField: When the field is to be left out of the validated data.
        """
        is_empty, data = self.validate_empty_values(data)
        if is_empty:
            return data
        value = self.to_internal_value(data)
        self.run_validators(value)
        return value

    def run_validators(self, value: Any) -> None:
        """Run every validator, gathering their messages.

        Raises:
            ValidationError: With every message, or a validator's dict at once.
        """
        errors: list[Any] = []
        for validator in self.validators:
            try:
                if getattr(validator, "requires_context", False):
                    validator(value, self)
                else:
                    validator(value)
            except ValidationError as exc:
                if isinstance(exc.detail, dict):
                    raise
                errors.extend(exc.detail)
        if errors:
            raise ValidationError(errors)

    def to_internal_value(self, data: Any) -> Any:
        """Turn primitive input into a native value (subclasses implement it)."""
        raise NotImplementedError(
            f"{type(self).__name__}.to_internal_value() must be implemented for field "
            f"{self.field_name}. If you do not need to support write operations you "
            "probably want to subclass `ReadOnlyField` instead."
        )

    # -- output -------------------------------------------------------------------------

    def get_attribute(self, instance: Any) -> Any:
        """The value of the field's source on ``instance`` (the object being serialized).

        Raises:
            SkipField: When the value is missing and the field is not required.
            AttributeError: When a required value is missing.
        """
        try:
            return get_attribute(instance, self.source_attrs)
        except (KeyError, AttributeError) as exc:
            if self.default is not empty:
                return self.get_default()
            if self.allow_null:
                return None
            if not self.required:
                raise SkipField from None
            raise type(exc)(
                f"Got {type(exc).__name__} when attempting to get a value for field "
                f"`{self.field_name}` on serializer `{type(self.parent).__name__}`.\nThe "
                "serializer field might be named incorrectly and not match any attribute "
                f"or key on the `{type(instance).__name__}` instance.\nOriginal exception "
                f"text was: {exc}."
            ) from exc

    def to_representation(self, value: Any) -> Any:
        """Turn a native value into a primitive (subclasses implement it)."""
        raise NotImplementedError(
            f"{type(self).__name__}.to_representation() must be implemented for field "
            f"{self.field_name}."
        )

    # -- errors -------------------------------------------------------------------------

    def fail(self, key: str, **kwargs: Any) -> Any:
        """Raise the ``ValidationError`` of error code ``key``, formatted with ``kwargs``.

        Raises:
            ValidationError: Always.
            AssertionError: When the field has no message for ``key``.
        """
        try:
            message = self.error_messages[key]
        except KeyError:
            raise AssertionError(
                f"ValidationError raised by `{type(self).__name__}`, but error key `{key}` "
                "does not exist in the `error_messages` dictionary."
            ) from None
        raise ValidationError(message.format(**kwargs) if kwargs else message, code=key)

    def __class_getitem__(cls, *args: Any) -> type[Field]:
        return cls

    def __repr__(self) -> str:
        arguments = [repr(a) for a in self._args]
        arguments += [f"{key}={value!r}" for key, value in self._kwargs.items()]
        return f"{type(self).__name__}({', '.join(arguments)})"


def redundant_source(field: Field, field_name: str, owner: str) -> ImproperlyConfigured:
    """The error for ``source`` set to the field's own name (DRF refuses it)."""
    return ImproperlyConfigured(
        f"It is redundant to specify `source='{field_name}'` on field '{type(field).__name__}' "
        f"in serializer '{owner}', because it is the same as the field name. Remove the "
        "`source` keyword argument."
    )


def _check_options(
    field: Field, read_only: bool, write_only: bool, required: bool, default: Any
) -> None:
    if read_only and write_only:
        raise ImproperlyConfigured("May not set both `read_only` and `write_only`")
    if read_only and required:
        raise ImproperlyConfigured("May not set both `read_only` and `required`")
    if required and default is not empty:
        raise ImproperlyConfigured("May not set both `required` and `default`")
    if read_only and type(field) is Field:
        raise ImproperlyConfigured(
            "Field(read_only=True) should be ReadOnlyField; use ReadOnlyField instead."
        )
