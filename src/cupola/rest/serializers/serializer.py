"""``Serializer``: objects to primitives and back, with validation.

The one metaclass here gathers the fields declared on a serializer class (and its bases)
into ``_declared_fields`` when the class is built. An instance binds shallow copies of them
on first use of ``.fields``, and its output loop runs over a list of ``(name, getter,
field, to_representation)`` made once per instance, so ``.data`` for a thousand rows is
one tight loop (``ListSerializer``, in ``lists``, binds its child once for all of them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cached_property
from operator import attrgetter
from typing import Any, ClassVar, TypeVar

from cupola.rest.exceptions import ErrorDetail, ValidationError
from cupola.rest.serializers.base import (
    CALLABLE_TYPES,
    Field,
    SkipField,
    empty,
    is_html_input,
    parse_html_dict,
    redundant_source,
)
from cupola.rest.serializers.bound import BoundField, bound_field
from cupola.rest.settings import api_settings, current_settings

T = TypeVar("T")

__all__ = [
    "LIST_SERIALIZER_KWARGS",
    "BaseSerializer",
    "BindingDict",
    "ReturnDict",
    "ReturnList",
    "Serializer",
    "SerializerMetaclass",
    "as_serializer_error",
]

#: Keyword arguments ``many=True`` passes to the ``ListSerializer`` as well as the child.
LIST_SERIALIZER_KWARGS = (
    "read_only",
    "write_only",
    "required",
    "default",
    "initial",
    "source",
    "label",
    "help_text",
    "style",
    "error_messages",
    "allow_empty",
    "instance",
    "data",
    "partial",
    "context",
    "allow_null",
    "max_length",
    "min_length",
)
#: Keyword arguments ``many=True`` gives to the ``ListSerializer`` only.
LIST_SERIALIZER_KWARGS_REMOVE = ("allow_empty", "min_length", "max_length")

#: Per-instance caches a copy of a declared serializer must not inherit.
_INSTANCE_STATE = ("fields", "_read_plan", "_write_plan", "_data", "_errors", "_validated_data")


class ReturnDict(dict[str, Any]):
    """``serializer.data`` and ``.errors``: a dict that knows its ``serializer``."""

    def __init__(self, *args: Any, serializer: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.serializer = serializer


class ReturnList(list[Any]):
    """``serializer.data`` of ``many=True``: a list that knows its ``serializer``."""

    def __init__(self, *args: Any, serializer: Any = None) -> None:
        super().__init__(*args)
        self.serializer = serializer


class BindingDict(dict[str, Field]):
    """``serializer.fields``: setting an item binds the field to the serializer."""

    def __init__(self, serializer: Any) -> None:
        super().__init__()
        self.serializer = serializer

    def __setitem__(self, key: str, field: Field) -> None:
        field.bind(key, self.serializer)
        super().__setitem__(key, field)


def as_serializer_error(exc: ValidationError) -> dict[str, Any]:
    """The ``{"field": [messages], "non_field_errors": [...]}`` form of ``exc``."""
    detail = exc.detail
    key = api_settings.NON_FIELD_ERRORS_KEY
    if isinstance(detail, Mapping):
        return {k: v if isinstance(v, list | Mapping) else [v] for k, v in detail.items()}
    if isinstance(detail, list):
        return {key: detail}
    return {key: [detail]}


def _many_copy(cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """``cls(*args, many=True, **kwargs)`` as a copy of a list built once per class.

    PERF: a list view builds one such list per request; copying a prototype skips both
    ``Field.__init__`` runs. Only for a plain ``ListSerializer`` around a serializer whose
    construction is the base one, with at most the instance and ``context``; ``None`` else.
    """
    from cupola.rest.serializers.lists import ListSerializer

    if (
        cls.__init__ is not BaseSerializer.__init__
        or cls.__new__ is not BaseSerializer.__new__
        or getattr(getattr(cls, "Meta", None), "list_serializer_class", ListSerializer)
        is not ListSerializer
    ):
        return None
    prototype = cls.__dict__.get("_many_prototype")
    if prototype is None:
        prototype = ListSerializer(child=cls())
        type.__setattr__(cls, "_many_prototype", prototype)
    many = prototype._copy()
    child = many.child
    instance = args[0] if args else None
    # NOTE: as the constructors would: creation order (child first), repr() arguments.
    for field, field_kwargs in ((child, dict(kwargs)), (many, {"child": child, **kwargs})):
        field._order = Field._creation_counter
        Field._creation_counter += 1
        field._args, field._kwargs = args, field_kwargs
        field.instance, field.partial = instance, False
        field._context = kwargs["context"] if kwargs else {}
    return many


class SerializerMetaclass(type):
    """Collects the ``Field`` attributes of a serializer class into ``_declared_fields``.

    Declared fields come in declaration order after the inherited ones; a name that a class
    sets to anything else (``title = None``) removes the inherited field.
    """

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
        """Build the class with its ``_declared_fields``."""
        declared = [
            (key, attrs.pop(key)) for key, obj in list(attrs.items()) if isinstance(obj, Field)
        ]
        declared.sort(key=lambda item: item[1]._order)
        known = set(attrs)
        inherited: list[tuple[str, Field]] = []
        for base in bases:
            for key, field in getattr(base, "_declared_fields", {}).items():
                if key not in known:
                    known.add(key)
                    inherited.append((key, field))
        for key, field in declared:
            if field._declared_source == key:
                raise redundant_source(field, key, name)
            field.bind(key, None)  # names, label and source, once with the class
        attrs["_declared_fields"] = dict(inherited + declared)
        return super().__new__(mcs, name, bases, attrs)


_FIELD_INIT_NAMES = Field.__init__.__code__.co_names


def _default_field_state(cls: type[BaseSerializer]) -> dict[str, Any] | None:
    """What ``Field.__init__`` without options sets on an instance of ``cls`` (once per class).

    ``None`` when that cannot be copied: another ``__init__`` runs between the serializer's
    and the field's, validators are built eagerly, or a name it sets is a property.
    """
    if "_default_field_state" in cls.__dict__:
        cached: dict[str, Any] | None = cls.__dict__["_default_field_state"]
        return cached
    state: dict[str, Any] | None = None
    if _copyable_field_init(cls):
        probe, counter = object.__new__(cls), Field._creation_counter
        Field.__init__(probe)
        Field._creation_counter = counter  # the probe takes no place in the field order
        state = probe.__dict__
    type.__setattr__(cls, "_default_field_state", state)
    return state


def _copyable_field_init(cls: type[BaseSerializer]) -> bool:
    mro = cls.__mro__
    after = mro[mro.index(BaseSerializer) + 1 :]
    if next(k for k in after if "__init__" in k.__dict__) is not Field or cls._eager_validators:
        return False
    # NOTE: a property (any data descriptor) among the names Field.__init__ uses may do
    # more than set a value: it must run for each instance.
    return not any(hasattr(getattr(cls, name, None), "__set__") for name in _FIELD_INIT_NAMES)


class BaseSerializer(Field):
    """What every serializer shares: ``is_valid``, ``errors``, ``data``, ``save``...

    Args:
        instance: The object (or objects, with ``many=True``) to serialize or update.
        data: Incoming primitive data to validate.
        many: Build a ``ListSerializer`` of this serializer instead.
        partial: Validate a partial update: no field is required.
        context: Extra data for fields and hooks (``request``, ``view``).
        **kwargs: The ``Field`` options, when the serializer is a field of another.
    """

    _eager_validators = False  # Meta.validators and model constraints: on first use

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        """Create the field, or with ``many=True`` the list field around it."""
        if kwargs.pop("many", False):
            return cls.many_init(*args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, instance: Any = None, data: Any = empty, **kwargs: Any) -> None:
        self.instance = instance
        if data is not empty:
            self.initial_data = data
        self.partial: bool = kwargs.pop("partial", False)
        self._context: dict[str, Any] = kwargs.pop("context", {})
        kwargs.pop("many", None)
        state = None if kwargs else _default_field_state(type(self))
        if state is None:
            super().__init__(**kwargs)
            return
        # PERF: without field options, what Field.__init__ would set, copied at once.
        self.__dict__.update(state)
        self.style = {}
        self._order = Field._creation_counter
        Field._creation_counter += 1

    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> Any:
        """The ``ListSerializer`` (``Meta.list_serializer_class``) that ``many=True`` asks for."""
        if len(args) <= 1 and kwargs.keys() <= {"context"}:
            fast = _many_copy(cls, args, kwargs)
            if fast is not None:
                return fast
        list_kwargs = {k: kwargs.pop(k) for k in LIST_SERIALIZER_KWARGS_REMOVE if k in kwargs}
        list_kwargs["child"] = cls(*args, **kwargs)
        list_kwargs.update({k: v for k, v in kwargs.items() if k in LIST_SERIALIZER_KWARGS})
        from cupola.rest.serializers.lists import ListSerializer

        meta = getattr(cls, "Meta", None)
        list_class = getattr(meta, "list_serializer_class", ListSerializer)
        return list_class(*args, **list_kwargs)

    def _copy(self) -> Any:
        clone = super()._copy()
        for name in _INSTANCE_STATE:
            clone.__dict__.pop(name, None)
        return clone

    def _no_validated_data(self) -> Any:
        return {}

    def run_validation(self, data: Any = empty) -> Any:
        """Validate the input (fields or items), then ``validators`` and ``validate()``.

        Field errors stop there: ``validate()`` only sees valid data.

        Raises:
            ValidationError: With the field errors, or ``non_field_errors``.
        """
        is_empty, data = self.validate_empty_values(data)
        if is_empty:
            return data
        value = self.to_internal_value(data)
        try:
            self.run_validators(value)
            value = self.validate(value)
        except ValidationError as exc:
            raise ValidationError(detail=as_serializer_error(exc)) from None
        if value is None:  # a validate() that forgot its return
            raise AssertionError(".validate() should return the validated data")
        return value

    def validate(self, attrs: Any) -> Any:
        """Validate the data as a whole; return it (override to check across fields)."""
        return attrs

    def to_internal_value(self, data: Any) -> Any:
        """Turn validated input into native data (subclasses implement it)."""
        raise NotImplementedError("`to_internal_value()` must be implemented.")

    def to_representation(self, instance: Any) -> Any:
        """Turn an object into primitives (subclasses implement it)."""
        raise NotImplementedError("`to_representation()` must be implemented.")

    def create(self, validated_data: Any) -> Any:
        """Create and return an object from ``validated_data`` (subclasses implement it)."""
        raise NotImplementedError("`create()` must be implemented.")

    def update(self, instance: Any, validated_data: Any) -> Any:
        """Update ``instance`` from ``validated_data`` and return it (subclasses implement it)."""
        raise NotImplementedError("`update()` must be implemented.")

    def save(self, **kwargs: Any) -> Any:
        """Create or update the object from the validated data, plus ``kwargs``.

        Example:
            >>> serializer.save(owner=request.user)  # doctest: +SKIP

        Raises:
            AssertionError: Before ``is_valid()``, with invalid data, or after ``.data``.
        """
        if not hasattr(self, "_errors"):
            raise AssertionError("You must call `.is_valid()` before calling `.save()`.")
        if self.errors:
            raise AssertionError("You cannot call `.save()` on a serializer with invalid data.")
        if "commit" in kwargs:
            raise AssertionError(
                "'commit' is not a valid keyword argument to the 'save()' method. If you need "
                "to access data before committing to the database then inspect "
                "'serializer.validated_data' instead. You can also pass additional keyword "
                "arguments to 'save()' if you need to set extra attributes on the saved "
                "model instance. For example: 'serializer.save(owner=request.user)'."
            )
        if hasattr(self, "_data"):
            raise AssertionError(
                "You cannot call `.save()` after accessing `serializer.data`. If you need to "
                "access data before committing to the database then inspect "
                "'serializer.validated_data' instead."
            )
        validated_data = {**self.validated_data, **kwargs}
        if self.instance is not None:
            self.instance = self.update(self.instance, validated_data)
            check_returned(self.instance, "update")
        else:
            self.instance = self.create(validated_data)
            check_returned(self.instance, "create")
        return self.instance

    def is_valid(self, *, raise_exception: bool = False) -> bool:
        """Validate ``data``; fill ``validated_data`` or ``errors``.

        Raises:
            ValidationError: With ``raise_exception=True``, when the data is invalid.
            AssertionError: When the serializer was given no ``data``.
        """
        if not hasattr(self, "initial_data"):
            raise AssertionError(
                "Cannot call `.is_valid()` as no `data=` keyword argument was passed when "
                "instantiating the serializer instance."
            )
        if not hasattr(self, "_validated_data"):
            try:
                self._validated_data = self.run_validation(self.initial_data)
            except ValidationError as exc:
                self._validated_data = self._no_validated_data()
                self._errors = exc.detail
            else:
                self._errors = {}
        if self._errors and raise_exception:
            raise ValidationError(self.errors)
        return not self._errors

    @property
    def data(self) -> Any:
        """The primitives of the instance, of the validated data, or the initial values.

        Raises:
            AssertionError: When ``data=`` was given and ``is_valid()`` not called.
        """
        if hasattr(self, "initial_data") and not hasattr(self, "_validated_data"):
            raise AssertionError(
                "When a serializer is passed a `data` keyword argument you must call "
                "`.is_valid()` before attempting to access the serialized `.data` "
                "representation.\nYou should either call `.is_valid()` first, or access "
                "`.initial_data` instead."
            )
        if not hasattr(self, "_data"):
            if self.instance is not None and not getattr(self, "_errors", None):
                self._data = self.to_representation(self.instance)
            elif hasattr(self, "_validated_data") and not getattr(self, "_errors", None):
                self._data = self.to_representation(self.validated_data)
            else:
                self._data = self.get_initial()
        return self._data

    @property
    def errors(self) -> Any:
        """The validation errors (after ``is_valid()``).

        Raises:
            AssertionError: Before ``is_valid()``.
        """
        if not hasattr(self, "_errors"):
            raise AssertionError("You must call `.is_valid()` before accessing `.errors`.")
        return self._errors

    @property
    def validated_data(self) -> Any:
        """The validated native data (after ``is_valid()``).

        Raises:
            AssertionError: Before ``is_valid()``.
        """
        if not hasattr(self, "_validated_data"):
            raise AssertionError("You must call `.is_valid()` before accessing `.validated_data`.")
        return self._validated_data


def no_data_errors(errors: Any) -> Any:
    """``{"non_field_errors": ["No data provided"]}`` for the errors of ``data=None``."""
    if isinstance(errors, list) and len(errors) == 1 and getattr(errors[0], "code", None) == "null":
        detail = ErrorDetail("No data provided", code="null")
        return {api_settings.NON_FIELD_ERRORS_KEY: [detail]}
    return errors


def check_returned(instance: Any, method: str) -> None:
    if instance is None:
        raise AssertionError(f"`{method}()` did not return an object instance.")


def _per_class_and_settings(cls: type, name: str, build: Callable[[], T]) -> T:
    """``build()``, kept on ``cls`` under ``name`` for the app settings in force.

    Fields read the settings, so what is built from them is rebuilt when they change.
    """
    settings = current_settings()
    cached = cls.__dict__.get(name)
    if cached is not None and cached[0] is settings:
        return cached[1]  # type: ignore[no-any-return]
    value = build()
    type.__setattr__(cls, name, (settings, value))
    return value


def _set_value(dictionary: dict[str, Any], keys: list[str], value: Any) -> None:
    """``dictionary[a][b] = value`` for ``keys == ["a", "b"]``; merge for no keys."""
    if not keys:
        dictionary.update(value)
        return
    for key in keys[:-1]:
        dictionary = dictionary.setdefault(key, {})
    dictionary[keys[-1]] = value


#: Per readable field: name, plain attribute, fast getter, fast representation, and the
#: field to fall back on (``None`` in a shared plan: the instance's bound field).
ReadPlan = list[
    tuple[str, str | None, Callable[[Any], Any] | None, Callable[[Any], Any] | None, Field | None]
]
_MISSING: Any = object()
_NO_STATE: dict[str, Any] = {}
WritePlan = list[tuple[Field, Callable[[Any], Any] | None]]


def _make_read_plan(fields: Mapping[str, Field], shared: bool) -> ReadPlan:
    plan: ReadPlan = []
    for name, field in fields.items():
        if field.write_only:
            continue
        getter = field.fast_getter()
        fast = field.fast_representation() if getter is not None else None
        plain = isinstance(getter, attrgetter) and len(field.source_attrs) == 1
        key = field.source_attrs[0] if plain else None
        plan.append((name, key, getter, fast, None if shared else field))
    return plan


class Serializer(BaseSerializer, metaclass=SerializerMetaclass):
    """A serializer of declared fields, as DRF's ``Serializer``.

    Example:
        >>> class CommentSerializer(Serializer):
        ...     email = EmailField()
        ...     content = CharField(max_length=200)
        >>> s = CommentSerializer(data={"email": "leila@example.com", "content": "foo"})
        >>> s.is_valid()  # doctest: +SKIP
        True
    """

    _declared_fields: ClassVar[dict[str, Field]]
    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid": "Invalid data. Expected a dictionary, but got {datatype}."
    }

    @cached_property
    def fields(self) -> BindingDict:
        """The bound fields, by name (``get_fields()`` bound to this serializer)."""
        fields = BindingDict(self)
        for name, field in self.get_fields().items():
            fields[name] = field
        return fields

    def get_fields(self) -> dict[str, Field]:
        """Copies of the declared fields, for this instance to bind (override to adjust)."""
        return {name: field._copy() for name, field in self._declared_fields.items()}

    @property
    def _readable_fields(self) -> Iterable[Field]:
        return [field for field in self.fields.values() if not field.write_only]

    @property
    def _writable_fields(self) -> Iterable[Field]:
        return [field for field in self.fields.values() if not field.read_only]

    def get_validators(self) -> list[Callable[..., Any]]:
        """The object-level validators: ``Meta.validators``."""
        validators = getattr(getattr(self, "Meta", None), "validators", None)
        return list(validators) if validators else []

    def get_initial(self) -> Any:
        """The initial values of the writable fields (or the input, after invalid data)."""
        if hasattr(self, "initial_data"):
            if not isinstance(self.initial_data, Mapping):
                return {}
            values = (
                (f.field_name, f.get_value(self.initial_data))
                for f in self.fields.values()
                if not f.read_only
            )
            return {name: value for name, value in values if value is not empty}
        return {f.field_name: f.get_initial() for f in self.fields.values() if not f.read_only}

    def get_value(self, dictionary: Any) -> Any:
        """This nested serializer's item of the input (``prefix.key`` fields in a form)."""
        if is_html_input(dictionary):
            return parse_html_dict(dictionary, prefix=self.field_name, default=empty)
        return dictionary.get(self.field_name, empty)

    def _fields_in_view(self) -> Iterable[Field]:
        """The instance's fields; before it builds them, its class's (same names and options).

        For reading their options only: the class's fields are bound to no serializer.
        """
        if "fields" not in self.__dict__:
            prototypes = self._prototype_fields()
            if prototypes is not None:
                return prototypes.values()
        return self.fields.values()

    def _has_read_only_defaults(self) -> bool:
        """Whether a read-only field has a default (known once per class for its own fields)."""
        if "fields" in self.__dict__ or self._prototype_fields() is None:
            return any(f.read_only and f.default is not empty for f in self.fields.values())
        cls = type(self)
        known: bool | None = cls.__dict__.get("_read_only_defaults_of_class")
        if known is None:
            known = any(f.read_only and f.default is not empty for f in self._fields_in_view())
            type.__setattr__(cls, "_read_only_defaults_of_class", known)
        return known

    def _read_only_defaults(self) -> dict[str, Any]:
        if not self._has_read_only_defaults():
            return {}
        defaults: dict[str, Any] = {}
        for field in self.fields.values():
            if not field.read_only or field.default is empty:
                continue
            if field.source == "*" or "." in field.source:
                continue
            try:
                defaults[field.source] = field.get_default()
            except SkipField:
                continue
        return defaults

    def run_validators(self, value: Any) -> None:
        """Run ``Meta.validators`` on the data plus the read-only fields' defaults."""
        if isinstance(value, dict):
            value = {**self._read_only_defaults(), **value}
        super().run_validators(value)

    @cached_property
    def _write_plan(self) -> WritePlan:
        return self._with_hooks(self._writable_fields)

    def _with_hooks(self, fields: Iterable[Field]) -> WritePlan:
        """Each of ``fields`` with its ``validate_<name>`` hook (``None`` when absent)."""
        return [(field, getattr(self, "validate_" + field.field_name, None)) for field in fields]

    def _shared_input_fields(self) -> list[Field] | None:
        """The writable fields every instance of the class may validate with, or ``None``.

        PERF: built once per class (and app settings, which fields read) from unbound
        copies of its fields, when every one validates without its binding (see
        ``Field.validates_unbound``); an instance then builds no fields to validate.
        """
        return _per_class_and_settings(type(self), "_shared_input", self._build_shared_input)

    def _build_shared_input(self) -> list[Field] | None:
        prototypes = self._prototype_fields()
        if prototypes is None:
            return None
        copies = [field._copy() for field in prototypes.values()]
        if not all(field.validates_unbound() for field in copies):
            return None
        return [field for field in copies if not field.read_only]

    def _input_plan(self, data: Any) -> WritePlan:
        """The fields validating ``data`` with their hooks: the class's shared ones if they may.

        They may for the input of a whole top-level serializer that has not built its own
        fields, when it is not form input (whose rules read the binding).
        """
        if (
            "fields" not in self.__dict__
            and not self.partial
            and self.parent is None
            and not is_html_input(data)
        ):
            shared = self._shared_input_fields()
            if shared is not None:
                return self._with_hooks(shared)
        return self._write_plan

    def to_internal_value(self, data: Any) -> Any:
        """Validate each writable field (and its ``validate_<name>`` hook).

        Raises:
            ValidationError: ``{"field": [messages]}`` for every field that failed.
        """
        if not isinstance(data, Mapping):
            message = self.error_messages["invalid"].format(datatype=type(data).__name__)
            raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]}, code="invalid")
        result: dict[str, Any] = {}
        errors: dict[str, Any] = {}
        for field, validate_method in self._input_plan(data):
            try:
                value = field.run_validation(field.get_value(data))
                if validate_method is not None:
                    value = validate_method(value)
            except ValidationError as exc:
                errors[field.field_name] = exc.detail
            except SkipField:
                pass
            else:
                _set_value(result, field.source_attrs, value)
        if errors:
            raise ValidationError(errors)
        return result

    def _prototype_fields(self) -> dict[str, Field] | None:
        """The class's own fields, bound by name only, when every instance gets copies of them.

        ``None`` when ``get_fields`` is overridden: its fields may differ per instance.
        """
        if type(self).get_fields is not Serializer.get_fields:
            return None
        return self._declared_fields

    def _shared_read_plan(self) -> ReadPlan | None:
        """The output plan every instance of the class shares, or ``None`` when it cannot.

        PERF: built once per class (and app settings, which fields read) from unbound
        copies of its fields, when each one's fast output needs no binding; an instance
        then builds no fields to make its output, only to fall back on their methods.
        """
        return _per_class_and_settings(type(self), "_shared_plan", self._build_shared_read_plan)

    def _build_shared_read_plan(self) -> ReadPlan | None:
        prototypes = self._prototype_fields()
        if prototypes is None:
            return None
        copies = {name: field._copy() for name, field in prototypes.items()}
        if not all(f.write_only or f.has_unbound_output() for f in copies.values()):
            return None
        return _make_read_plan(copies, shared=True)

    def _output_plan(self) -> ReadPlan:
        plan: ReadPlan | None = self.__dict__.get("_read_plan")
        if plan is None:
            if "fields" not in self.__dict__:  # fields an instance changed make its own plan
                plan = self._shared_read_plan()
            if plan is None:
                plan = _make_read_plan(self.fields, shared=False)
            self._read_plan = plan
        return plan

    def to_representation(self, instance: Any) -> Any:
        """The primitives of ``instance``: one item per readable field."""
        result: dict[str, Any] = {}
        callables = CALLABLE_TYPES
        state = getattr(instance, "__dict__", _NO_STATE)
        # PERF: a plain attribute is read from the instance's __dict__ when it is there (an
        # ORM's loaded column, a dataclass field: what getattr would return, without the
        # descriptor), else by the field's getter; a fast callable (often a builtin such as
        # ``int``) makes the primitive. Mappings, methods and missing attributes go through
        # get_attribute() and to_representation() as in DRF.
        plan = self.__dict__.get("_read_plan") or self._output_plan()
        for name, key, getter, fast, field in plan:
            if getter is not None:
                value = state.get(key, _MISSING) if key is not None else _MISSING
                if value is _MISSING:
                    try:
                        value = getter(instance)
                    except AttributeError:
                        value = _MISSING
                if value is not _MISSING and type(value) not in callables:
                    result[name] = None if value is None else fast(value)  # type: ignore[misc]
                    continue
            bound = self.fields[name] if field is None else field
            try:
                value = bound.get_attribute(instance)
            except SkipField:
                continue
            result[name] = None if value is None else bound.to_representation(value)
        return result

    def validate(self, attrs: Any) -> Any:
        """Validate the data as a whole; return it (override to check across fields)."""
        return attrs

    @property
    def data(self) -> ReturnDict:
        """The primitives of the instance (or validated data), a ``ReturnDict``."""
        return ReturnDict(super().data, serializer=self)

    @property
    def errors(self) -> ReturnDict:
        """``{"field": [messages], "non_field_errors": [messages]}`` after ``is_valid()``."""
        errors = no_data_errors(super().errors)
        return ReturnDict(errors, serializer=self)

    def __iter__(self) -> Iterator[BoundField]:
        for field in self.fields.values():
            yield self[field.field_name]

    def __getitem__(self, key: str) -> BoundField:
        """``serializer["title"]``: the field with its value and errors, for forms."""
        field = self.fields[key]
        value = self.data.get(key)
        errors = self.errors.get(key) if hasattr(self, "_errors") else None
        return bound_field(field, value, errors)

    def __repr__(self) -> str:
        names = ", ".join(f"{name}={field!r}" for name, field in self.fields.items())
        return f"{type(self).__name__}({names})"
