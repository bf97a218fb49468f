"""The one bound policy of the hot path's memo tables: full tables take nothing new."""

from __future__ import annotations

from cupola.http import heads, hosts
from cupola.http.bounded import DEFAULT_LIMIT, BoundedDict, BoundedSet


def test_a_full_table_keeps_its_entries_and_takes_no_new_ones() -> None:
    table = BoundedDict[str, int](limit=2)
    assert [table.remember(key, n) for n, key in enumerate("abcd")] == [0, 1, 2, 3]
    assert table == {"a": 0, "b": 1}  # values past the bound are returned, not kept
    assert table.get("c") is None  # a miss is the plain dict's


def test_a_full_set_keeps_its_members_and_takes_no_new_ones() -> None:
    seen = BoundedSet[str](limit=2)
    for item in "abcd":
        seen.remember(item)
    assert seen == {"a", "b"}
    assert "c" not in seen


def test_the_hot_path_tables_are_bounded() -> None:
    assert hosts.VALID_HOSTS.limit == DEFAULT_LIMIT
    assert heads.HEADS.limit == DEFAULT_LIMIT
    assert isinstance(heads.LENGTHS, BoundedDict)
