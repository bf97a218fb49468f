"""Multi-dicts: mappings where a key may carry several values (query strings, forms, files).

Indexing and ``get`` return the first value, ``getlist`` returns all of them, and iteration
yields each key once, as in Werkzeug.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from typing import Any, Self, TypeVar, overload

from cupola.exceptions import BadRequestKeyError

V = TypeVar("V")
T = TypeVar("T")


class MultiDict(MutableMapping[str, V]):
    """A mapping of ``str`` keys to one or more values, in insertion order.

    Args:
        items: Pairs (repeated keys accumulate) or a mapping whose list values become
            several values.
    """

    __slots__ = ("_data",)

    def __init__(self, items: Iterable[tuple[str, V]] | Mapping[str, Any] | None = None) -> None:
        self._data: dict[str, list[V]] = {}
        if items is None:
            return
        if isinstance(items, Mapping):
            for key, value in items.items():
                if isinstance(value, list | tuple):
                    self._data[key] = list(value)
                else:
                    self._data[key] = [value]
        else:
            for key, value in items:
                self._data.setdefault(key, []).append(value)

    def __getitem__(self, key: str) -> V:
        values = self._data.get(key)
        if not values:
            raise KeyError(key)
        return values[0]

    @classmethod
    def from_lists(cls, data: dict[str, list[V]]) -> Self:
        """Wrap a ``{key: [values]}`` dict without copying it (the caller gives it up)."""
        multidict = cls.__new__(cls)
        multidict._data = data
        return multidict

    def __setitem__(self, key: str, value: V) -> None:
        self._data[key] = [value]

    def __delitem__(self, key: str) -> None:
        del self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self.items(multi=True))!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MultiDict):
            return self._data == other._data
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]  # mutable mapping, as dict

    @overload
    def get(self, key: str) -> V | None: ...
    @overload
    def get(self, key: str, default: V | T) -> V | T: ...
    @overload
    def get(self, key: str, default: T | None = None, *, type: Callable[[V], T]) -> T | None: ...
    @overload
    def get(self, key: str, default: T | None, type: Callable[[V], T]) -> T | None: ...
    # PERF: ``type`` may be passed by position too (as in Werkzeug): a function with a
    # keyword-only parameter takes the interpreter's slow call path on every call.
    def get(self, key: str, default: Any = None, type: Callable[[V], Any] | None = None) -> Any:
        """Return the first value for ``key``, or ``default``.

        Args:
            key: The key to look up.
            default: Returned when the key is missing or ``type`` rejects the value.
            type: A converter such as ``int``; a ``ValueError`` from it yields ``default``.
        """
        values = self._data.get(key)
        if not values:
            return default
        if type is None:
            return values[0]
        try:
            return type(values[0])
        except (ValueError, TypeError):
            return default

    def getlist(self, key: str, type: Callable[[V], Any] | None = None) -> list[Any]:
        """Return every value for ``key`` (an empty list when missing).

        Args:
            key: The key to look up.
            type: A converter; values it rejects with ``ValueError`` are left out.
        """
        values = self._data.get(key, [])
        if type is None:
            return list(values)
        result = []
        for value in values:
            try:
                result.append(type(value))
            except (ValueError, TypeError):
                continue
        return result

    def add(self, key: str, value: V) -> None:
        """Append ``value`` to the values of ``key``."""
        self._data.setdefault(key, []).append(value)

    def setlist(self, key: str, values: Iterable[V]) -> None:
        """Replace the values of ``key`` with ``values``."""
        self._data[key] = list(values)

    def items(self, multi: bool = False) -> Iterator[tuple[str, V]]:  # type: ignore[override]
        """Yield ``(key, first value)``, or every pair when ``multi`` is true."""
        for key, values in self._data.items():
            if multi:
                for value in values:
                    yield key, value
            elif values:
                yield key, values[0]

    def lists(self) -> Iterator[tuple[str, list[V]]]:
        """Yield ``(key, all values)`` pairs."""
        for key, values in self._data.items():
            yield key, list(values)

    def to_dict(self, flat: bool = True) -> dict[str, Any]:
        """Return a plain dict of first values, or of value lists when ``flat`` is false."""
        if flat:
            return {key: values[0] for key, values in self._data.items() if values}
        return {key: list(values) for key, values in self._data.items()}

    def copy(self) -> MultiDict[V]:
        """Return a shallow, mutable copy."""
        clone: MultiDict[V] = MultiDict()
        clone._data = {key: list(values) for key, values in self._data.items()}
        return clone


class ImmutableMultiDict(MultiDict[V]):
    """A :class:`MultiDict` that refuses changes; what the request exposes.

    Indexing a missing key raises :class:`~cupola.exceptions.BadRequestKeyError`, so
    ``request.form["name"]`` on a form without that field answers 400, as in Flask.
    """

    __slots__ = ()

    def __getitem__(self, key: str) -> V:
        values = self._data.get(key)
        if not values:
            raise BadRequestKeyError(key)
        return values[0]

    def _immutable(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"{type(self).__name__} is read-only; use .copy() to change it")

    __setitem__ = __delitem__ = add = setlist = _immutable
    pop = popitem = clear = update = setdefault = _immutable
