"""Choice fields: one (``ChoiceField``) or several (``MultipleChoiceField``) of ``choices``.

Choices are values, ``(value, label)`` pairs, a dict, or groups of pairs, as in DRF. Input
is matched by its text, so ``"1"`` selects the choice ``1``; an ``Enum`` member selects its
value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from enum import Enum
from typing import Any, ClassVar, NamedTuple

from cupola.rest.serializers.base import Field, empty, is_html_input

__all__ = ["ChoiceField", "MultipleChoiceField", "Option", "iter_options"]


class Option(NamedTuple):
    """One entry of a form's select: an option, or the start or end of a group."""

    start_option_group: bool = False
    end_option_group: bool = False
    label: str = ""
    value: Any = ""
    display_text: str = ""
    disabled: bool = False


def iter_options(
    choices: Any, cutoff: int | None = None, cutoff_text: str | None = None
) -> Iterator[Option]:
    """The options of ``choices`` for a select, groups marked, at most ``cutoff`` of them."""
    items = choices.items() if isinstance(choices, Mapping) else choices
    count = 0
    for item in items:
        key, label = item if isinstance(item, list | tuple) else (item, item)
        if cutoff is not None and count >= cutoff:
            break
        if isinstance(label, list | tuple | Mapping):
            yield Option(start_option_group=True, label=str(key))
            group = label.items() if isinstance(label, Mapping) else label
            for value, text in group:
                if cutoff is not None and count >= cutoff:
                    break
                yield Option(value=value, display_text=str(text))
                count += 1
            yield Option(end_option_group=True)
        else:
            yield Option(value=key, display_text=str(label))
            count += 1
    if cutoff is not None and count >= cutoff and cutoff_text:
        yield Option(value="n/a", display_text=cutoff_text.format(count=cutoff), disabled=True)


def _flat_choices(choices: Any) -> dict[Any, Any]:
    """``{value: label}`` from values, pairs, a dict, or groups of pairs."""
    items = choices.items() if isinstance(choices, Mapping) else choices
    flat: dict[Any, Any] = {}
    for item in items:
        if not isinstance(item, list | tuple):
            flat[item] = item
            continue
        key, label = item
        if isinstance(label, list | tuple | Mapping):
            flat.update(_flat_choices(label))
        else:
            flat[key] = label
    return flat


def _choice_key(value: Any) -> str:
    if isinstance(value, Enum) and str(value) != str(value.value):
        return str(value.value)
    return str(value)


class ChoiceField(Field):
    """One of ``choices`` (values, ``(value, label)`` pairs, a dict, or grouped pairs)."""

    _unbound_output = True

    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid_choice": '"{input}" is not a valid choice.'
    }
    html_cutoff: int | None = None
    html_cutoff_text = "More than {count} items..."

    def __init__(self, choices: Any, **kwargs: Any) -> None:
        self.html_cutoff = kwargs.pop("html_cutoff", self.html_cutoff)
        self.html_cutoff_text = kwargs.pop("html_cutoff_text", self.html_cutoff_text)
        self.allow_blank: bool = kwargs.pop("allow_blank", False)
        self.choices = choices
        super().__init__(**kwargs)

    @property
    def choices(self) -> dict[Any, Any]:
        """``{value: label}`` of every choice (setting it accepts any choices form)."""
        return self._choices

    @choices.setter
    def choices(self, choices: Any) -> None:
        self.grouped_choices = choices
        self._choices = _flat_choices(choices)
        self.choice_strings_to_values = {_choice_key(key): key for key in self._choices}

    def iter_options(self) -> Iterator[Option]:
        """The options of a form's select (``html_cutoff`` of them at most)."""
        return iter_options(self.grouped_choices, self.html_cutoff, self.html_cutoff_text)

    def to_internal_value(self, data: Any) -> Any:
        """The choice ``data`` names (``"1"`` selects the choice ``1``).

        Raises:
            ValidationError: '"x" is not a valid choice.'
        """
        if data == "" and self.allow_blank:
            return ""
        try:
            return self.choice_strings_to_values[_choice_key(data)]
        except (KeyError, TypeError):
            return self.fail("invalid_choice", input=data)

    def to_representation(self, value: Any) -> Any:
        """The choice's value."""
        if value in ("", None):
            return value
        return self.choice_strings_to_values.get(_choice_key(value), value)


class MultipleChoiceField(ChoiceField):
    """Several of ``choices``, as a list (repeated keys in a form)."""

    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid_choice": '"{input}" is not a valid choice.',
        "not_a_list": 'Expected a list of items but got type "{input_type}".',
        "empty": "This selection may not be empty.",
    }
    default_empty_html: Any = []

    def __init__(self, **kwargs: Any) -> None:
        self.allow_empty: bool = kwargs.pop("allow_empty", True)
        super().__init__(**kwargs)

    def get_value(self, dictionary: Any) -> Any:
        """The list of values (every value of the key, in a form)."""
        if self.field_name not in dictionary and getattr(self.root, "partial", False):
            return empty
        if is_html_input(dictionary):
            return dictionary.getlist(self.field_name)
        return dictionary.get(self.field_name, empty)

    def to_internal_value(self, data: Any) -> Any:
        """The chosen values, without repeats, in input order.

        Raises:
            ValidationError: For a non-list, an empty list (``allow_empty=False``) or an
                unknown choice.
        """
        if isinstance(data, str) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        if not self.allow_empty and len(data) == 0:
            self.fail("empty")
        parent = super().to_internal_value
        return list(dict.fromkeys(parent(item) for item in data))

    def to_representation(self, value: Any) -> Any:
        """The chosen values, without repeats."""
        get = self.choice_strings_to_values.get
        return list(dict.fromkeys(get(_choice_key(item), item) for item in value))
