"""Masking secrets in debug output: values under names that look secret are never shown.

A name containing ``KEY``, ``SECRET``, ``PASSWORD``, ``TOKEN``, ``COOKIE`` or ``AUTH`` (in
any case) has its value replaced, in request headers, query and form fields, cookies, frame
locals and the keys of mappings inside them. The debug error page and the toolbar both go
through :func:`safe_repr` and :func:`masked_items`.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

#: Parts of a name whose value is masked (compared in upper case).
SECRET_MARKERS = ("KEY", "SECRET", "PASSWORD", "TOKEN", "COOKIE", "AUTH")
MASK = "********"
_MAX_REPR = 1000


def is_secret(name: object) -> bool:
    """Whether a value named ``name`` must be masked."""
    upper = str(name).upper()
    return any(marker in upper for marker in SECRET_MARKERS)


class _MaskingRepr(reprlib.Repr):
    """``repr`` with bounded sizes that masks the values of secret-looking mapping keys."""

    def __init__(self) -> None:
        super().__init__()
        self.maxstring = 300
        self.maxother = 300
        self.maxdict = 30
        self.maxlist = self.maxtuple = self.maxset = self.maxfrozenset = 30
        self.maxlevel = 4

    def repr_dict(self, x: Mapping[Any, Any], level: int) -> str:
        return self._mapping(x, level, "{", "}")

    def repr_instance(self, x: Any, level: int) -> str:
        if isinstance(x, Mapping):  # dict subclasses (Config, Headers…) mask too
            return f"{type(x).__name__}(" + self._mapping(x, level, "{", "}") + ")"
        try:
            text = repr(x)
        except Exception as exc:  # a broken __repr__ must not break the page
            return f"<{type(x).__name__} instance; repr() raised {type(exc).__name__}>"
        if len(text) > self.maxother:
            text = text[: self.maxother - 3] + "..."
        return text

    def _mapping(self, x: Mapping[Any, Any], level: int, opening: str, closing: str) -> str:
        if not x:
            return opening + closing
        if level <= 0:
            return opening + "..." + closing
        pieces = []
        try:
            items = list(x.items())
        except Exception:
            return opening + "..." + closing
        for index, (key, value) in enumerate(items):
            if index >= self.maxdict:
                pieces.append("...")
                break
            shown = repr(MASK) if is_secret(key) else self.repr1(value, level - 1)
            pieces.append(f"{self.repr1(key, level - 1)}: {shown}")
        return opening + ", ".join(pieces) + closing


_repr = _MaskingRepr()


def safe_repr(name: object, value: Any) -> str:
    """A bounded ``repr`` of ``value``; the mask when ``name`` looks secret."""
    if is_secret(name):
        return MASK
    text = _repr.repr(value)
    return text if len(text) <= _MAX_REPR else text[: _MAX_REPR - 3] + "..."


def masked_items(pairs: Iterable[tuple[str, Any]]) -> list[tuple[str, str]]:
    """``(name, value)`` pairs as text, secret-looking names' values masked."""
    return [(str(name), MASK if is_secret(name) else str(value)) for name, value in pairs]


def masked_url(url: str) -> str:
    """``url`` (or a path) with the values of secret-looking query arguments masked."""
    base, mark, query = url.partition("?")
    if not mark:
        return url
    pairs = parse_qsl(query, keep_blank_values=True)
    return base + "?" + urlencode([(k, MASK if is_secret(k) else v) for k, v in pairs], safe="*")
