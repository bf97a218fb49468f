"""Media types: ``Content-Type``-style option headers and ``Accept`` negotiation.

:func:`parse_options_header` splits a header such as ``Content-Type`` or
``Content-Disposition`` into its value and parameters; :func:`parse_accept`,
:func:`best_match` and :func:`prefers_html` implement proactive content negotiation
(RFC 9110 §12.5.1). Every function here tolerates malformed input and never raises.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# A parameter: `; name = value`, where value is a quoted-string or a bare token. Text that
# does not fit is skipped, so one malformed parameter does not hide the ones after it.
_PARAM = re.compile(
    r"""
    ;\s*(?P<name>[^\s;=]+)\s*=\s*
    (?:"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<token>[^;]*))
    """,
    re.VERBOSE | re.DOTALL,
)
# NOTE: only `\\` and `\"` are unescaped. Legacy clients send Windows paths such as
# `filename="C:\dir\f.txt"` unescaped; undoing every backslash would glue the directories
# into the name instead of letting `secure_filename` strip them.
_QUOTED_PAIR = re.compile(r'\\([\\"])')
# RFC 9110 §12.4.2 qvalue, allowing any number of decimals.
_QVALUE = re.compile(r"0(?:\.[0-9]*)?|1(?:\.0*)?")
_HTML_OR_JSON = ("text/html", "application/json")


def parse_options_header(value: str | None) -> tuple[str, dict[str, str]]:
    """Split a header into its lowercased value and its parameters.

    Parameter names are lowercased, quoted-strings are unquoted and, when a parameter
    repeats, the first occurrence wins.

    Args:
        value: A header value such as ``'text/html; charset="UTF-8"'``, or ``None``.

    Returns:
        The value and a dict of parameters; ``("", {})`` for a missing header.

    Example:
        >>> parse_options_header('multipart/form-data; boundary="x y"; charset=UTF-8')
        ('multipart/form-data', {'boundary': 'x y', 'charset': 'UTF-8'})
    """
    if not value:
        return "", {}
    main, semicolon, _ = value.partition(";")
    # PERF: most Content-Type headers carry no parameters.
    if not semicolon:
        return main.strip().lower(), {}
    params: dict[str, str] = {}
    for match in _PARAM.finditer(value, len(main)):
        quoted = match["quoted"]
        if quoted is None:
            param = match["token"].strip()
        elif "\\" in quoted:
            param = _QUOTED_PAIR.sub(r"\1", quoted)
        else:
            param = quoted
        params.setdefault(match["name"].lower(), param)
    return main.strip().lower(), params


def _specificity(media_range: str) -> int:
    """Rank ``*/*`` below ``type/*`` below ``type/subtype``."""
    if media_range == "*/*":
        return 0
    return 1 if media_range.endswith("/*") else 2


def parse_accept(value: str | None) -> list[tuple[str, float]]:
    """Parse an ``Accept`` header into media ranges, best first.

    Ranges are ordered by quality, then by specificity (``text/html`` before ``text/*``
    before ``*/*``), then by their order in the header. Media-range parameters other
    than ``q`` are ignored; entries that are not ``type/subtype`` or whose quality is
    invalid are dropped. A bare ``*`` is read as ``*/*``, as some clients send it.

    Args:
        value: The ``Accept`` header, or ``None``.

    Returns:
        ``(media_range, quality)`` pairs, with lowercased media ranges.

    Example:
        >>> parse_accept("text/*;q=0.5, text/html, */*;q=0.1")
        [('text/html', 1.0), ('text/*', 0.5), ('*/*', 0.1)]
    """
    if not value:
        return []
    ranges: list[tuple[str, float]] = []
    for item in value.split(","):
        media_range, params = parse_options_header(item)
        if media_range == "*":
            media_range = "*/*"
        main, slash, sub = media_range.partition("/")
        if not (main and slash and sub) or (main == "*" and sub != "*"):
            continue
        quality = params.get("q", "1")
        if not _QVALUE.fullmatch(quality):
            continue
        ranges.append((media_range, float(quality)))
    ranges.sort(key=lambda pair: (-pair[1], -_specificity(pair[0])))
    return ranges


def _matches(media_range: str, media_type: str) -> bool:
    if media_range == "*/*":
        return True
    if media_range.endswith("/*"):
        return media_type.startswith(media_range[:-1])
    return media_range == media_type


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """Return the quality and specificity of the most specific range matching the type.

    A more specific range overrides a broader one (RFC 9110 §12.5.1), so
    ``text/*;q=1, text/html;q=0`` refuses ``text/html``.
    """
    best = (0.0, -1)
    for media_range, quality in ranges:
        specificity = _specificity(media_range)
        if _matches(media_range, media_type) and (
            specificity > best[1] or (specificity == best[1] and quality > best[0])
        ):
            best = (quality, specificity)
    return best


def _best(ranges: list[tuple[str, float]], offered: Sequence[str]) -> str | None:
    best: str | None = None
    best_rank = (0.0, -1)
    for candidate in offered:
        rank = _quality(parse_options_header(candidate)[0], ranges)
        # Strictly greater: on a tie the server's earlier preference wins.
        if rank[0] > 0 and rank > best_rank:
            best, best_rank = candidate, rank
    return best


def best_match(accept: str | None, offered: Sequence[str]) -> str | None:
    """Choose the offered media type the client prefers.

    The client's quality decides first; on equal quality the type matched by the more
    specific range wins (``application/json, */*`` prefers JSON to HTML), and after
    that the earlier entry of ``offered``. A missing or unparsable ``Accept`` accepts
    anything, so the first offered type is returned.

    Args:
        accept: The ``Accept`` header, or ``None``.
        offered: Media types the server can produce, most preferred first; parameters
            such as ``; charset=utf-8`` are allowed and ignored for matching.

    Returns:
        One of ``offered``, or ``None`` when the client accepts none of them.

    Example:
        >>> best_match("text/html;q=0.9, application/json", ["text/html", "application/json"])
        'application/json'
    """
    if not offered:
        return None
    ranges = parse_accept(accept)
    if not ranges:
        return offered[0]
    return _best(ranges, offered)


def prefers_html(accept: str | None) -> bool:
    """Tell whether the client ranks ``text/html`` at least as high as JSON.

    Browsers do; API clients that ask for ``application/json`` do not. A missing or
    unparsable ``Accept`` header yields ``False``, so such clients get JSON.

    Args:
        accept: The ``Accept`` header, or ``None``.

    Returns:
        Whether an HTML representation should be preferred.
    """
    ranges = parse_accept(accept)
    return bool(ranges) and _best(ranges, _HTML_OR_JSON) == "text/html"
