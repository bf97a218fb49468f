"""MultiDict and ImmutableMultiDict: first value by key, all values by getlist."""

from __future__ import annotations

import pytest

from cupola.http.multidict import ImmutableMultiDict, MultiDict


def test_pairs_accumulate() -> None:
    md: MultiDict[str] = MultiDict([("a", "1"), ("b", "2"), ("a", "3")])
    assert md["a"] == "1"
    assert md.getlist("a") == ["1", "3"]
    assert list(md) == ["a", "b"]
    assert len(md) == 2
    assert "a" in md
    assert "z" not in md
    assert list(md.items()) == [("a", "1"), ("b", "2")]
    assert list(md.items(multi=True)) == [("a", "1"), ("a", "3"), ("b", "2")]
    assert list(md.lists()) == [("a", ["1", "3"]), ("b", ["2"])]
    assert list(md.keys()) == ["a", "b"]
    assert list(md.values()) == ["1", "2"]


def test_mapping_with_list_values() -> None:
    md: MultiDict[str] = MultiDict({"a": ["1", "2"], "b": "3", "c": ("4",)})
    assert md.getlist("a") == ["1", "2"]
    assert md["b"] == "3"
    assert md.getlist("c") == ["4"]


def test_get_with_default_and_type() -> None:
    md: MultiDict[str] = MultiDict([("n", "5"), ("s", "x")])
    assert md.get("n") == "5"
    assert md.get("missing") is None
    assert md.get("missing", "d") == "d"
    assert md.get("n", type=int) == 5
    assert md.get("s", 0, type=int) == 0
    assert md.get("missing", 7, type=int) == 7
    assert md.get("n", 0, int) == 5  # type by position, as in Werkzeug
    assert md.get("s", -1, int) == -1
    with pytest.raises(KeyError):
        md["missing"]


def test_getlist_with_type_skips_bad_values() -> None:
    md: MultiDict[str] = MultiDict([("n", "1"), ("n", "x"), ("n", "3")])
    assert md.getlist("n", type=int) == [1, 3]
    assert md.getlist("missing") == []


def test_mutation() -> None:
    md: MultiDict[str] = MultiDict()
    md.add("a", "1")
    md.add("a", "2")
    assert md.getlist("a") == ["1", "2"]
    md["a"] = "only"
    assert md.getlist("a") == ["only"]
    md.setlist("b", ["x", "y"])
    assert md.getlist("b") == ["x", "y"]
    del md["a"]
    assert "a" not in md
    md.setlist("empty", [])
    assert "empty" not in dict(md.items())
    with pytest.raises(KeyError):
        md["empty"]


def test_to_dict_and_copy() -> None:
    md: MultiDict[str] = MultiDict([("a", "1"), ("a", "2"), ("b", "3")])
    assert md.to_dict() == {"a": "1", "b": "3"}
    assert md.to_dict(flat=False) == {"a": ["1", "2"], "b": ["3"]}
    clone = md.copy()
    clone.add("a", "new")
    assert md.getlist("a") == ["1", "2"]
    assert clone.getlist("a") == ["1", "2", "new"]


def test_equality_and_repr() -> None:
    first: MultiDict[str] = MultiDict([("a", "1"), ("a", "2")])
    assert first == MultiDict({"a": ["1", "2"]})
    assert first != MultiDict([("a", "2"), ("a", "1")])
    assert MultiDict([("a", "1")]) == {"a": "1"}
    assert repr(first) == "MultiDict([('a', '1'), ('a', '2')])"
    with pytest.raises(TypeError):
        hash(first)


def test_immutable_refuses_changes() -> None:
    md: ImmutableMultiDict[str] = ImmutableMultiDict([("a", "1")])
    for change in (
        lambda: md.__setitem__("a", "2"),
        lambda: md.__delitem__("a"),
        lambda: md.add("a", "2"),
        lambda: md.setlist("a", ["2"]),
        lambda: md.pop("a"),
        lambda: md.popitem(),
        lambda: md.clear(),
        lambda: md.update({"b": "2"}),
        lambda: md.setdefault("b", "2"),
    ):
        with pytest.raises(TypeError, match="read-only"):
            change()
    assert md.getlist("a") == ["1"]
    mutable = md.copy()
    mutable.add("a", "2")
    assert mutable.getlist("a") == ["1", "2"]
    assert repr(md) == "ImmutableMultiDict([('a', '1')])"
