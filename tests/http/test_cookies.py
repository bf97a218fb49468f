from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cupola.http.cookies import dump_cookie, parse_cookie_header


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, {}),
        ("", {}),
        ("a=1", {"a": "1"}),
        ("a=1; b=2;c=3", {"a": "1", "b": "2", "c": "3"}),
        ("  a = 1 ;  b=  ", {"a": "1", "b": ""}),
        ("a=1; a=2", {"a": "1"}),
        ("a=x=y", {"a": "x=y"}),
        ('a="quoted"', {"a": "quoted"}),
        ('a=""', {"a": ""}),
        ('a="', {"a": '"'}),
        ('a="unterminated', {"a": '"unterminated'}),
        (r'a="\"x\"\\"', {"a": '"x"\\'}),
        (r'a="caf\303\251 \073"', {"a": "café ;"}),
        (r'a="\400"', {"a": "400"}),
        (r'a="bad \377 utf8"', {"a": "bad \ufffd utf8"}),
        ('a="raw é\\042"', {"a": 'raw é"'}),
        ("noequals; =nokey; ;;; b=2", {"b": "2"}),
        ("\x00garbage\udcff=1", {"\x00garbage\udcff": "1"}),
    ],
)
def test_parse_cookie_header(header: str | None, expected: dict[str, str]) -> None:
    assert parse_cookie_header(header) == expected


@given(st.text())
def test_parse_cookie_header_never_raises(header: str) -> None:
    assert isinstance(parse_cookie_header(header), dict)


@given(
    key=st.from_regex(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+", fullmatch=True),
    value=st.text().filter(lambda v: not set(v) & {"\r", "\n", "\0"}),
)
def test_cookie_round_trip(key: str, value: str) -> None:
    header = dump_cookie(key, value)
    assert header.isascii()
    pair = header.split("; ")[0]
    assert parse_cookie_header(f"other=1; {pair}; {key}=later") == {"other": "1", key: value}


def test_dump_cookie_defaults() -> None:
    assert dump_cookie("sid", "abc") == "sid=abc; Path=/"
    assert dump_cookie("sid") == "sid=; Path=/"


def test_dump_cookie_quotes_unsafe_values() -> None:
    assert dump_cookie("k", 'a b;c"d\\é', path=None) == r'k="a\040b\073c\"d\\\303\251"'


def test_dump_cookie_all_attributes() -> None:
    header = dump_cookie(
        "sid",
        "v",
        expires=datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC),
        max_age=60,
        path="/app",
        domain=".example.com",
        secure=True,
        httponly=True,
        samesite="None",
        partitioned=True,
    )
    assert header == (
        "sid=v; Domain=.example.com; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Max-Age=60;"
        " Path=/app; SameSite=None; Secure; HttpOnly; Partitioned"
    )


@pytest.mark.parametrize(
    ("expires", "expected"),
    [
        (datetime(2030, 1, 2, 3, 4, 5), "Wed, 02 Jan 2030 03:04:05 GMT"),
        (
            datetime(2030, 1, 2, 5, 4, 5, tzinfo=timezone(timedelta(hours=2))),
            "Wed, 02 Jan 2030 03:04:05 GMT",
        ),
        (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (1893553445.5, "Wed, 02 Jan 2030 03:04:05 GMT"),
        ("Wed, 02 Jan 2030 03:04:05 GMT", "Wed, 02 Jan 2030 03:04:05 GMT"),
    ],
)
def test_dump_cookie_expires(expires: Any, expected: str) -> None:
    assert dump_cookie("k", expires=expires, path=None) == f"k=; Expires={expected}"


def _expires(header: str) -> datetime:
    match = re.search(r"Expires=([^;]+)", header)
    assert match is not None
    return parsedate_to_datetime(match[1])


@pytest.mark.parametrize("max_age", [3600, timedelta(hours=1)])
def test_dump_cookie_max_age_sets_expires(max_age: int | timedelta) -> None:
    header = dump_cookie("k", "v", max_age=max_age)
    assert "Max-Age=3600" in header
    remaining = _expires(header) - datetime.now(UTC)
    assert timedelta(minutes=59) < remaining <= timedelta(hours=1)


def test_dump_cookie_explicit_expires_wins_over_max_age() -> None:
    header = dump_cookie("k", max_age=10, expires=0)
    assert "Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=10" in header


def test_dump_cookie_negative_max_age_is_zero() -> None:
    header = dump_cookie("k", max_age=-5)
    assert "Max-Age=0" in header
    assert abs((_expires(header) - datetime.now(UTC)).total_seconds()) < 5


@pytest.mark.parametrize("samesite", ["lax", "Lax", "LAX"])
def test_dump_cookie_samesite_is_case_insensitive(samesite: Any) -> None:
    assert dump_cookie("k", samesite=samesite).endswith("; SameSite=Lax")


def test_dump_cookie_samesite_strict() -> None:
    assert dump_cookie("k", samesite="Strict").endswith("; SameSite=Strict")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"key": ""}, "Invalid cookie name"),
        ({"key": "a b"}, "Invalid cookie name"),
        ({"key": "a;b"}, "Invalid cookie name"),
        ({"key": "a=b"}, "Invalid cookie name"),
        ({"key": "a\r\nSet-Cookie: x"}, "Invalid cookie name"),
        ({"key": "é"}, "Invalid cookie name"),
        ({"value": "a\r\nb"}, "contains CR, LF or NUL"),
        ({"value": "a\nb"}, "contains CR, LF or NUL"),
        ({"value": "a\0b"}, "contains CR, LF or NUL"),
        ({"path": "/a\r\nX: y"}, "cookie path"),
        ({"path": "/a; Domain=evil.com"}, "cookie path"),
        ({"path": "/é"}, "cookie path"),
        ({"domain": "a.com\0"}, "cookie domain"),
        ({"domain": "a.com; Secure"}, "cookie domain"),
        ({"expires": "Wed\r\n"}, "cookie expires"),
        ({"expires": "x; Domain=evil.com"}, "cookie expires"),
        ({"samesite": "Sometimes"}, "SameSite must be"),
        ({"samesite": "None"}, "requires secure=True"),
        ({"partitioned": True}, "requires secure=True"),
    ],
)
def test_dump_cookie_rejects(kwargs: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {"key": "k", "value": "v", **kwargs}
    with pytest.raises(ValueError, match=message):
        dump_cookie(**arguments)
