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
        text = qs.decode() if isinstance(qs, bytes) else qs
        pairs = _parse_pairs(text, max_parts)
    except UnicodeError:
        raise BadRequest("The query string is not valid UTF-8.") from None
    return ImmutableMultiDict(pairs)


def _parse_pairs(text: str, max_parts: int | None) -> list[tuple[str, str]]:
    fields = text.split("&")
    if max_parts is not None and len(fields) - fields.count("") > max_parts:
        raise RequestEntityTooLarge("The form has too many fields (limit: MAX_FORM_PARTS).")
    # PERF: '+' never separates, so one replace serves every field.
    if "+" in text:
        fields = [field.replace("+", " ") for field in fields]
    tokens: list[str] = []
    for field in fields:
        if field:
            name, _, value = field.partition("=")
            tokens += (name, value)
    if "%" in text:
        tokens = _unquote_tokens(tokens)
    return list(zip(tokens[::2], tokens[1::2], strict=True))


def _unquote_tokens(tokens: list[str]) -> list[str]:
    """Percent-decode every token to UTF-8 text; malformed escapes stay literal.

    Raises:
        UnicodeDecodeError: The decoded bytes are not UTF-8.
    """
    # PERF: one C-level decode of all tokens joined by NUL (about 3x faster than
    # unquote_to_bytes per field): backslashes are doubled, then every '%' becomes the
    # '\x' escape that codecs.escape_decode understands. A malformed escape, or a decoded
    # NUL that would shift the split, falls back to decoding token by token.
    joined = "\0".join(tokens).encode().replace(b"\\", b"\\\\").replace(b"%", b"\\x")
    try:
        decoded = codecs.escape_decode(joined)[0].decode().split("\0")
    except ValueError as exc:
        if isinstance(exc, UnicodeDecodeError):
            raise
        decoded = []
    if len(decoded) == len(tokens):
        return decoded
    return [urllib.parse.unquote_to_bytes(token).decode() for token in tokens]


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
