from __future__ import annotations

import time
import urllib.parse
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cupola.exceptions import BadRequest, HTTPException, RequestEntityTooLarge
from cupola.http.multidict import ImmutableMultiDict, MultiDict
from cupola.http.urls import parse_query_string, urlencode


def _pairs(qs: str | bytes) -> list[tuple[str, str]]:
    return list(parse_query_string(qs).items(multi=True))


@pytest.mark.parametrize(
    ("qs", "expected"),
    [
        ("", []),
        (b"", []),
        ("a=1", [("a", "1")]),
        ("a=1&b=2&a=3", [("a", "1"), ("a", "3"), ("b", "2")]),
        ("q=hello+world", [("q", "hello world")]),
        ("q=a%2Bb+c", [("q", "a+b c")]),
        ("first+name=x", [("first name", "x")]),
        ("blank=&flag", [("blank", ""), ("flag", "")]),
        ("=value", [("", "value")]),
        ("a=1&&b=2&", [("a", "1"), ("b", "2")]),
        ("a=1;b=2", [("a", "1;b=2")]),
        ("a=x=y", [("a", "x=y")]),
        ("q=caf%C3%A9", [("q", "café")]),
        ("caf%c3%a9=1", [("café", "1")]),
        (b"q=caf%C3%A9", [("q", "café")]),
        ("q=café", [("q", "café")]),
        ("q=café%20crème", [("q", "café crème")]),
        ("q=caf\u00e9".encode(), [("q", "café")]),
        # Malformed escapes stay literal, as in browsers.
        ("a=100%&b=%zz&c=%4", [("a", "100%"), ("b", "%zz"), ("c", "%4")]),
        ("a=%%41", [("a", "%A")]),
        ("a=%00", [("a", "\x00")]),
        ("a=b c&d=%41", [("a", "b c"), ("d", "A")]),  # a raw space: the general path
    ],
)
def test_parse_query_string(qs: str | bytes, expected: list[tuple[str, str]]) -> None:
    assert sorted(_pairs(qs)) == sorted(expected)


def test_parse_query_string_keeps_order_and_repeats() -> None:
    args = parse_query_string("tag=a&x=1&tag=b")
    assert isinstance(args, ImmutableMultiDict)
    assert list(args) == ["tag", "x"]
    assert args["tag"] == "a"
    assert args.getlist("tag") == ["a", "b"]


def test_parse_query_string_empty_is_immutable() -> None:
    args = parse_query_string("")
    assert isinstance(args, ImmutableMultiDict)
    assert len(args) == 0


@pytest.mark.parametrize(
    "qs",
    [
        *[b"q=%C3", b"q=%ff", "q=%ED%A0%80", b"q=\xff", b"\xc3=1", b"\xc3%A9=1"],
        *["q=\ud800%41", "q=\ud800"],  # lone surrogates in text, escapes or not
    ],
)
def test_parse_query_string_rejects_invalid_utf8(qs: str | bytes) -> None:
    with pytest.raises(BadRequest) as info:
        parse_query_string(qs)
    assert info.value.code == 400
    assert info.value.description == "The query string is not valid UTF-8."


def test_max_parts() -> None:
    assert len(parse_query_string("a=1&b=2&&c=3&", max_parts=3)) == 3
    with pytest.raises(RequestEntityTooLarge) as info:
        parse_query_string("a=1&b=2&c=3&d=4", max_parts=3)
    assert info.value.code == 413
    assert "MAX_FORM_PARTS" in info.value.description


@pytest.mark.parametrize("max_parts", [1, 2, 3, 50])
def test_max_parts_at_the_shortest_strings(max_parts: int) -> None:
    at_limit = "&".join("a" * max_parts)  # 2n - 1 characters
    assert len(parse_query_string(at_limit + "&", max_parts=max_parts).getlist("a")) == max_parts
    with pytest.raises(RequestEntityTooLarge):
        parse_query_string(at_limit + "&b", max_parts=max_parts)  # 2n + 1 characters


@given(st.binary(max_size=300))
def test_parse_query_string_raises_only_bad_request(data: bytes) -> None:
    try:
        parse_query_string(data)
    except HTTPException as exc:
        assert exc.code == 400


@given(st.lists(st.tuples(st.text(), st.text())))
def test_round_trip(pairs: list[tuple[str, str]]) -> None:
    args = parse_query_string(urlencode(pairs))
    expected: MultiDict[str] = MultiDict(pairs)
    assert args == expected


# Pieces that make every shape of field: plain, repeated, empty, without or with a second
# '=', escaped separators, malformed escapes, escaped and raw NUL, backslashes and
# non-ASCII text (each of the last takes the general path rather than the plain one).
_QUERY_PIECES = st.sampled_from(
    ["x", "y", "=", "&", "+", "%41", "%3D", "%26", "%2", "%", "%00", "\0", "\\", "%5C", "é"]
)


@given(st.lists(_QUERY_PIECES, max_size=30).map("".join))
def test_parse_agrees_with_urllib(qs: str) -> None:
    expected: MultiDict[str] = MultiDict(urllib.parse.parse_qsl(qs, keep_blank_values=True))
    assert parse_query_string(qs) == expected
    assert parse_query_string(qs.encode()) == expected


@pytest.mark.parametrize("count", [999, 1000, 1001])
def test_many_plain_fields(count: int) -> None:
    fields = [(f"f{i}", f"v {i}&") for i in range(count)]
    assert list(parse_query_string(urlencode(fields)).items(multi=True)) == fields


def test_parse_is_fast() -> None:
    qs = "&".join(f"field{i}=value+{i}%21" for i in range(1000))
    started = time.perf_counter()
    for _ in range(10):
        parse_query_string(qs)
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, ""),
        ({"q": "café au lait", "n": 3}, "q=caf%C3%A9+au+lait&n=3"),
        ({"tag": ["a", "b"], "t": ("x", None, "y")}, "tag=a&tag=b&t=x&t=y"),
        ({"skip": None, "keep": ""}, "keep="),
        ([("a", 1), ("a", 2), ("b", None)], "a=1&a=2"),
        ({"a&b": "c=d/e?+"}, "a%26b=c%3Dd%2Fe%3F%2B"),
        (MultiDict([("a", "1"), ("a", "2")]), "a=1&a=2"),
    ],
)
def test_urlencode(values: Any, expected: str) -> None:
    assert urlencode(values) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("a=%5Cx41&b=%26", [("a", "\\x41"), ("b", "&")]),  # backslashes stay literal
        ("a=\\x41&b=%41", [("a", "\\x41"), ("b", "A")]),
        ("a=%00&b=%41", [("a", "\0"), ("b", "A")]),  # a decoded NUL keeps fields apart
        ("a=%zz&b=%41", [("a", "%zz"), ("b", "A")]),  # malformed escapes stay literal
        ("a=%4&b=%C3%A9", [("a", "%4"), ("b", "é")]),
    ],
)
def test_percent_decoding_edge_cases(query: str, expected: list[tuple[str, str]]) -> None:
    assert list(parse_query_string(query).items(multi=True)) == expected
