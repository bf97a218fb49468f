"""Conditional and range requests: validators, preconditions and byte ranges (RFC 9110 §13, §14).

Pure functions over header values, with no I/O: :class:`~cupola.http.files.FileResponse`
uses them to answer 304, 412, 206 and 416, and any view that knows its resource's ETag or
modification time can use them the same way.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import format_datetime, formatdate, parsedate_to_datetime

from cupola.exceptions import RangeNotSatisfiable
from cupola.http.headers import Headers

# RFC 9110 §8.8.3: entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE.
_ETAG_RE = re.compile(r'(W/)?"([^"]*)"')
# RFC 9110 §14.1.1: int-range = first-pos "-" [ last-pos ], suffix-range = "-" suffix-length.
_RANGE_SPEC_RE = re.compile(r"([0-9]*)-([0-9]*)")
# An exabyte: longer positions lie beyond every file, and parsing them is wasted work.
_MAX_DIGITS = 18
# A position written with more characters than this (leading zeros included) is refused
# with 416 before any conversion: int() of thousands of digits is slow, and past 4,300 it
# raises (CVE-2020-10735 limit).
_MAX_POSITION_CHARS = 64

_SAFE_FOR_304 = frozenset({"GET", "HEAD"})


def http_date(value: datetime | float) -> str:
    """Format a time as an IMF-fixdate (RFC 9110 §5.6.7), as used in ``Last-Modified``.

    Args:
        value: A datetime (naive ones are taken as UTC) or a POSIX timestamp.

    Returns:
        A string such as ``"Sun, 06 Nov 1994 08:49:37 GMT"``.
    """
    if isinstance(value, datetime):
        return format_datetime(_as_utc(value), usegmt=True)
    return formatdate(value, usegmt=True)


def parse_http_date(value: str | None) -> datetime | None:
    """Parse an HTTP-date in any of the three formats RFC 9110 §5.6.7 requires.

    Args:
        value: A header value, or ``None``.

    Returns:
        An aware UTC datetime, or ``None`` when ``value`` is missing or not a date.
    """
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return _as_utc(parsed)


def _as_utc(value: datetime) -> datetime:
    # NOTE: a date without a zone ("-0000" or asctime format) is GMT in HTTP.
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _seconds(value: datetime) -> datetime:
    """Drop what an HTTP-date cannot carry, so comparisons are at one-second resolution."""
    return _as_utc(value).replace(microsecond=0)


def _parse_etag(value: str) -> tuple[bool, str] | None:
    """Split one entity-tag into ``(weak, opaque_tag)``."""
    match = _ETAG_RE.fullmatch(value.strip())
    if match is None:
        return None
    return match.group(1) is not None, match.group(2)


def _etag_list(value: str) -> list[tuple[bool, str]]:
    """Every well-formed entity-tag of an ``If-Match``/``If-None-Match`` list."""
    return [(bool(weak), tag) for weak, tag in _ETAG_RE.findall(value)]


def _matches(header: str, etag: str | None, *, strong: bool) -> bool:
    """Whether an ``If-Match``/``If-None-Match`` value matches the current ``etag``.

    ``*`` matches any current representation (RFC 9110 §13.1.1): the caller only asks
    about resources that exist.
    """
    if header.strip() == "*":
        return True
    current = _parse_etag(etag) if etag is not None else None
    if current is None:
        return False
    current_weak, current_tag = current
    if strong and current_weak:
        return False
    return any(tag == current_tag and not (strong and weak) for weak, tag in _etag_list(header))


def evaluate_preconditions(
    method: str,
    request_headers: Headers,
    etag: str | None,
    last_modified: datetime | None,
) -> int | None:
    """Evaluate the conditional headers in the order of RFC 9110 §13.2.2.

    Args:
        method: The request method, upper case.
        request_headers: The request's headers.
        etag: The current representation's ``ETag`` (quoted, maybe ``W/``), or ``None``.
        last_modified: When the representation last changed, or ``None`` when unknown.

    Returns:
        ``412`` when a precondition fails, ``304`` when a GET or HEAD may be answered
        "not modified", and ``None`` when the request should proceed.

    Example:
        >>> evaluate_preconditions("GET", Headers({"If-None-Match": '"v1"'}), '"v1"', None)
        304
    """
    if_match = request_headers.get("if-match")
    if if_match is not None:
        # §13.1.1: If-Match uses the strong comparison.
        if not _matches(if_match, etag, strong=True):
            return 412
    elif last_modified is not None:
        since = parse_http_date(request_headers.get("if-unmodified-since"))
        if since is not None and _seconds(last_modified) > since:
            return 412

    if_none_match = request_headers.get("if-none-match")
    if if_none_match is not None:
        # §13.1.2: If-None-Match uses the weak comparison.
        if _matches(if_none_match, etag, strong=False):
            return 304 if method in _SAFE_FOR_304 else 412
    elif method in _SAFE_FOR_304 and last_modified is not None:
        since = parse_http_date(request_headers.get("if-modified-since"))
        if since is not None and _seconds(last_modified) <= since:
            return 304
    return None


def if_range_matches(value: str | None, etag: str | None, last_modified: datetime | None) -> bool:
    """Whether a ``Range`` should be honoured given the request's ``If-Range`` (§13.1.5).

    Args:
        value: The ``If-Range`` header, or ``None`` when absent (the range then applies).
        etag: The current ``ETag``, or ``None``.
        last_modified: When the representation last changed, or ``None``.

    Returns:
        ``True`` when the validator is current: an entity-tag that matches ``etag`` by the
        strong comparison, or a date exactly equal to ``last_modified``. When ``False`` the
        whole representation is sent.
    """
    if value is None:
        return True
    value = value.strip()
    if value.startswith(('"', 'W/"')):
        given = _parse_etag(value)
        current = _parse_etag(etag) if etag is not None else None
        if given is None or current is None:
            return False
        return not given[0] and not current[0] and given[1] == current[1]
    date = parse_http_date(value)
    return date is not None and last_modified is not None and _seconds(last_modified) == date


def parse_range_header(value: str | None, length: int) -> tuple[int, int] | None:
    """Parse a ``Range`` header asking for a single byte range (RFC 9110 §14.1.2).

    Args:
        value: The ``Range`` header, or ``None``.
        length: Size of the complete representation in bytes.

    Returns:
        The inclusive ``(start, end)`` positions, with ``end`` clamped to the last byte, or
        ``None`` when the whole representation should be sent: no header, another unit, a
        malformed value, or several ranges (a server MAY ignore ``Range``, §14.2).

    Raises:
        RangeNotSatisfiable: When the range is valid but starts past the end, asks for an
            empty suffix, or the representation is empty (§14.1.1); or when a position is
            written with more than 64 characters (``bytes=000…0001-2``).

    Example:
        >>> parse_range_header("bytes=-500", 10_000)
        (9500, 9999)
    """
    if value is None:
        return None
    unit, sep, ranges = value.partition("=")
    if not sep or unit.strip().lower() != "bytes":
        return None
    specs = [spec.strip() for spec in ranges.split(",") if spec.strip()]
    if len(specs) != 1:
        return None
    match = _RANGE_SPEC_RE.fullmatch(specs[0])
    if match is None:
        return None
    first, last = match.groups()
    if len(first) > _MAX_POSITION_CHARS or len(last) > _MAX_POSITION_CHARS:
        raise RangeNotSatisfiable(length=length)
    if not (first or last) or any(len(pos.lstrip("0")) > _MAX_DIGITS for pos in (first, last)):
        return None
    if not first:
        suffix = int(last)
        if suffix == 0 or length == 0:
            raise RangeNotSatisfiable(length=length)
        return max(length - suffix, 0), length - 1
    start = int(first)
    end = int(last) if last else length - 1
    if last and end < start:
        return None
    if start >= length:
        raise RangeNotSatisfiable(length=length)
    return start, min(end, length - 1)
