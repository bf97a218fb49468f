"""Query strings: ``application/x-www-form-urlencoded`` parsing and building.

The same format carries ``request.args`` and urlencoded form bodies, so
:func:`parse_query_string` takes the ``max_parts`` cap that forms need. Parsing follows
the WHATWG URL standard: ``&`` separates fields, ``+`` is a space and a malformed
percent escape is kept literally, as browsers do.
"""

from __future__ import annotations

import codecs
import urllib.parse
from collections.abc import Iterable, Mapping
from typing import Any

from cupola.exceptions import BadRequest, RequestEntityTooLarge
from cupola.http.multidict import ImmutableMultiDict, MultiDict


def parse_query_string(qs: str | bytes, *, max_parts: int | None = None) -> ImmutableMultiDict[str]:
    """Parse a query string (or urlencoded body) into a multi-dict.

    Blank values are kept and a field without ``=`` maps to ``""``; empty fields
    (``a=1&&b=2``) are skipped. Percent escapes decode to UTF-8.

    Args:
        qs: The query string without the ``?``, as text or as raw bytes.
        max_parts: Most fields accepted, or ``None`` for no limit.

    Returns:
        Field names mapped to their values, in order.

    Raises:
        BadRequest: The decoded bytes are not valid UTF-8.
        RequestEntityTooLarge: There are more than ``max_parts`` fields.

    Example:
        >>> parse_query_string("tag=a&tag=b&q=caf%C3%A9+au+lait").getlist("tag")
        ['a', 'b']
    """
    if not qs:
        return ImmutableMultiDict()
    try:
        fields = parse_fields(qs.encode() if isinstance(qs, str) else qs, max_parts)
    except UnicodeError:
        raise BadRequest("The query string is not valid UTF-8.") from None
    return ImmutableMultiDict.from_lists(fields)


# What a URL or a browser's form body carries unescaped, other than the separators, as
# RFC 3986 allows (``pchar`` and ``?``): no space, no control, no backslash, no non-ASCII.
_URL_CHARACTERS = (
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$'()*+,;:@/?%"
)
_SEPARATORS_TO_NUL = bytes.maketrans(b"&=+", b"\0\0 ")
# The separators of n fields ``name=value`` (none empty) are the first 2n - 1 bytes here.
_ALTERNATING = b"=&" * 1000


def parse_fields(data: bytes, max_parts: int | None) -> dict[str, list[str]]:
    r"""Parse urlencoded bytes into ``{name: [values]}``, as :func:`parse_query_string`.

    PERF: the usual body takes a few passes at C speed: only URL characters, every field
    ``name=value`` with one raw ``=``, no empty field, no repeated name, well-formed
    escapes other than ``%00``, at most ``max_parts`` fields (and 1,000). Both separators
    become NUL, so one split yields names and values in turn, and ``%`` becomes the
    ``\x`` escape that ``codecs.escape_decode`` understands (there is no raw backslash to
    mistake for one). Any other body takes the general path; raw non-ASCII bytes among
    them, which it checks before escapes could join them into UTF-8.

    Raises:
        UnicodeError: The bytes, raw or percent-decoded, are not valid UTF-8.
        RequestEntityTooLarge: There are more than ``max_parts`` fields.
    """
    # What is left once URL characters are deleted: the separators, and anything unusual.
    separators = data.translate(None, _URL_CHARACTERS)
    if (
        not len(separators) % 2
        or not _ALTERNATING.startswith(separators)
        or (max_parts is not None and len(separators) >= 2 * max_parts)
    ):
        return _parse_general(data, max_parts)
    marked = data.translate(_SEPARATORS_TO_NUL)
    if 37 in marked:  # '%'
        try:
            marked = codecs.escape_decode(marked.replace(b"%", b"\\x"))[0]
        except ValueError:  # a malformed escape: kept literally by the general path
            return _parse_general(data, max_parts)
    parts = marked.decode().split("\0")
    if len(parts) != len(separators) + 1:  # a decoded NUL split a field
        return _parse_general(data, max_parts)
    # PERF: one iterator zipped with itself pairs names with values; a strict= argument
    # would cost more than it checks (the count is even by construction). A loop, as a
    # comprehension is a function to build and call in Python 3.11.
    names_and_values = iter(parts)
    fields: dict[str, list[str]] = {}
    for name, value in zip(names_and_values, names_and_values):  # noqa: B905
        fields[name] = [value]
    if 2 * len(fields) != len(parts):  # a name repeats
        return _parse_general(data, max_parts)
    return fields


def _parse_general(data: bytes, max_parts: int | None) -> dict[str, list[str]]:
    text = data.decode()
    # PERF: more than n fields, none empty, take more than 2n characters: counting
    # the separators of a shorter string would be a pass for nothing.
    if max_parts is not None and len(text) > 2 * max_parts and text.count("&") >= max_parts:
        _check_parts(text, max_parts)
    return _parse(text)


def _check_parts(text: str, max_parts: int) -> None:
    fields = text.split("&")
    if len(fields) - fields.count("") > max_parts:
        raise RequestEntityTooLarge("The form has too many fields (limit: MAX_FORM_PARTS).")


# Separators stand-ins while the whole string is decoded in one pass (see _decode_all).
_FIELD, _EQUALS = "\0", "\1"


def _parse(text: str) -> dict[str, list[str]]:
    # PERF: '+' never separates, so one replace serves every field.
    if "+" in text:
        text = text.replace("+", " ")
    sep, equals = "&", "="
    if "%" in text:
        decoded = _decode_all(text)
        if decoded is None:
            return _parse_fieldwise(text)
        text, sep, equals = decoded, _FIELD, _EQUALS
    data: dict[str, list[str]] = {}
    for field in text.split(sep):
        if not field:
            continue
        name, _, value = field.partition(equals)
        if equals is _EQUALS and _EQUALS in value:
            value = value.replace(_EQUALS, "=")
        if name in data:
            data[name].append(value)
        else:
            data[name] = [value]
    return data


def _decode_all(text: str) -> str | None:
    r"""Percent-decode the whole string at C speed, separators replaced by stand-ins.

    The raw ``&`` and ``=`` become NUL and SOH first, so escaped ones (``%26``, ``%3D``)
    decode to plain characters that no longer separate. Backslashes are doubled, then every
    ``%`` becomes the ``\x`` escape ``codecs.escape_decode`` understands. Returns ``None``
    when a stand-in could be ambiguous (an escaped or raw control character) or an escape
    is malformed; the caller then decodes field by field.

    Raises:
        UnicodeDecodeError: The decoded bytes are not UTF-8.
    """
    if "%0" in text or _FIELD in text or _EQUALS in text:
        return None
    marked = text.replace("&", _FIELD).replace("=", _EQUALS).encode()
    try:
        raw = codecs.escape_decode(marked.replace(b"\\", b"\\\\").replace(b"%", b"\\x"))[0]
    except ValueError:  # a malformed escape: kept literally by the field-wise path
        return None
    return raw.decode()


def _parse_fieldwise(text: str) -> dict[str, list[str]]:
    """The slow path: fields split first, then each part decoded on its own."""
    data: dict[str, list[str]] = {}
    for field in text.split("&"):
        if not field:
            continue
        name, _, value = field.partition("=")
        name = urllib.parse.unquote_to_bytes(name).decode() if "%" in name else name
        value = urllib.parse.unquote_to_bytes(value).decode() if "%" in value else value
        data.setdefault(name, []).append(value)
    return data


def urlencode(values: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> str:
    """Build a query string.

    A list or tuple value repeats its key once per item; ``None`` values are dropped;
    other values are converted with ``str``. A :class:`MultiDict` contributes every
    value of each key.

    Args:
        values: A mapping, or ``(key, value)`` pairs.

    Returns:
        The query string, without a leading ``?``.

    Example:
        >>> urlencode({"q": "café au lait", "tag": ["a", "b"], "page": None})
        'q=caf%C3%A9+au+lait&tag=a&tag=b'
    """
    if isinstance(values, MultiDict):
        items: Iterable[tuple[str, Any]] = values.items(multi=True)
    elif isinstance(values, Mapping):
        items = values.items()
    else:
        items = values
    pairs = []
    for key, value in items:
        for item in value if isinstance(value, list | tuple) else (value,):
            if item is not None:
                pairs.append((key, item))
    return urllib.parse.urlencode(pairs)
