from __future__ import annotations

import contextlib
import uuid
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cupola.exceptions import (
    BuildError,
    ImproperlyConfigured,
    MethodNotAllowed,
    NotFound,
    RequestRedirect,
)
from cupola.routing import BaseConverter, Router, Rule, ValidationError


def make_router(*rules: Rule, **options: Any) -> Router:
    router = Router(**options)
    for rule in rules:
        router.add(rule)
    return router


def endpoint_of(router: Router, path: str, method: str = "GET") -> str:
    return router.match(path, method)[0].endpoint


# --- static rules ------------------------------------------------------------------------


def test_static_match_returns_the_rule_and_a_fresh_dict() -> None:
    rule = Rule("/about", endpoint="about", target="view")
    router = make_router(rule)
    matched, values = router.match("/about", "GET")
    assert matched is rule
    assert matched.target == "view"
    assert values == {}
    values["x"] = 1
    assert router.match("/about", "GET")[1] == {}


def test_root() -> None:
    router = make_router(Rule("/", endpoint="index"))
    assert endpoint_of(router, "/") == "index"


def test_static_defaults_are_returned() -> None:
    router = make_router(Rule("/users/", endpoint="users", defaults={"page": 1}))
    assert router.match("/users/", "GET")[1] == {"page": 1}


def test_head_and_options_are_automatic() -> None:
    rule = Rule("/a", endpoint="a")
    router = make_router(rule)
    assert router.match("/a", "HEAD")[0] is rule
    assert router.match("/a", "OPTIONS")[0] is rule
    assert rule.automatic_options


def test_unknown_path_is_not_found() -> None:
    router = make_router(Rule("/a", endpoint="a"), Rule("/b/<int:n>", endpoint="b"))
    for path in ("/c", "/a/b", "/b", "/b/x", "/b/1/2", "a", "/A"):
        with pytest.raises(NotFound):
            router.match(path, "GET")


def test_method_not_allowed_lists_the_union_sorted() -> None:
    router = make_router(
        Rule("/items", endpoint="list"),
        Rule("/items", endpoint="create", methods=["POST"]),
        Rule("/items/<int:n>", endpoint="delete", methods=["DELETE"]),
    )
    with pytest.raises(MethodNotAllowed) as info:
        router.match("/items", "PUT")
    assert info.value.valid_methods == ["GET", "HEAD", "OPTIONS", "POST"]
    assert ("Allow", "GET, HEAD, OPTIONS, POST") in info.value.headers
    with pytest.raises(MethodNotAllowed) as info:
        router.match("/items/3", "GET")
    assert info.value.valid_methods == ["DELETE", "OPTIONS"]
    assert endpoint_of(router, "/items", "POST") == "create"


def test_first_registered_rule_wins() -> None:
    router = make_router(Rule("/a", endpoint="first"), Rule("/a", endpoint="second"))
    assert endpoint_of(router, "/a") == "first"


def test_explicit_options_view_wins_over_automatic_options() -> None:
    router = make_router(
        Rule("/a", endpoint="get"),
        Rule("/a", endpoint="options", methods=["OPTIONS"]),
        Rule("/a", endpoint="late", methods=["OPTIONS"]),
    )
    assert endpoint_of(router, "/a", "OPTIONS") == "options"
    assert endpoint_of(router, "/a", "GET") == "get"


def test_static_rule_with_another_method_falls_back_to_a_dynamic_rule() -> None:
    router = make_router(
        Rule("/items/new", endpoint="form"),
        Rule("/items/<name>", endpoint="update", methods=["POST"]),
    )
    assert endpoint_of(router, "/items/new") == "form"
    assert router.match("/items/new", "POST") == (
        router.match("/items/x", "POST")[0],
        {"name": "new"},
    )


# --- dynamic rules -----------------------------------------------------------------------


def test_values_are_converted() -> None:
    router = make_router(Rule("/users/<int:uid>/posts/<slug:post>", endpoint="post"))
    assert router.match("/users/7/posts/hello-world", "GET")[1] == {
        "uid": 7,
        "post": "hello-world",
    }


def test_static_before_converters_and_backtracking() -> None:
    router = make_router(
        Rule("/<name>/edit", endpoint="edit"),
        Rule("/<int:id>/view", endpoint="view"),
        Rule("/static/x", endpoint="static"),
        Rule("/static/<name>", endpoint="static_any"),
    )
    assert router.match("/5/edit", "GET")[1] == {"name": "5"}
    assert endpoint_of(router, "/5/edit") == "edit"
    assert router.match("/5/view", "GET")[1] == {"id": 5}
    assert endpoint_of(router, "/static/x") == "static"
    # The static branch is tried first and holds an answer, so the first segment stays
    # static even where "/<name>/edit" would also match.
    assert endpoint_of(router, "/static/edit") == "static_any"
    with pytest.raises(NotFound):
        router.match("/x/view", "GET")


def test_converters_are_tried_by_weight_not_registration() -> None:
    router = make_router(
        Rule("/<name>", endpoint="string"),
        Rule("/<slug:s>", endpoint="slug"),
        Rule("/<int:n>", endpoint="int"),
        Rule("/<uuid:u>", endpoint="uuid"),
        Rule("/<any(about, help):page>", endpoint="any"),
    )
    assert endpoint_of(router, "/about") == "any"
    assert endpoint_of(router, "/" + str(uuid.uuid4())) == "uuid"
    assert endpoint_of(router, "/42") == "int"
    assert endpoint_of(router, "/a-b") == "slug"
    assert endpoint_of(router, "/a b") == "string"


def test_affixed_variable_is_tried_before_a_bare_one() -> None:
    router = make_router(Rule("/<name>", endpoint="page"), Rule("/<name>.json", endpoint="json"))
    assert router.match("/x.json", "GET") == (router.match("/a.json", "GET")[0], {"name": "x"})
    assert endpoint_of(router, "/x.json") == "json"
    assert endpoint_of(router, "/x") == "page"
    assert endpoint_of(router, "/.json") == "page"


def test_rules_sharing_a_branch_keep_their_own_names() -> None:
    router = make_router(Rule("/<int:a>/x", endpoint="x"), Rule("/<int:b>/y", endpoint="y"))
    assert router.match("/1/x", "GET")[1] == {"a": 1}
    assert router.match("/2/y", "GET")[1] == {"b": 2}


def test_method_mismatch_keeps_backtracking() -> None:
    router = make_router(
        Rule("/<int:n>", endpoint="int", methods=["POST"]),
        Rule("/<name>", endpoint="string"),
    )
    assert endpoint_of(router, "/5") == "string"
    assert endpoint_of(router, "/5", "POST") == "int"


def test_overflowing_integer_matches_no_route() -> None:
    router = make_router(Rule("/n/<int:n>", endpoint="n"))
    assert router.match("/n/9223372036854775807", "GET")[1] == {"n": 2**63 - 1}
    for path in ("/n/9223372036854775808", "/n/99999999999999999999999", "/n/" + "9" * 5000):
        with pytest.raises(NotFound):
            router.match(path, "GET")


def test_unicode_digits_do_not_match_int() -> None:
    router = make_router(Rule("/n/<int:n>", endpoint="n"), Rule("/n/<name>", endpoint="name"))
    assert router.match("/n/\u0663", "GET")[1] == {"name": "\u0663"}
    assert endpoint_of(router, "/n/\u0663") == "name"


@pytest.mark.parametrize("char", ["\x00", "\n", "\r", "\t", "\x1f", "\x7f"])
def test_control_characters_match_no_route(char: str) -> None:
    router = make_router(
        Rule("/files/<path:p>", endpoint="files"),
        Rule("/<name>", endpoint="name"),
        Rule("/a", endpoint="a"),
        Rule("/a/", endpoint="a_slash"),
    )
    for path in (f"/x{char}y", f"/files/a{char}/b", f"/a{char}"):
        with pytest.raises(NotFound):
            router.match(path, "GET")
        assert router.allowed_methods(path) == []


def test_unprintable_but_not_control_characters_still_match() -> None:
    router = make_router(Rule("/<name>", endpoint="name"))
    assert router.match("/a\u00a0b", "GET")[1] == {"name": "a\u00a0b"}


def test_empty_segment_does_not_match_a_string() -> None:
    router = make_router(Rule("/a/<name>/b", endpoint="e"))
    with pytest.raises(NotFound):
        router.match("/a//b", "GET")


def test_defaults_are_merged_and_url_values_win() -> None:
    router = make_router(Rule("/p/<int:page>", endpoint="p", defaults={"page": 1, "size": 10}))
    assert router.match("/p/3", "GET")[1] == {"page": 3, "size": 10}


# --- path converter ----------------------------------------------------------------------


def test_path_converter_takes_the_rest() -> None:
    router = make_router(Rule("/files/<path:p>", endpoint="files"))
    assert router.match("/files/a", "GET")[1] == {"p": "a"}
    assert router.match("/files/a/b/c.txt", "GET")[1] == {"p": "a/b/c.txt"}
    assert router.match("/files/a/", "GET")[1] == {"p": "a/"}
    with pytest.raises(NotFound):
        router.match("/files/", "GET")
    with pytest.raises(NotFound):
        router.match("/files", "GET")


def test_path_converter_is_tried_last() -> None:
    router = make_router(
        Rule("/<path:p>", endpoint="path"),
        Rule("/<name>", endpoint="name"),
        Rule("/<name>/edit", endpoint="edit"),
    )
    assert endpoint_of(router, "/a") == "name"
    assert endpoint_of(router, "/a/edit") == "edit"
    assert router.match("/a/b", "GET")[1] == {"p": "a/b"}


def test_path_converter_in_the_middle() -> None:
    router = make_router(
        Rule("/files/<path:p>", endpoint="files"),
        Rule("/files/<path:p>/raw", endpoint="raw"),
        Rule("/zip/<path:p>.zip", endpoint="zip"),
    )
    assert router.match("/files/a/b/raw", "GET")[1] == {"p": "a/b"}
    assert endpoint_of(router, "/files/a/b/raw") == "raw"
    assert endpoint_of(router, "/files/raw") == "files"
    assert router.match("/files/raw/raw", "GET")[1] == {"p": "raw"}
    assert router.match("/zip/a/b.zip", "GET")[1] == {"p": "a/b"}
    with pytest.raises(NotFound):
        router.match("/zip/a/b.tar", "GET")
    with pytest.raises(NotFound):
        router.match("/zip/.zip", "GET")


def test_custom_spanning_converter_that_rejects_some_text() -> None:
    class TwoLevels(BaseConverter):
        part_isolating = False

        def to_python(self, value: str) -> str:
            if value.count("/") != 1:
                raise ValidationError("needs exactly two levels")
            return value

    router = make_router(Rule("/t/<two:p>/end", endpoint="two"), converters={"two": TwoLevels})
    assert router.match("/t/a/b/end", "GET")[1] == {"p": "a/b"}
    for path in ("/t/a/end", "/t/a/b/c/end"):
        with pytest.raises(NotFound):
            router.match(path, "GET")


# --- trailing slashes --------------------------------------------------------------------


def test_missing_slash_redirects_to_the_slashed_rule() -> None:
    router = make_router(Rule("/dir/", endpoint="dir"), Rule("/users/<int:n>/", endpoint="u"))
    with pytest.raises(RequestRedirect) as info:
        router.match("/dir", "GET")
    assert info.value.new_url == "/dir/"
    assert info.value.code == 308
    with pytest.raises(RequestRedirect) as info:
        router.match("/users/5", "POST")
    assert info.value.new_url == "/users/5/"


def test_redirect_location_is_the_decoded_path() -> None:
    router = make_router(Rule("/<name>/", endpoint="e"))
    with pytest.raises(RequestRedirect) as info:
        router.match("/caf\u00e9 x", "GET")
    assert info.value.new_url == "/caf\u00e9 x/"


def test_no_redirect_when_the_path_itself_matches() -> None:
    router = make_router(Rule("/a/", endpoint="slash"), Rule("/<name>", endpoint="name"))
    assert endpoint_of(router, "/a") == "name"


def test_method_not_allowed_comes_before_redirect() -> None:
    router = make_router(Rule("/a", endpoint="a", methods=["POST"]), Rule("/a/", endpoint="b"))
    with pytest.raises(MethodNotAllowed):
        router.match("/a", "GET")


def test_extra_slash_is_not_found() -> None:
    router = make_router(Rule("/foo", endpoint="foo"), Rule("/n/<int:n>", endpoint="n"))
    for path in ("/foo/", "/n/5/"):
        with pytest.raises(NotFound):
            router.match(path, "GET")


def test_non_strict_slashes_match_both_forms() -> None:
    router = make_router(
        Rule("/a/", endpoint="a", strict_slashes=False),
        Rule("/b", endpoint="b", strict_slashes=False),
        Rule("/c/<int:n>/", endpoint="c", strict_slashes=False),
        Rule("/d/<int:n>", endpoint="d", strict_slashes=False),
        Rule("/", endpoint="root", strict_slashes=False),
    )
    for path, endpoint in [
        ("/a/", "a"),
        ("/a", "a"),
        ("/b", "b"),
        ("/b/", "b"),
        ("/c/1/", "c"),
        ("/c/1", "c"),
        ("/d/1", "d"),
        ("/d/1/", "d"),
        ("/", "root"),
    ]:
        assert endpoint_of(router, path) == endpoint


# --- websockets --------------------------------------------------------------------------


def test_websocket_rules_live_apart() -> None:
    http = Rule("/chat", endpoint="page")
    ws = Rule("/chat", endpoint="socket", websocket=True)
    ws_only = Rule("/ws/<room>", endpoint="room", websocket=True)
    router = make_router(http, ws, ws_only)
    assert router.match("/chat", "GET")[0] is http
    assert router.match("/chat", "GET", websocket=True)[0] is ws
    assert router.match("/ws/lobby", "GET", websocket=True) == (ws_only, {"room": "lobby"})
    with pytest.raises(NotFound):
        router.match("/ws/lobby", "GET")
    assert router.allowed_methods("/ws/lobby") == []
    assert router.allowed_methods("/ws/lobby", websocket=True) == ["GET"]


def test_websocket_only_router_has_no_http_rules() -> None:
    router = make_router(Rule("/ws", endpoint="ws", websocket=True))
    with pytest.raises(NotFound):
        router.match("/ws", "GET")


# --- allowed_methods ---------------------------------------------------------------------


def test_allowed_methods() -> None:
    router = make_router(
        Rule("/a", endpoint="a"),
        Rule("/<name>", endpoint="n", methods=["PATCH"], provide_automatic_options=False),
    )
    assert router.allowed_methods("/a") == ["GET", "HEAD", "OPTIONS", "PATCH"]
    assert router.allowed_methods("/b") == ["PATCH"]
    assert router.allowed_methods("/a/b") == []
    assert router.allowed_methods("nope") == []


# --- custom converters -------------------------------------------------------------------


def test_custom_converters_are_merged_over_the_defaults() -> None:
    class Hex(BaseConverter):
        weight = 40

        def to_python(self, value: str) -> int:
            try:
                return int(value, 16)
            except ValueError:
                raise ValidationError("not hexadecimal") from None

        def to_url(self, value: Any) -> str:
            return format(value, "x")

    class Upper(BaseConverter):
        def to_python(self, value: str) -> str:
            return value.upper()

    router = make_router(
        Rule("/h/<hex:n>", endpoint="hex"),
        Rule("/s/<name>", endpoint="s"),
        Rule("/i/<int:n>", endpoint="i"),
        converters={"hex": Hex, "default": Upper},
    )
    assert router.match("/h/ff", "GET")[1] == {"n": 255}
    assert router.match("/s/ab", "GET")[1] == {"name": "AB"}
    assert router.match("/i/5", "GET")[1] == {"n": 5}
    assert router.build("hex", {"n": 255}) == "/h/ff"
    assert router.converters["hex"] is Hex


def test_add_reports_unknown_converters() -> None:
    router = Router()
    with pytest.raises(ImproperlyConfigured, match="unknown converter 'hex'"):
        router.add(Rule("/<hex:n>", endpoint="e"))


# --- introspection -----------------------------------------------------------------------


def test_iter_rules_and_has_endpoint() -> None:
    rules = [
        Rule("/b/<int:n>", endpoint="b"),
        Rule("/ws", endpoint="ws", websocket=True),
        Rule("/a", endpoint="a"),
    ]
    router = make_router(*rules)
    assert list(router.iter_rules()) == rules
    assert router.has_endpoint("ws")
    assert router.has_endpoint("a")
    assert not router.has_endpoint("c")


# --- build -------------------------------------------------------------------------------


def test_build_path_and_query() -> None:
    router = make_router(Rule("/items/<int:item_id>", endpoint="show"))
    assert router.build("show", {"item_id": 42}) == "/items/42"
    assert router.build("show", {"item_id": 42, "q": "a b", "tag": ["x", "y"]}) == (
        "/items/42?q=a+b&tag=x&tag=y"
    )
    assert router.build("show", {"item_id": 42, "q": None}) == "/items/42"


def test_build_missing_values() -> None:
    router = make_router(Rule("/items/<int:item_id>", endpoint="show"))
    with pytest.raises(BuildError) as info:
        router.build("show", {})
    assert info.value.endpoint == "show"
    assert str(info.value) == (
        "Could not build url for endpoint 'show': missing values ['item_id'] "
        "(the rule '/items/<int:item_id>' needs ['item_id'])"
    )
    with pytest.raises(BuildError, match="missing values"):
        router.build("show", {"item_id": None})


def test_build_unknown_endpoint_suggests_close_names() -> None:
    router = make_router(Rule("/a", endpoint="items.show"), Rule("/b", endpoint="items.list"))
    with pytest.raises(BuildError, match=r"no endpoint named 'item.show'; did you mean 'items.sh"):
        router.build("item.show", {})
    with pytest.raises(BuildError) as info:
        router.build("zzz", {})
    assert str(info.value).endswith("there is no endpoint named 'zzz'")


def test_build_rejected_value_is_named() -> None:
    router = make_router(Rule("/items/<int:item_id>", endpoint="show"))
    with pytest.raises(BuildError, match=r"item_id='abc' does not fit the rule"):
        router.build("show", {"item_id": "abc"})


def test_build_tries_the_next_rule_when_a_converter_rejects() -> None:
    router = make_router(Rule("/n/<int:v>", endpoint="e"), Rule("/s/<v>", endpoint="e"))
    assert router.build("e", {"v": 5}) == "/n/5"
    assert router.build("e", {"v": "abc"}) == "/s/abc"


def test_build_by_method() -> None:
    router = make_router(
        Rule("/read", endpoint="e"),
        Rule("/write", endpoint="e", methods=["POST"]),
    )
    assert router.build("e", {}) == "/read"
    assert router.build("e", {}, method="POST") == "/write"
    assert router.build("e", {}, method="head") == "/read"
    with pytest.raises(BuildError, match="does not allow DELETE"):
        router.build("e", {}, method="DELETE")


def test_build_value_equal_to_a_default_selects_that_rule() -> None:
    # Flask's pagination idiom, registered in decorator order (bottom first).
    router = make_router(
        Rule("/users/page/<int:page>", endpoint="users"),
        Rule("/users/", endpoint="users", defaults={"page": 1}),
    )
    assert router.build("users", {}) == "/users/"
    assert router.build("users", {"page": 1}) == "/users/"
    assert router.build("users", {"page": 2}) == "/users/page/2"


def test_build_default_mismatch_is_explained() -> None:
    router = make_router(Rule("/users/", endpoint="users", defaults={"page": 1}))
    with pytest.raises(BuildError, match=r"page=2 differs from the rule '/users/'"):
        router.build("users", {"page": 2})


def test_build_prefers_the_rule_using_more_values() -> None:
    router = make_router(Rule("/a", endpoint="e"), Rule("/a/<x>", endpoint="e"))
    assert router.build("e", {"x": "1"}) == "/a/1"
    assert router.build("e", {}) == "/a"


def test_build_keeps_registration_order_among_equals() -> None:
    router = make_router(Rule("/one", endpoint="e"), Rule("/two", endpoint="e"))
    assert router.build("e", {}) == "/one"


def test_build_reports_every_rule_that_failed() -> None:
    router = make_router(Rule("/a/<x>", endpoint="e"), Rule("/b/<y>", endpoint="e"))
    with pytest.raises(BuildError) as info:
        router.build("e", {})
    message = str(info.value)
    assert "the rule '/a/<x>' needs ['x']" in message
    assert "the rule '/b/<y>' needs ['y']" in message


def test_build_websocket_rule() -> None:
    router = make_router(Rule("/ws/<room>", endpoint="room", websocket=True))
    assert router.build("room", {"room": "lobby"}) == "/ws/lobby"


# --- round trips -------------------------------------------------------------------------

_SEGMENT_TEXT = st.text(
    st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="/"), min_size=1
)
_PATH_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1)

_ROUND_TRIP = make_router(
    Rule("/i/<int:a>/<int(signed=True):b>", endpoint="int"),
    Rule("/f/<float:a>/<float(signed=True):b>", endpoint="float"),
    Rule("/s/<a>/x-<b>.txt", endpoint="string"),
    Rule("/p/<path:a>/end", endpoint="path"),
    Rule("/u/<uuid:a>/<slug:b>", endpoint="uuid"),
    Rule("/any/<any(one, 'two words', 'caf\u00e9'):a>", endpoint="any"),
)


def round_trip(endpoint: str, values: dict[str, Any]) -> dict[str, Any]:
    url = _ROUND_TRIP.build(endpoint, values)
    assert "?" not in url
    rule, matched = _ROUND_TRIP.match(unquote(url), "GET")
    assert rule.endpoint == endpoint
    return matched


@given(st.integers(0, 2**63 - 1), st.integers(-(2**63), 2**63 - 1))
def test_round_trip_int(a: int, b: int) -> None:
    assert round_trip("int", {"a": a, "b": b}) == {"a": a, "b": b}


@given(
    st.floats(min_value=0, allow_nan=False, allow_infinity=False),
    st.floats(allow_nan=False, allow_infinity=False),
)
def test_round_trip_float(a: float, b: float) -> None:
    assert round_trip("float", {"a": a, "b": b}) == {"a": a, "b": b}


@given(_SEGMENT_TEXT, _SEGMENT_TEXT)
def test_round_trip_string(a: str, b: str) -> None:
    assert round_trip("string", {"a": a, "b": b}) == {"a": a, "b": b}


@given(_PATH_TEXT)
def test_round_trip_path(a: str) -> None:
    assert round_trip("path", {"a": a}) == {"a": a}


@given(st.uuids(), st.from_regex(r"[-a-zA-Z0-9_]+", fullmatch=True))
def test_round_trip_uuid_and_slug(a: uuid.UUID, b: str) -> None:
    assert round_trip("uuid", {"a": a, "b": b}) == {"a": a, "b": b}


@given(st.sampled_from(["one", "two words", "caf\u00e9"]))
def test_round_trip_any(a: str) -> None:
    assert round_trip("any", {"a": a}) == {"a": a}


@given(st.text())
def test_match_never_fails_unexpectedly(path: str) -> None:
    for candidate in (path, "/" + path):
        with contextlib.suppress(NotFound, MethodNotAllowed, RequestRedirect):
            _ROUND_TRIP.match(candidate, "GET")


def test_last_variable_shortcut_agrees_with_the_walk() -> None:
    router = Router()
    router.add(Rule("/items/<int:item_id>", endpoint="by_id"))
    router.add(Rule("/items/<slug>", endpoint="by_slug"))
    router.add(Rule("/items/new", endpoint="new"))
    router.add(Rule("/items/<int:item_id>/edit", endpoint="edit"))
    router.add(Rule("/<name>/<int:n>", endpoint="generic"))
    router.add(Rule("/pages/<int:n>", endpoint="pages", methods=["POST"]))
    router.add(Rule("/dated/<int:n>", endpoint="dated", defaults={"v": 1}))
    assert router.match("/items/3", "GET")[0].endpoint == "by_id"
    assert router.match("/items/three", "GET")[0].endpoint == "by_slug"
    assert router.match("/items/new", "GET")[0].endpoint == "new"
    assert router.match("/items/3/edit", "GET")[0].endpoint == "edit"
    assert router.match("/other/4", "GET")[0].endpoint == "generic"
    # A variable that fails its converter falls back to the other branches.
    assert router.match("/items/4", "GET")[1] == {"item_id": 4}
    assert router.match("/pages/5", "POST")[0].endpoint == "pages"
    with pytest.raises(NotFound):
        router.match("/pages/x", "GET")
    # The shortcut's rule lacks GET: the walk backtracks to the generic rule.
    assert router.match("/pages/5", "GET")[0].endpoint == "generic"
    assert router.match("/dated/5", "GET")[1] == {"n": 5, "v": 1}
