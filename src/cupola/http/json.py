"""JSON codec for request and response bodies, built on orjson.

:func:`loads` reads untrusted input: every way a body can be unacceptable becomes a
:class:`~cupola.exceptions.BadRequest` naming the problem (DESIGN §7). :func:`dumps`
serialises what views return, with a few conversions orjson does not do on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from itertools import accumulate
from typing import Any

import orjson

from cupola.exceptions import BadRequest

MAX_DEPTH = 128
"""Deepest nesting of arrays and objects :func:`loads` accepts."""

# Bytes that matter to nesting: brackets and the quotes delimiting strings. `translate`
# deletes the rest at C speed, leaving a small skeleton of the document to scan.
_NOT_STRUCTURE = bytes(set(range(256)) - set(b'[]{}"'))
_AS_PARENS = bytes.maketrans(b"[]{}", b"()()")
# Signed bytes: '(' becomes +1 and ')' becomes -1 once the skeleton is cast to "b".
_AS_STEPS = bytes.maketrans(b"()", b"\x01\xff")
# PERF: each pass deletes the innermost pairs, which empties the skeleton of a typical
# document in a few cheap `bytes.replace` calls; only deeper documents reach the exact
# running-sum scan, on what is left of them.
_QUICK_PASSES = 8

# orjson messages whose cause deserves a plainer description than "invalid JSON".
_DESCRIPTIONS = (
    ("not valid UTF-8", "The JSON body is not valid UTF-8."),
    ("surrogate", "The JSON body contains an unpaired UTF-16 surrogate escape."),
    ("number is infinity", "A number in the JSON body is too large."),
    ("depth limit exceeded", f"The JSON body is nested deeper than {MAX_DEPTH} levels."),
    ("empty", "The JSON body is empty."),
)


def loads(data: bytes | str) -> Any:
    """Parse a JSON document from an untrusted source.

    Rejects what RFC 8259 rejects (including ``NaN`` and ``Infinity``, lone surrogates
    and invalid UTF-8), numbers too large for a float (so any integer of more than
    4,300 digits), and nesting deeper than :data:`MAX_DEPTH`. Integers beyond 64 bits
    are read as floats, as orjson does.

    Args:
        data: The document, as UTF-8 bytes or as text.

    Returns:
        The decoded value.

    Raises:
        BadRequest: The document is unacceptable; the description says why and, for a
            syntax error, at which character.
    """
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(_describe(exc)) from None
    encoded = data.encode() if isinstance(data, str) else data
    # PERF: a document with at most MAX_DEPTH opening brackets cannot be too deep.
    if encoded.count(b"[") + encoded.count(b"{") > MAX_DEPTH and _too_deep(encoded):
        raise BadRequest(f"The JSON body is nested deeper than {MAX_DEPTH} levels.")
    return value


def _describe(exc: orjson.JSONDecodeError) -> str:
    for fragment, description in _DESCRIPTIONS:
        if fragment in exc.msg:
            return description
    if exc.doc[exc.pos : exc.pos + 3] == "NaN" or exc.doc[exc.pos : exc.pos + 8] == "Infinity":
        return "NaN and Infinity are not valid JSON numbers."
    return f"Invalid JSON: {exc.msg} at character {exc.pos}."


def _too_deep(document: bytes) -> bool:
    """Tell whether a valid JSON document nests deeper than :data:`MAX_DEPTH`.

    Strings are cut out first, so brackets inside them do not count. The document is
    known to be valid, which makes that safe with plain substring operations.
    """
    if 92 in document:  # a backslash, as an int: bytes' `in` raises for a bytes operand
        # Drop escaped backslashes first so that `\\"` does not hide a closing quote.
        document = document.replace(b"\\\\", b"").replace(b'\\"', b"")
    # `""` is an empty string, or two strings with nothing between them: either way
    # deleting the pair keeps every bracket on its side of the quotes.
    skeleton = document.translate(_AS_PARENS, _NOT_STRUCTURE).replace(b'""', b"")
    if b'"' in skeleton:
        skeleton = b"".join(skeleton.split(b'"')[::2])
    for _ in range(_QUICK_PASSES):
        skeleton = skeleton.replace(b"()", b"")
    if not skeleton:
        return False
    steps = memoryview(skeleton.translate(_AS_STEPS)).cast("b")
    return max(accumulate(steps)) > MAX_DEPTH - _QUICK_PASSES


def _default(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, set | frozenset):
        return list(obj)
    to_json: Callable[[], Any] | None = getattr(obj, "__json__", None)
    if to_json is not None:
        return to_json()
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


def dumps(obj: Any) -> bytes:
    """Serialise a value to compact UTF-8 JSON.

    Beyond what orjson handles natively (datetime, date, time, UUID, dataclasses,
    enums), ``Decimal`` becomes a string, ``set`` and ``frozenset`` become arrays and an
    object with a ``__json__()`` method is replaced by what that method returns.
    Dictionary keys need not be strings; integers must fit in 64 bits.

    Args:
        obj: The value to serialise.

    Returns:
        The JSON document.

    Raises:
        TypeError: A value of an unsupported type (the message names the type) or an
            integer beyond 64 bits.
    """
    return orjson.dumps(obj, default=_default, option=orjson.OPT_NON_STR_KEYS)
