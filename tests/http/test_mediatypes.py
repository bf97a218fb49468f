from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cupola.http.mediatypes import best_match, parse_accept, parse_options_header, prefers_html


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, ("", {})),
        ("", ("", {})),
        ("Text/HTML", ("text/html", {})),
        ("  application/json  ", ("application/json", {})),
        (
            'multipart/form-data; boundary="x y"; charset=UTF-8',
            ("multipart/form-data", {"boundary": "x y", "charset": "UTF-8"}),
        ),
        ("text/plain; CHARSET = utf-8 ", ("text/plain", {"charset": "utf-8"})),
        ('a; q="semi;colon"; b=2', ("a", {"q": "semi;colon", "b": "2"})),
        (r'a; name="say \"hi\" \\ bye"', ("a", {"name": 'say "hi" \\ bye'})),
        ('a; name=""', ("a", {"name": ""})),
        ("a; first=1; first=2", ("a", {"first": "1"})),
        ("a; junk; ;; =x; ok=1", ("a", {"ok": "1"})),
        ('a; open="unterminated', ("a", {"open": '"unterminated'})),
        ("a;", ("a", {})),
        ("a; empty=", ("a", {"empty": ""})),
    ],
)
def test_parse_options_header(header: str | None, expected: tuple[str, dict[str, str]]) -> None:
    assert parse_options_header(header) == expected


def test_parse_options_header_keeps_windows_paths() -> None:
    # Legacy clients send unescaped backslashes; only \\ and \" are escapes.
    value = r'form-data; name="f"; filename="C:\dir\new\file.txt"'
    assert parse_options_header(value)[1]["filename"] == r"C:\dir\new\file.txt"


@given(st.text())
def test_parse_options_header_never_raises(header: str) -> None:
    value, params = parse_options_header(header)
    assert value == value.lower()
    assert all(name == name.lower() for name in params)


def test_parse_accept_orders_by_quality_then_specificity() -> None:
    header = "*/*;q=0.8, text/*;q=0.8, application/xml;q=0.9, text/html, Application/JSON"
    assert parse_accept(header) == [
        ("text/html", 1.0),
        ("application/json", 1.0),
        ("application/xml", 0.9),
        ("text/*", 0.8),
        ("*/*", 0.8),
    ]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, []),
        ("", []),
        ("*", [("*/*", 1.0)]),
        ("text/html;level=1;q=0.5", [("text/html", 0.5)]),
        ("text/html;q=0", [("text/html", 0.0)]),
        ("text/html;q=1.000", [("text/html", 1.0)]),
        ("text/html;q=0.", [("text/html", 0.0)]),
    ],
)
def test_parse_accept(header: str | None, expected: list[tuple[str, float]]) -> None:
    assert parse_accept(header) == expected


@pytest.mark.parametrize(
    "junk",
    [
        "text",
        "text/",
        "/html",
        "*/html",
        "text/html;q=2",
        "text/html;q=nan",
        "text/html;q=-1",
        "text/html;q=abc",
        "text/html;q=1.5",
        ",,,",
    ],
)
def test_parse_accept_drops_invalid_entries(junk: str) -> None:
    assert parse_accept(f"{junk}, application/json") == [("application/json", 1.0)]


@given(st.text())
def test_parse_accept_never_raises(header: str) -> None:
    for media_range, quality in parse_accept(header):
        assert "/" in media_range
        assert 0.0 <= quality <= 1.0


@pytest.mark.parametrize(
    ("accept", "offered", "expected"),
    [
        (None, ["text/html", "application/json"], "text/html"),
        ("", ["application/json"], "application/json"),
        ("garbage", ["application/json"], "application/json"),
        ("application/json", [], None),
        ("application/json", ["text/html"], None),
        (
            "text/html;q=0.9, application/json",
            ["text/html", "application/json"],
            "application/json",
        ),
        ("*/*", ["text/html", "application/json"], "text/html"),
        ("*/*", ["application/json", "text/html"], "application/json"),
        # Equal quality: the more specific range wins over the server's order.
        ("application/json, */*", ["text/html", "application/json"], "application/json"),
        ("text/*", ["application/json", "text/plain"], "text/plain"),
        # A more specific range overrides a broader one, even to refuse.
        ("text/*, text/html;q=0", ["text/html", "text/plain"], "text/plain"),
        ("*/*, application/json;q=0", ["application/json"], None),
        # Duplicate ranges: the better quality counts.
        (
            "text/html;q=0.1, text/html;q=0.7, application/json;q=0.5",
            ["application/json", "text/html"],
            "text/html",
        ),
        ("text/html", ["text/html; charset=utf-8"], "text/html; charset=utf-8"),
        ("TEXT/HTML", ["text/html"], "text/html"),
        ("text/plain", ["textual/plain"], None),
    ],
)
def test_best_match(accept: str | None, offered: list[str], expected: str | None) -> None:
    assert best_match(accept, offered) == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, False),
        ("", False),
        ("nonsense", False),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),
        ("application/json", False),
        ("application/json, text/plain, */*", False),
        ("*/*", True),
        ("text/html;q=0.5, application/json;q=0.5", True),
        ("text/html;q=0.4, application/json;q=0.5", False),
        ("text/html;q=0", False),
        ("text/*", True),
    ],
)
def test_prefers_html(accept: str | None, expected: bool) -> None:
    assert prefers_html(accept) is expected
