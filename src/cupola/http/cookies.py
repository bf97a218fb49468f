"""Cookies: parsing the ``Cookie`` request header and building ``Set-Cookie`` values.

Values that fall outside the RFC 6265 cookie-octet set are written as a quoted-string
with backslash and octal escapes, the scheme of Python's ``http.cookies`` (and so of
Django and Werkzeug); :func:`parse_cookie_header` undoes it, so any ``str`` round-trips.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, formatdate
from typing import Literal, TypedDict

# RFC 6265 §4.1.1: cookie-name is an RFC 2616 token.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# RFC 6265 §4.1.1 cookie-octet: printable US-ASCII except space, '"', ',', ';' and '\'.
_COOKIE_OCTETS = re.compile(r"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*")
# Path and Domain values: printable US-ASCII without ';', which would start an attribute.
_ATTRIBUTE_VALUE = re.compile(r"[\x20-\x3a\x3c-\x7e]*")
_ESCAPE = re.compile(r"\\(?:([0-3][0-7]{2})|(.))", re.DOTALL)
_FORBIDDEN = frozenset("\r\n\0")
_SAMESITE = {"lax": "Lax", "strict": "Strict", "none": "None"}


def parse_cookie_header(header: str | None) -> dict[str, str]:
    """Parse a ``Cookie`` request header into a dict.

    Malformed pairs are skipped, never an error. When a name repeats, the first value
    wins: browsers send the cookie with the most specific path first (RFC 6265 §5.4).

    Args:
        header: The ``Cookie`` header value, or ``None``.

    Returns:
        Cookie names mapped to their (unquoted) values.

    Example:
        >>> parse_cookie_header('theme=dark; lang="en"; theme=light')
        {'theme': 'dark', 'lang': 'en'}
    """
    cookies: dict[str, str] = {}
    if not header:
        return cookies
    for pair in header.split(";"):
        name, equals, value = pair.partition("=")
        name = name.strip()
        if equals and name and name not in cookies:
            cookies[name] = _unquote(value.strip())
    return cookies


def _unquote(value: str) -> str:
    if len(value) < 2 or value[0] != '"' or value[-1] != '"':
        return value
    value = value[1:-1]
    if "\\" not in value:
        return value
    # Octal escapes carry UTF-8 bytes, so rebuild the bytes and decode once.
    data = bytearray()
    position = 0
    for match in _ESCAPE.finditer(value):
        data += value[position : match.start()].encode("utf-8", "surrogatepass")
        octal, char = match.groups()
        if octal is None:
            data += char.encode("utf-8", "surrogatepass")
        else:
            data.append(int(octal, 8))
        position = match.end()
    data += value[position:].encode("utf-8", "surrogatepass")
    return data.decode("utf-8", "replace")


def _quote(value: str) -> str:
    if _COOKIE_OCTETS.fullmatch(value):
        return value
    parts = ['"']
    for char in value:
        if char in '"\\':
            parts.append("\\" + char)
        elif _COOKIE_OCTETS.fullmatch(char):
            parts.append(char)
        else:
            parts.extend(f"\\{byte:03o}" for byte in char.encode())
    parts.append('"')
    return "".join(parts)


def _checked_attribute(name: str, value: str) -> str:
    if not _ATTRIBUTE_VALUE.fullmatch(value):
        raise ValueError(
            f"The cookie {name} {value!r} may only contain printable ASCII without ';'."
        )
    return value


def _to_seconds(max_age: int | timedelta) -> int:
    return int(max_age.total_seconds()) if isinstance(max_age, timedelta) else max_age


def _format_expires(expires: datetime | float | str) -> str:
    if isinstance(expires, str):
        return _checked_attribute("expires", expires)
    if isinstance(expires, datetime):
        # NOTE: a naive datetime is taken to be UTC, as HTTP dates are.
        aware = expires.replace(tzinfo=UTC) if expires.tzinfo is None else expires
        return format_datetime(aware.astimezone(UTC), usegmt=True)
    return formatdate(expires, usegmt=True)


def _normalize_samesite(samesite: str, secure: bool) -> str:
    normalized = _SAMESITE.get(samesite.lower())
    if normalized is None:
        raise ValueError(f"SameSite must be 'Lax', 'Strict' or 'None', not {samesite!r}.")
    if normalized == "None" and not secure:
        # Browsers reject SameSite=None without Secure.
        raise ValueError("SameSite='None' requires secure=True.")
    return normalized


class CookieOptions(TypedDict, total=False):
    """The cookie attributes of :func:`dump_cookie`, for APIs that forward them."""

    max_age: int | timedelta | None
    expires: datetime | float | int | str | None
    path: str | None
    domain: str | None
    secure: bool
    httponly: bool
    samesite: Literal["Lax", "Strict", "None"] | None
    partitioned: bool


def dump_cookie(
    key: str,
    value: str = "",
    *,
    max_age: int | timedelta | None = None,
    expires: datetime | float | int | str | None = None,
    path: str | None = "/",
    domain: str | None = None,
    secure: bool = False,
    httponly: bool = False,
    samesite: Literal["Lax", "Strict", "None"] | None = None,
    partitioned: bool = False,
) -> str:
    """Build a ``Set-Cookie`` header value.

    Args:
        key: The cookie name, an RFC 6265 token.
        value: The cookie value; anything outside the cookie-octet set is quoted.
        max_age: Lifetime in seconds (negative counts as 0). Also sets ``Expires``
            unless ``expires`` is given, for clients that only understand that.
        expires: Expiry as a datetime (naive means UTC), a Unix timestamp or a
            preformatted HTTP date.
        path: The ``Path`` attribute; ``None`` leaves it out.
        domain: The ``Domain`` attribute; ``None`` (the safe default) leaves it out.
        secure: Send the cookie over HTTPS only.
        httponly: Hide the cookie from JavaScript.
        samesite: ``"Lax"``, ``"Strict"`` or ``"None"`` (case-insensitive).
        partitioned: Add ``Partitioned`` (CHIPS); requires ``secure``.

    Returns:
        The header value, for example ``"sid=abc; Path=/; HttpOnly; SameSite=Lax"``.

    Raises:
        ValueError: On an invalid name, CR/LF/NUL in any part, a ``;`` or non-ASCII
            character in ``path``, ``domain`` or ``expires``, an unknown ``samesite``,
            or ``SameSite=None`` or ``partitioned`` without ``secure``.
    """
    if not _TOKEN.fullmatch(key):
        raise ValueError(f"Invalid cookie name {key!r}: it must be an RFC 6265 token.")
    if not _FORBIDDEN.isdisjoint(value):
        raise ValueError(f"The value of cookie {key!r} contains CR, LF or NUL.")
    if partitioned and not secure:
        raise ValueError("A partitioned cookie requires secure=True.")
    seconds = None if max_age is None else max(_to_seconds(max_age), 0)
    if expires is None and seconds is not None:
        expires = time.time() + seconds
    attributes = (
        ("Domain", None if domain is None else _checked_attribute("domain", domain)),
        ("Expires", None if expires is None else _format_expires(expires)),
        ("Max-Age", seconds),
        ("Path", None if path is None else _checked_attribute("path", path)),
        ("SameSite", None if samesite is None else _normalize_samesite(samesite, secure)),
    )
    flags = (("Secure", secure), ("HttpOnly", httponly), ("Partitioned", partitioned))
    parts = [f"{key}={_quote(value)}"]
    parts.extend(f"{name}={attribute}" for name, attribute in attributes if attribute is not None)
    parts.extend(flag for flag, enabled in flags if enabled)
    return "; ".join(parts)
