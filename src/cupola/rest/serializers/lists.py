"""``ListSerializer``: a list of objects through one child serializer (``many=True``).

``BookSerializer(books, many=True)`` builds a ``ListSerializer`` whose child is one bound
``BookSerializer``: the child's fields are bound once, and ``.data`` runs the child's output
loop over every row. Input errors come back by item index, as DRF 3.18 reports them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from cupola.rest.exceptions import ValidationError
from cupola.rest.serializers.base import empty, is_html_input, parse_html_list
from cupola.rest.serializers.serializer import (
    BaseSerializer,
    ReturnDict,
    ReturnList,
    check_returned,
    no_data_errors,
)
from cupola.rest.settings import api_settings

__all__ = ["ListSerializer"]


class ListSerializer(BaseSerializer):
    """A list of objects through one ``child`` serializer (what ``many=True`` builds).

    Args:
        child: The serializer of one item.
        allow_empty: Whether an empty list is valid input.
        max_length: The most items input may hold.
        min_length: The fewest items input may hold.
        *args: ``instance`` and ``data``, as for any serializer.
        **kwargs: The other serializer options.
    """

    child: Any = None
    many = True
    default_error_messages: ClassVar[dict[str, str]] = {
        "not_a_list": 'Expected a list of items but got type "{input_type}".',
        "empty": "This list may not be empty.",
        "max_length": "Ensure this field has no more than {max_length} elements.",
        "min_length": "Ensure this field has at least {min_length} elements.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        child = kwargs.pop("child", None)
        if child is None:
            child = self.child._copy() if self.child is not None else None
        if child is None or isinstance(child, type):
            raise TypeError("ListSerializer needs `child=`, an instance of a serializer.")
        self.child = child
        self.allow_empty: bool = kwargs.pop("allow_empty", True)
        self.max_length: int | None = kwargs.pop("max_length", None)
        self.min_length: int | None = kwargs.pop("min_length", None)
        super().__init__(*args, **kwargs)
        self.child.bind("", self)

    def _no_validated_data(self) -> Any:
        return []

    def _copy(self) -> Any:
        clone = super()._copy()
        clone.child = self.child._copy()
        clone.child.bind("", clone)
        return clone

    def get_initial(self) -> Any:
        """The input, as items (after invalid data), or an empty list."""
        if hasattr(self, "initial_data"):
            return self.to_representation(self.initial_data)
        return []

    def get_value(self, dictionary: Any) -> Any:
        """This nested list's item of the input (``prefix[0]`` fields in a form)."""
        if is_html_input(dictionary):
            return parse_html_list(dictionary, prefix=self.field_name, default=empty)
        return dictionary.get(self.field_name, empty)

    def run_child_validation(self, data: Any) -> Any:
        """Validate one item (override to pick the child's instance in bulk updates)."""
        return self.child.run_validation(data)

    def _list_error(self, code: str, **kwargs: Any) -> ValidationError:
        message = self.error_messages[code].format(**kwargs)
        return ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]}, code=code)

    def _check_list(self, data: Any) -> None:
        if not isinstance(data, list):
            raise self._list_error("not_a_list", input_type=type(data).__name__)
        if not self.allow_empty and not data:
            raise self._list_error("empty")
        if self.max_length is not None and len(data) > self.max_length:
            raise self._list_error("max_length", max_length=self.max_length)
        if self.min_length is not None and len(data) < self.min_length:
            raise self._list_error("min_length", min_length=self.min_length)

    def to_internal_value(self, data: Any) -> Any:
        """Validate each item.

        Raises:
            ValidationError: ``{index: errors}`` for the items that failed (DRF 3.18's
                ``LIST_SERIALIZER_ERRORS_AS_DICT``; with it off, a list with ``{}`` for
                the valid items).
        """
        if is_html_input(data):
            data = parse_html_list(data, default=[])
        self._check_list(data)
        result: list[Any] = []
        errors: dict[int, Any] = {}
        for index, item in enumerate(data):
            try:
                result.append(self.run_child_validation(item))
            except ValidationError as exc:
                errors[index] = exc.detail
        if errors:
            if not getattr(api_settings, "LIST_SERIALIZER_ERRORS_AS_DICT", True):
                raise ValidationError([errors.get(index, {}) for index in range(len(data))])
            raise ValidationError(errors)
        return result

    def to_representation(self, data: Any) -> Any:
        """The primitives of every item."""
        to_representation = self.child.to_representation
        return [to_representation(item) for item in data]

    def create(self, validated_data: Any) -> Any:
        """Create every item with the child serializer."""
        return [self.child.create(attrs) for attrs in validated_data]

    def update(self, instance: Any, validated_data: Any) -> Any:
        """Not supported: write a ``ListSerializer`` subclass that decides how to update.

        Raises:
            NotImplementedError: Always.
        """
        raise NotImplementedError(
            "Serializers with many=True do not support multiple update by default, only "
            "multiple create. For updates it is unclear how to deal with insertions and "
            "deletions. If you need to support multiple update, use a `ListSerializer` "
            "class and override `.update()` so you can specify the behavior exactly."
        )

    def save(self, **kwargs: Any) -> Any:
        """Create (or, with a custom ``update``, update) every item, plus ``kwargs``."""
        if "commit" in kwargs:
            raise AssertionError("'commit' is not a valid keyword argument to the 'save()' method.")
        validated_data = [{**attrs, **kwargs} for attrs in self.validated_data]
        if self.instance is not None:
            self.instance = self.update(self.instance, validated_data)
            check_returned(self.instance, "update")
        else:
            self.instance = self.create(validated_data)
            check_returned(self.instance, "create")
        return self.instance

    @property
    def data(self) -> ReturnList:
        """The primitives of every item, a ``ReturnList``."""
        return ReturnList(super().data, serializer=self)

    @property
    def errors(self) -> Any:
        """Errors by item, or ``non_field_errors`` (after ``is_valid()``)."""
        errors = no_data_errors(super().errors)
        if isinstance(errors, dict):
            return ReturnDict(errors, serializer=self)
        return ReturnList(errors, serializer=self)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(child={self.child!r})"
