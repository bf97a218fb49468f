from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cupola import Cupola
from cupola.exceptions import RangeNotSatisfiable
from cupola.http.headers import Headers
from cupola.http.ranges import (
    evaluate_preconditions,
    http_date,
    if_range_matches,
    parse_http_date,
    parse_range_header,
)

MODIFIED = datetime(2024, 5, 17, 9, 30, 15, 123456, tzinfo=UTC)
MODIFIED_HEADER = "Fri, 17 May 2024 09:30:15 GMT"
ETAG = '"abc-123"'


def evaluate(
    headers: dict[str, str],
    method: str = "GET",
    etag: str | None = ETAG,
    last_modified: datetime | None = MODIFIED,
) -> int | None:
    return evaluate_preconditions(method, Headers(headers), etag, last_modified)


# -- dates ---------------------------------------------------------------------------------


def test_http_date_formats_aware_naive_and_timestamps_alike() -> None:
    assert http_date(MODIFIED) == MODIFIED_HEADER
    assert http_date(MODIFIED.replace(tzinfo=None)) == MODIFIED_HEADER
    assert http_date(MODIFIED.astimezone(timezone(timedelta(hours=2)))) == MODIFIED_HEADER
    assert http_date(MODIFIED.timestamp()) == MODIFIED_HEADER
    assert http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT"


@pytest.mark.parametrize(
    "value",
    [
        "Sun, 06 Nov 1994 08:49:37 GMT",  # IMF-fixdate
        "Sunday, 06-Nov-94 08:49:37 GMT",  # obsolete RFC 850
        "Sun Nov  6 08:49:37 1994",  # asctime
    ],
)
def test_parse_http_date_reads_the_three_formats(value: str) -> None:
    assert parse_http_date(value) == datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)


def test_parse_http_date_converts_offsets_to_utc() -> None:
    parsed = parse_http_date("Sun, 06 Nov 1994 10:49:37 +0200")
    assert parsed == datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)
    assert parsed is not None and parsed.tzinfo is UTC


@pytest.mark.parametrize(
    "value", [None, "", "yesterday", "Sun, 32 Nov 1994 08:49:37 GMT", "1", ",,,", "Sun, 06"]
)
def test_parse_http_date_returns_none_for_garbage(value: str | None) -> None:
    assert parse_http_date(value) is None


@given(st.text())
def test_parse_http_date_never_raises(value: str) -> None:
    result = parse_http_date(value)
    assert result is None or result.tzinfo is UTC


def test_http_date_round_trips() -> None:
    assert parse_http_date(http_date(MODIFIED)) == MODIFIED.replace(microsecond=0)


# -- preconditions -------------------------------------------------------------------------


def test_no_conditional_headers_proceed() -> None:
    assert evaluate({}) is None


@pytest.mark.parametrize(
    ("if_match", "expected"),
    [
        (ETAG, None),
        ('"other", "abc-123"', None),
        ("*", None),
        ('"other"', 412),
        ('W/"abc-123"', 412),  # If-Match needs the strong comparison
        ("garbage", 412),
    ],
)
def test_if_match(if_match: str, expected: int | None) -> None:
    assert evaluate({"If-Match": if_match}) == expected


def test_if_match_fails_for_a_weak_current_etag() -> None:
    assert evaluate({"If-Match": '"abc-123"'}, etag='W/"abc-123"') == 412


def test_if_match_without_a_current_etag_fails_unless_star() -> None:
    assert evaluate({"If-Match": ETAG}, etag=None) == 412
    assert evaluate({"If-Match": "*"}, etag=None) is None


def test_if_match_applies_to_unsafe_methods_too() -> None:
    assert evaluate({"If-Match": '"old"'}, method="PUT") == 412


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        (MODIFIED_HEADER, None),  # equal at one-second resolution
        ("Sat, 18 May 2024 00:00:00 GMT", None),
        ("Thu, 16 May 2024 00:00:00 GMT", 412),
        ("not a date", None),  # an invalid date is ignored
    ],
)
def test_if_unmodified_since(since: str, expected: int | None) -> None:
    assert evaluate({"If-Unmodified-Since": since}) == expected


def test_if_unmodified_since_is_ignored_with_if_match() -> None:
    headers = {"If-Match": ETAG, "If-Unmodified-Since": "Thu, 16 May 2024 00:00:00 GMT"}
    assert evaluate(headers) is None


def test_if_unmodified_since_is_ignored_without_a_modification_time() -> None:
    headers = {"If-Unmodified-Since": "Thu, 16 May 2024 00:00:00 GMT"}
    assert evaluate(headers, last_modified=None) is None


@pytest.mark.parametrize(
    "if_none_match",
    [ETAG, 'W/"abc-123"', '"x", "abc-123"', '"x",W/"abc-123"', "*", " * "],
)
def test_if_none_match_matching_gives_304_for_get_and_head(if_none_match: str) -> None:
    assert evaluate({"If-None-Match": if_none_match}) == 304
    assert evaluate({"If-None-Match": if_none_match}, method="HEAD") == 304


def test_if_none_match_uses_the_weak_comparison_against_a_weak_etag() -> None:
    assert evaluate({"If-None-Match": '"abc-123"'}, etag='W/"abc-123"') == 304


@pytest.mark.parametrize("if_none_match", ['"other"', 'W/"other"', "", "abc-123"])
def test_if_none_match_not_matching_proceeds(if_none_match: str) -> None:
    assert evaluate({"If-None-Match": if_none_match}) is None


def test_if_none_match_without_an_etag_only_matches_star() -> None:
    assert evaluate({"If-None-Match": ETAG}, etag=None) is None
    assert evaluate({"If-None-Match": "*"}, etag=None) == 304


def test_if_none_match_for_unsafe_methods_gives_412() -> None:
    assert evaluate({"If-None-Match": "*"}, method="POST") == 412
    assert evaluate({"If-None-Match": ETAG}, method="DELETE") == 412


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        (MODIFIED_HEADER, 304),  # sub-second mtime does not count as newer
        ("Sat, 18 May 2024 00:00:00 GMT", 304),
        ("Fri, 17 May 2024 09:30:14 GMT", None),
        ("garbage", None),
    ],
)
def test_if_modified_since(since: str, expected: int | None) -> None:
    assert evaluate({"If-Modified-Since": since}) == expected


def test_if_modified_since_is_ignored_when_if_none_match_is_present() -> None:
    headers = {"If-None-Match": '"other"', "If-Modified-Since": MODIFIED_HEADER}
    assert evaluate(headers) is None


def test_if_modified_since_only_applies_to_get_and_head() -> None:
    assert evaluate({"If-Modified-Since": MODIFIED_HEADER}, method="POST") is None
    assert evaluate({"If-Modified-Since": MODIFIED_HEADER}, method="HEAD") == 304


def test_if_modified_since_is_ignored_without_a_modification_time() -> None:
    assert evaluate({"If-Modified-Since": MODIFIED_HEADER}, last_modified=None) is None


def test_if_match_failure_wins_over_if_none_match() -> None:
    assert evaluate({"If-Match": '"other"', "If-None-Match": ETAG}) == 412


def test_naive_last_modified_is_taken_as_utc() -> None:
    naive = MODIFIED.replace(tzinfo=None)
    assert evaluate({"If-Modified-Since": MODIFIED_HEADER}, last_modified=naive) == 304


# -- If-Range ------------------------------------------------------------------------------


def test_if_range_absent_lets_the_range_apply() -> None:
    assert if_range_matches(None, ETAG, MODIFIED)


def test_if_range_etag_uses_the_strong_comparison() -> None:
    assert if_range_matches(ETAG, ETAG, MODIFIED)
    assert if_range_matches(f" {ETAG} ", ETAG, MODIFIED)
    assert not if_range_matches('"stale"', ETAG, MODIFIED)
    assert not if_range_matches('W/"abc-123"', ETAG, MODIFIED)
    assert not if_range_matches(ETAG, 'W/"abc-123"', MODIFIED)
    assert not if_range_matches(ETAG, None, MODIFIED)
    assert not if_range_matches('"unterminated', ETAG, MODIFIED)


def test_if_range_date_must_equal_last_modified_exactly() -> None:
    assert if_range_matches(MODIFIED_HEADER, ETAG, MODIFIED)
    assert not if_range_matches("Fri, 17 May 2024 09:30:14 GMT", ETAG, MODIFIED)
    assert not if_range_matches("Fri, 17 May 2024 09:30:16 GMT", ETAG, MODIFIED)
    assert not if_range_matches(MODIFIED_HEADER, ETAG, None)
    assert not if_range_matches("soon", ETAG, MODIFIED)


# -- Range ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("bytes=0-99", (0, 99)),
        ("bytes=0-0", (0, 0)),
        ("bytes=100-", (100, 999)),
        ("bytes=-500", (500, 999)),
        ("bytes=-5000", (0, 999)),  # a suffix longer than the file is the whole file
        ("bytes=900-5000", (900, 999)),  # end clamped to the last byte
        ("bytes=999-999", (999, 999)),
        ("Bytes=1-2", (1, 2)),  # the unit is case-insensitive
        ("bytes= 1-2 ", (1, 2)),
        ("bytes=1-2,", (1, 2)),  # empty list elements do not count
        ("bytes=0-99999999999999999999", None),  # beyond any file: ignored, which is allowed
        ("bytes=00000000000000000000001-2", (1, 2)),  # leading zeros are not length
    ],
)
def test_parse_range_header_single_ranges(value: str, expected: tuple[int, int] | None) -> None:
    assert parse_range_header(value, 1000) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "bytes",
        "bytes=",
        "bytes=-",
        "bytes=a-b",
        "bytes=5-3",  # last before first is invalid, so ignored
        "bytes=1-2-3",
        "bytes=0x10-",
        "bytes=\u0661-\u0662",  # Arabic-Indic digits, which int() would accept
        "items=0-10",
        "0-10",
        "bytes=0-1,5-6",  # several ranges: the whole file is sent instead
        "bytes=0-1, -1",
    ],
)
def test_parse_range_header_ignores_what_it_cannot_serve(value: str | None) -> None:
    assert parse_range_header(value, 1000) is None


@pytest.mark.parametrize(
    ("value", "length"),
    [
        ("bytes=1000-", 1000),
        ("bytes=1000-2000", 1000),
        ("bytes=5000-5001", 1000),
        ("bytes=-0", 1000),
        ("bytes=0-", 0),
        ("bytes=-1", 0),
    ],
)
def test_parse_range_header_unsatisfiable(value: str, length: int) -> None:
    with pytest.raises(RangeNotSatisfiable) as excinfo:
        parse_range_header(value, length)
    assert excinfo.value.code == 416
    assert excinfo.value.headers == [("Content-Range", f"bytes */{length}")]


@given(st.text(max_size=40), st.integers(min_value=0, max_value=10_000))
def test_parse_range_header_result_is_always_inside_the_file(value: str, length: int) -> None:
    try:
        result = parse_range_header(value, length)
    except RangeNotSatisfiable:
        return
    if result is not None:
        start, end = result
        assert 0 <= start <= end < length


@given(
    st.integers(min_value=0, max_value=2000),
    st.integers(min_value=0, max_value=2000),
    st.integers(min_value=1, max_value=1000),
)
def test_parse_range_header_int_range_matches_the_rfc(first: int, last: int, length: int) -> None:
    value = f"bytes={first}-{last}"
    if last < first:
        assert parse_range_header(value, length) is None
    elif first >= length:
        with pytest.raises(RangeNotSatisfiable):
            parse_range_header(value, length)
    else:
        assert parse_range_header(value, length) == (first, min(last, length - 1))


@pytest.mark.parametrize(
    "value",
    [
        "bytes=" + "0" * 5000 + "1-2",
        "bytes=1-" + "0" * 5000 + "2",
        "bytes=-" + "0" * 5000 + "1",
        "bytes=" + "9" * 5000 + "-",
    ],
    ids=["first", "last", "suffix", "huge"],
)
def test_overlong_positions_are_416(value: str) -> None:
    with pytest.raises(RangeNotSatisfiable):
        parse_range_header(value, 1000)


def test_overlong_range_on_a_static_file_is_416_not_500(
    tmp_path: Path, protocol: Literal["wsgi", "asgi"]
) -> None:
    (tmp_path / "file.txt").write_bytes(b"0123456789")
    app = Cupola(__name__, static_folder=str(tmp_path))
    with app.test_client(protocol) as client:
        response = client.get("/static/file.txt", headers={"Range": "bytes=" + "0" * 5000 + "1-2"})
        assert response.status_code == 416
        assert response.headers["content-range"] == "bytes */10"
        assert client.get("/static/file.txt", headers={"Range": "bytes=1-2"}).content == b"12"
