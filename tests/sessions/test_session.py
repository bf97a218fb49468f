"""The Session mapping: which operations count as changes, ``permanent``, ``regenerate``."""

from __future__ import annotations

from cupola.sessions import Session


def test_new_session_is_empty_and_unmodified() -> None:
    session = Session()
    assert dict(session) == {}
    assert not session
    assert session.modified is False
    assert session.sid is None
    assert repr(session) == "<Session {}>"


def test_reads_do_not_modify() -> None:
    session = Session({"a": 1, "b": [2]}, sid="abc")
    assert session["a"] == 1
    assert session.get("missing") is None
    assert session.get("a", 5) == 1
    assert "a" in session
    assert sorted(session) == ["a", "b"]
    assert len(session) == 2
    assert session == {"a": 1, "b": [2]}
    assert session.to_dict() == {"a": 1, "b": [2]}
    assert session.pop("missing", None) is None
    assert session.sid == "abc"
    assert session.modified is False


def test_writes_modify() -> None:
    for change in (
        lambda s: s.__setitem__("a", 2),
        lambda s: s.__delitem__("a"),
        lambda s: s.update(c=3),
        lambda s: s.pop("a"),
        lambda s: s.popitem(),
        lambda s: s.setdefault("a", 0),
        lambda s: s.setdefault("new", []).append(1),
        lambda s: s.clear(),
    ):
        session = Session({"a": 1})
        change(session)
        assert session.modified is True


def test_in_place_changes_are_not_seen() -> None:
    session = Session({"cart": []})
    session["cart"].append("book")
    assert session.modified is False
    session.modified = True
    assert session.modified is True


def test_to_dict_is_a_copy() -> None:
    session = Session({"a": 1})
    copy = session.to_dict()
    copy["b"] = 2
    assert "b" not in session


def test_permanent_is_stored_in_the_data() -> None:
    session = Session()
    assert session.permanent is False
    session.permanent = False
    assert session.modified is False
    session.permanent = True
    assert session.permanent is True
    assert session["_permanent"] is True
    assert session.modified is True
    session.modified = False
    session.permanent = True
    assert session.modified is False
    session.permanent = False
    assert "_permanent" not in session
    assert session.modified is True


def test_regenerate_keeps_data_and_drops_the_csrf_secret() -> None:
    session = Session({"user": "ada", "_csrf_secret": "s"}, sid="old")
    session.regenerate()
    assert dict(session) == {"user": "ada"}
    assert session.regenerated is True
    assert session.modified is True
    assert session.sid == "old"  # a server-side backend assigns the new id when saving


def test_regenerate_without_a_csrf_secret() -> None:
    session = Session({"user": "ada"})
    session.regenerate()
    assert dict(session) == {"user": "ada"}
    assert session.modified is True
