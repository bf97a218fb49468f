from __future__ import annotations

from typing import Any

import pytest

from cupola.exceptions import ImproperlyConfigured
from cupola.routing import (
    DEFAULT_CONVERTERS,
    AnyConverter,
    FloatConverter,
    IntegerConverter,
    Rule,
    StringConverter,
    ValidationError,
)
from cupola.routing.rules import Slot


def bound(rule: str, **options: Any) -> Rule:
    result = Rule(rule, endpoint=options.pop("endpoint", "e"), **options)
    result.bind(DEFAULT_CONVERTERS)
    return result


def slots(rule: Rule) -> list[Slot]:
    return [segment for segment in rule.segments if isinstance(segment, Slot)]


# --- methods -----------------------------------------------------------------------------


def test_default_methods_are_get_head_options() -> None:
    rule = Rule("/", endpoint="index")
    assert rule.methods == frozenset({"GET", "HEAD", "OPTIONS"})
    assert rule.automatic_options is True


def test_methods_are_uppercased_and_head_follows_get() -> None:
    rule = Rule("/", endpoint="e", methods=["post", "Get"])
    assert rule.methods == frozenset({"GET", "HEAD", "POST", "OPTIONS"})
    assert Rule("/", endpoint="e", methods=["POST"]).methods == frozenset({"POST", "OPTIONS"})


def test_explicit_options_is_not_automatic() -> None:
    rule = Rule("/", endpoint="e", methods=["GET", "OPTIONS"])
    assert "OPTIONS" in rule.methods
    assert rule.automatic_options is False


def test_automatic_options_can_be_turned_off() -> None:
    rule = Rule("/", endpoint="e", methods=["PUT"], provide_automatic_options=False)
    assert rule.methods == frozenset({"PUT"})
    assert rule.automatic_options is False


def test_websocket_rules_answer_get_only() -> None:
    rule = Rule("/ws", endpoint="ws", websocket=True)
    assert rule.methods == frozenset({"GET"})
    assert rule.automatic_options is False
    assert rule.websocket is True
    assert Rule("/ws", endpoint="ws", websocket=True, methods=["get"]).methods == {"GET"}


def test_websocket_rules_refuse_other_methods() -> None:
    with pytest.raises(ImproperlyConfigured, match="GET handshakes only"):
        Rule("/ws", endpoint="ws", websocket=True, methods=["POST"])


def test_methods_as_a_string_is_a_mistake() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"methods=\['GET'\]"):
        Rule("/", endpoint="e", methods="GET")


def test_empty_methods_are_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="no methods"):
        Rule("/", endpoint="e", methods=[])


# --- attributes --------------------------------------------------------------------------


def test_attributes() -> None:
    def view() -> None: ...

    rule = Rule(
        "/items/<int:item_id>/<slug>",
        endpoint="items.show",
        target=view,
        defaults={"format": "html"},
        strict_slashes=False,
    )
    assert rule.rule == "/items/<int:item_id>/<slug>"
    assert rule.endpoint == "items.show"
    assert rule.target is view
    assert rule.defaults == {"format": "html"}
    assert rule.arguments == frozenset({"item_id", "slug"})
    assert rule.strict_slashes is False
    assert rule.websocket is False


def test_defaults_are_copied() -> None:
    defaults = {"page": 1}
    rule = Rule("/", endpoint="e", defaults=defaults)
    defaults["page"] = 2
    assert rule.defaults == {"page": 1}


def test_repr() -> None:
    assert repr(Rule("/a/<int:x>", endpoint="show")) == (
        "<Rule '/a/<int:x>' (GET, HEAD, OPTIONS) -> show>"
    )
    assert repr(Rule("/ws", endpoint="chat", websocket=True)) == "<Rule '/ws' (websocket) -> chat>"


# --- parsing -----------------------------------------------------------------------------


def test_segments_of_a_static_rule() -> None:
    assert bound("/").segments == ("",)
    assert bound("/a/b/").segments == ("a", "b", "")
    assert bound("/a//b").segments == ("a", "", "b")


def test_segments_need_bind() -> None:
    with pytest.raises(RuntimeError, match="not bound"):
        _ = Rule("/", endpoint="e").segments


def test_variable_without_converter_uses_default() -> None:
    (slot,) = slots(bound("/users/<name>"))
    assert slot.name == "name"
    assert type(slot.converter) is StringConverter
    assert (slot.prefix, slot.suffix) == ("", "")


def test_variable_with_prefix_and_suffix() -> None:
    (slot,) = slots(bound("/page-<int:n>.html"))
    assert (slot.prefix, slot.suffix, slot.name) == ("page-", ".html", "n")
    assert slot.strip("page-3.html") == "3"
    assert slot.strip("page-.html") == ""
    assert slot.strip("page-3.htm") is None
    assert slot.strip("pag-3.html") is None
    assert slot.strip("page.html") is None


def test_keyword_arguments() -> None:
    (slot,) = slots(bound("/<int(min=1, max=99):n>"))
    converter = slot.converter
    assert isinstance(converter, IntegerConverter)
    assert (converter.min, converter.max) == (1, 99)


def test_positional_bare_word_arguments() -> None:
    (slot,) = slots(bound("/<any(about, help):page>"))
    assert isinstance(slot.converter, AnyConverter)
    assert slot.converter.items == {"about", "help"}


def test_literal_arguments_of_every_kind() -> None:
    (slot,) = slots(bound("/<any('a b', \"c\", x):w>"))
    assert isinstance(slot.converter, AnyConverter)
    assert slot.converter.items == {"a b", "c", "x"}
    (slot,) = slots(bound("/<float(min=-1.5, max=None, signed=True):x>"))
    assert isinstance(slot.converter, FloatConverter)
    converter = slot.converter
    assert (converter.min, converter.max, converter.signed) == (-1.5, None, True)
    (slot,) = slots(bound("/<string(length=2):code>"))
    assert isinstance(slot.converter, StringConverter)
    assert (slot.converter.minlength, slot.converter.maxlength) == (2, 2)
    (slot,) = slots(bound("/<int():n>"))
    assert isinstance(slot.converter, IntegerConverter)


def test_argument_text_may_contain_special_characters() -> None:
    (slot,) = slots(bound("/<any('a:b', 'c)d', 'e/f'):w>"))
    assert isinstance(slot.converter, AnyConverter)
    assert slot.converter.items == {"a:b", "c)d", "e/f"}


def test_slot_keys_tell_equal_converters_apart() -> None:
    first = slots(bound("/<int:a>/<int:b>/<int(max=5):c>/<x>/v<int:d>"))
    assert first[0].key == first[1].key
    assert first[0].key != first[2].key
    assert first[0].key != first[3].key
    assert first[0].key != first[4].key


@pytest.mark.parametrize(
    ("rule", "fix"),
    [
        ("items", r"must start with '/'; write '/items'"),
        ("", r"must start with '/'"),
        ("/a\nb", "control character"),
        ("/a/\x7f", "control character"),
        ("/a/<b", "unmatched"),
        ("/a/b>", "unmatched"),
        ("/a/<b<c>>", "unmatched"),
        ("/<>", "malformed variable <>"),
        ("/<1x>", "malformed variable"),
        ("/<a b>", "malformed variable"),
        ("/<int:>", "malformed variable"),
        ("/<:x>", "malformed variable"),
        ("/<int(1:x>", "malformed variable"),
        ("/<int:class>", "not a keyword"),
        ("/<a>/<int:a>", "uses the variable 'a' twice"),
        ("/<a>-<b>", "its own segment"),
        ("/<int(min=):x>", "malformed converter arguments"),
        ("/<int(**k):x>", "malformed converter arguments"),
        ("/<int(*k):x>", "malformed converter arguments"),
        ("/<int(f()):x>", "malformed converter arguments"),
        ("/<int(__import__('os')):x>", "malformed converter arguments"),
        ("/<int([1]):x>", "malformed converter arguments"),
        ("/<int(b'x'):x>", "malformed converter arguments"),
        ("/<int(1), g(2):x>", "malformed converter arguments"),
    ],
)
def test_malformed_rules_name_the_fix(rule: str, fix: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=fix):
        Rule(rule, endpoint="e")


def test_unknown_converter_lists_the_known_ones() -> None:
    rule = Rule("/<hex:n>", endpoint="e")
    with pytest.raises(ImproperlyConfigured, match=r"unknown converter 'hex'.*'any'.*Router\("):
        rule.bind(DEFAULT_CONVERTERS)


@pytest.mark.parametrize("rule", ["/<int(nope=1):n>", "/<any:x>", "/<path(1):p>"])
def test_converter_rejecting_its_arguments(rule: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="bad arguments for the converter"):
        Rule(rule, endpoint="e").bind(DEFAULT_CONVERTERS)


# --- values ------------------------------------------------------------------------------


def test_make_values() -> None:
    assert bound("/<a>").make_values(["x"]) == {"a": "x"}
    assert bound("/<a>/<b>").make_values(["x", "y"]) == {"a": "x", "b": "y"}
    rule = bound("/<a>/<b>", defaults={"b": "default", "c": 3})
    assert rule.make_values(["x", "y"]) == {"a": "x", "b": "y", "c": 3}


# --- building ----------------------------------------------------------------------------


def test_build_static_rule_quotes_its_text() -> None:
    assert bound("/").build({}) == "/"
    assert bound("/caf\u00e9/a b/").build({}) == "/caf%C3%A9/a%20b/"
    assert bound("/a:b@c/").build({}) == "/a:b@c/"


def test_build_with_variables_and_affixes() -> None:
    rule = bound("/items/<int:item_id>/page-<int:n>.html/x")
    assert rule.build({"item_id": 3, "n": 4}) == "/items/3/page-4.html/x"
    assert bound("/<a>/").build({"a": "x y"}) == "/x%20y/"
    assert bound("/dl/<path:p>").build({"p": "a/b c"}) == "/dl/a/b%20c"


def test_build_uses_defaults_for_missing_variables() -> None:
    rule = bound("/page/<int:page>", defaults={"page": 1})
    assert rule.build({}) == "/page/1"
    assert rule.build({"page": 2}) == "/page/2"


def test_build_appends_unused_values_as_query() -> None:
    rule = bound("/search/<kind>", defaults={"lang": "en"})
    assert rule.build({"kind": "a", "q": "x y", "lang": "en"}) == "/search/a?q=x+y"
    assert rule.build({"kind": "a", "tag": ["b", None, "c"], "n": (1,)}) == (
        "/search/a?tag=b&tag=c&n=1"
    )
    assert rule.build({"kind": "a", "z": 1, "a": 2}) == "/search/a?z=1&a=2"
    assert rule.build({"kind": "a", "empty": []}) == "/search/a"


def test_build_names_a_rejected_value() -> None:
    rule = bound("/items/<int:item_id>")
    with pytest.raises(ValidationError, match=r"item_id='abc' does not fit the rule"):
        rule.build({"item_id": "abc"})


def test_mismatch() -> None:
    rule = bound("/items/<int:item_id>/<name>", defaults={"name": "x", "fmt": "json"})
    assert rule.mismatch({"item_id": 1}) is None
    assert rule.mismatch({"item_id": 1, "fmt": "json"}, "GET") is None
    assert rule.mismatch({}) == (
        "missing values ['item_id'] (the rule '/items/<int:item_id>/<name>' needs ['item_id'])"
    )
    assert rule.mismatch({"item_id": 1}, "POST") == (
        "the rule '/items/<int:item_id>/<name>' does not allow POST "
        "(only ['GET', 'HEAD', 'OPTIONS'])"
    )
    assert rule.mismatch({"item_id": 1, "fmt": "xml"}) == (
        "fmt='xml' differs from the rule '/items/<int:item_id>/<name>', which sets fmt='json'"
    )
