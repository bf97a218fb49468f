"""HTTP headers: an ordered, case-insensitive multi-dict of ``str`` names and values.

Request headers arrive already checked by the server. Response headers are checked as they
are set: a value with a control character other than HTAB (CR, LF, NUL, VT, DEL…)
or a character latin-1 cannot carry raises :class:`~cupola.exceptions.InvalidHeader`, so a
reflected header can never split a response nor be refused by the server (DESIGN §7).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar, overload

from cupola.exceptions import InvalidHeader
from cupola.http.bounded import BoundedSet

T = TypeVar("T")

HeadersInput = Mapping[str, str] | Iterable[tuple[str, str]]

# RFC 9110 §5.5: a field value is VCHAR, obs-text, SP and HTAB; every other control is refused.
_BAD_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]").search
# A field name is a token (§5.1): no control character and no colon.
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f:]").search


def check_header(name: str, value: str) -> None:
    """Raise :class:`InvalidHeader` when ``name`` or ``value`` could split the response.

    Raises:
        InvalidHeader: On a control character other than HTAB in the value, a control
            character or colon in the name, or a character latin-1 cannot carry.
    """
    # PERF: str.isprintable is a C scan that is true for nearly every value; only the rest
    # (a tab, non-ASCII spaces, a control character) go through the precompiled pattern.
    if not value.isprintable() and _BAD_VALUE(value) is not None:
        raise InvalidHeader(f"Header {name!r} has a value with a forbidden character.")
    if (not name.isprintable() or ":" in name) and _BAD_NAME(name) is not None:
        raise InvalidHeader(f"Header {name!r} has a name with a forbidden character.")
    # NOTE: both adapters send headers as latin-1 (PEP 3333, ASGI); anything else would fail
    # in the adapter, after the pipeline, as a 500 or a dropped connection.
    if not (value.isascii() and name.isascii()):
        try:
            name.encode("latin-1"), value.encode("latin-1")
        except UnicodeEncodeError:
            raise InvalidHeader(
                f"Header {name!r} has a character outside latin-1; percent-encode it "
                "(RFC 8187) first."
            ) from None


class Headers:
    """Case-insensitive, ordered headers that may repeat (``Set-Cookie``).

    Args:
        items: Initial headers, as a mapping or as ``(name, value)`` pairs.

    Attributes:
        pairs: The ``(name, value)`` pairs, in order, as the adapters send them. The
            methods check every value they add; code that changes the list directly must
            add only pairs :func:`check_header` accepts.
    """

    __slots__ = ("pairs",)

    def __init__(self, items: HeadersInput | None = None) -> None:
        self.pairs: list[tuple[str, str]] = []
        if items is not None:
            self.extend(items)

    @classmethod
    def from_trusted(cls, pairs: list[tuple[str, str]]) -> Headers:
        """Wrap pairs the server has already validated, without copying them."""
        headers = cls.__new__(cls)
        headers.pairs = pairs
        return headers

    def __getitem__(self, name: str) -> str:
        lower = name.lower()
        for key, value in self.pairs:
            if key.lower() == lower:
                return value
        raise KeyError(name)

    @overload
    def get(self, name: str) -> str | None: ...
    @overload
    def get(self, name: str, default: T) -> str | T: ...
    def get(self, name: str, default: Any = None) -> Any:
        """Return the first value of ``name``, or ``default``."""
        lower = name.lower()
        for key, value in self.pairs:
            if key.lower() == lower:
                return value
        return default

    def getlist(self, name: str) -> list[str]:
        """Return every value of ``name``, in order."""
        lower = name.lower()
        return [value for key, value in self.pairs if key.lower() == lower]

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        lower = name.lower()
        return any(key.lower() == lower for key, _ in self.pairs)

    def __setitem__(self, name: str, value: str) -> None:
        self.set(name, value)

    def set(self, name: str, value: str) -> None:
        """Replace every value of ``name`` with ``value``."""
        value = str(value)
        check_header(name, value)
        lower = name.lower()
        for index, (key, _) in enumerate(self.pairs):
            if key.lower() == lower:
                self.pairs[index] = (name, value)
                self.pairs[index + 1 :] = [
                    pair for pair in self.pairs[index + 1 :] if pair[0].lower() != lower
                ]
                return
        self.pairs.append((name, value))

    def setdefault(self, name: str, value: str) -> str:
        """Set ``name`` to ``value`` unless present; return the value in force."""
        current = self.get(name)
        if current is None:
            self.add(name, value)
            return value
        return current

    def add(self, name: str, value: str) -> None:
        """Append a header, keeping any existing values of ``name``."""
        value = str(value)
        check_header(name, value)
        self.pairs.append((name, value))

    def extend(self, items: HeadersInput) -> None:
        """Append every header of ``items``."""
        pairs = items.items() if isinstance(items, Mapping) else items
        for name, value in pairs:
            self.add(name, value)

    def update(self, items: HeadersInput) -> None:
        """Set every header of ``items``, replacing existing values of those names."""
        pairs = items.items() if isinstance(items, Mapping) else items
        for name, value in pairs:
            self.set(name, value)

    def __delitem__(self, name: str) -> None:
        if not self.remove(name):
            raise KeyError(name)

    def remove(self, name: str) -> bool:
        """Delete every value of ``name``; return whether there was one."""
        lower = name.lower()
        kept = [pair for pair in self.pairs if pair[0].lower() != lower]
        removed = len(kept) != len(self.pairs)
        self.pairs = kept
        return removed

    def pop(self, name: str, default: str | None = None) -> str | None:
        """Remove ``name`` and return its first value, or ``default``."""
        value = self.get(name, default)
        self.remove(name)
        return value

    def items(self) -> list[tuple[str, str]]:
        """Return every ``(name, value)`` pair, repeats included."""
        return list(self.pairs)

    def keys(self) -> list[str]:
        """Return every header name, repeats included."""
        return [key for key, _ in self.pairs]

    def values(self) -> list[str]:
        """Return every header value."""
        return [value for _, value in self.pairs]

    def raw(self) -> list[tuple[str, str]]:
        """Return the underlying pair list (for adapters; do not mutate)."""
        return self.pairs

    def copy(self) -> Headers:
        """Return an independent copy."""
        return Headers.from_trusted(list(self.pairs))

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.pairs)

    def __bool__(self) -> bool:
        return bool(self.pairs)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Headers):
            return [(k.lower(), v) for k, v in self.pairs] == [
                (k.lower(), v) for k, v in other.pairs
            ]
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"Headers({self.pairs!r})"


class DefaultHeaders:
    """Headers every response receives unless it already carries one of them.

    A response that sets none of them receives them all, in one list extension; one that
    sets some receives the others, and keeps its own values.

    Args:
        pairs: The headers, checked by :func:`check_header` beforehand.

    Example:
        >>> defaults = DefaultHeaders([("X-Frame-Options", "DENY")])
        >>> pairs = [("Content-Type", "text/plain")]
        >>> defaults.add_to(pairs)
        >>> pairs[-1]
        ('X-Frame-Options', 'DENY')
    """

    __slots__ = ("_clear", "names", "pairs")

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.pairs = tuple(pairs)
        self.names = frozenset(name.lower() for name, _ in self.pairs)
        # PERF: header names (as spelt) found not to be ours: one set lookup next time.
        self._clear: BoundedSet[str] = BoundedSet()

    def add_to(self, pairs: list[tuple[str, str]]) -> None:
        """Append to ``pairs`` (a response's :attr:`Headers.pairs`) the headers it lacks."""
        clear = self._clear
        for name, _ in pairs:
            if name not in clear and self._is_ours(name):  # a view set one: keep its value
                present = {key.lower() for key, _ in pairs}
                pairs.extend(pair for pair in self.pairs if pair[0].lower() not in present)
                return
        pairs.extend(self.pairs)

    def _is_ours(self, name: str) -> bool:
        if name.lower() in self.names:
            return True
        self._clear.remember(name)
        return False
