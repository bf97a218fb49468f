"""Bounded memo tables: the one policy of every per-input cache on the hot path.

The hot path remembers what it worked out for inputs that repeat (hosts, header names,
response heads) so that the next request pays one lookup. Those inputs come from clients,
so every table is bounded: once full it takes no new entries, and an input past the bound
is worked out each time, as if there were no table. Nothing is evicted: the entries worth
keeping (an app's own hosts and heads) arrive first, and eviction would let a stream of
random values push them out.

Lookups are the plain ``dict``/``set`` ones (``get``, ``in``); only adding goes through
:meth:`BoundedDict.remember` or :meth:`BoundedSet.remember`.
"""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")

#: The bound of a table unless its module names another.
DEFAULT_LIMIT = 256


class BoundedDict(dict[K, V]):
    """A ``dict`` that stops taking new keys at ``limit`` entries.

    Example:
        >>> table = BoundedDict[str, int](limit=1)
        >>> table.remember("a", 1), table.remember("b", 2), dict(table)
        (1, 2, {'a': 1})
    """

    __slots__ = ("limit",)

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        super().__init__()
        self.limit = limit

    def remember(self, key: K, value: V) -> V:
        """Keep ``value`` under ``key`` unless the table is full; return ``value``."""
        if len(self) < self.limit:
            self[key] = value
        return value


class BoundedSet(set[K]):
    """A ``set`` that stops taking new members at ``limit``.

    Example:
        >>> seen = BoundedSet[str](limit=1)
        >>> seen.remember("a"), seen.remember("b"), sorted(seen)
        (None, None, ['a'])
    """

    __slots__ = ("limit",)

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        super().__init__()
        self.limit = limit

    def remember(self, item: K) -> None:
        """Add ``item`` unless the set is full."""
        if len(self) < self.limit:
            self.add(item)


__all__ = ["DEFAULT_LIMIT", "BoundedDict", "BoundedSet"]
