"""Safe redirects: whether a URL from the client (a ``next`` parameter) stays on this app.

Browsers forgive a lot when they parse a ``Location``: they drop tabs and newlines, read a
backslash as ``/`` and ``//host`` as another host. Only URLs whose meaning leaves no room for
such readings are accepted (DESIGN §7).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import SplitResult, urlsplit

from cupola.context import get_request, has_request_context
from cupola.exceptions import HTTPException, ImproperlyConfigured
from cupola.security.hosts import HostPatterns, allowed_hosts, host_name

# C0 and C1 controls (browsers strip some of them, anywhere) and backslashes (read as "/").
_UNSAFE_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\\]")
_SEGMENT_END_RE = re.compile(r"[/?#]")


def is_safe_redirect(url: str, allowed_hosts: Iterable[str] | str | None = None) -> bool:
    """Whether redirecting to ``url`` keeps the client on this app.

    Accepted: relative URLs (``/account``, ``page?x=1``, ``#top``) and absolute ``http`` or
    ``https`` URLs to a host of this app: the current request's host (port included), a
    host matching ``ALLOWED_HOSTS`` (inside a request) or ``allowed_hosts``. Rejected:
    ``//host`` and ``///host``, ``http:///host``, backslashes and control characters
    anywhere, surrounding whitespace, user names in the URL, other schemes
    (``javascript:``, ``data:``) and other hosts. A ``"*"`` pattern accepts no host here.
    It never raises.

    Args:
        url: The URL to check, typically ``request.args.get("next")``.
        allowed_hosts: More hosts in ``ALLOWED_HOSTS`` form (``".example.com"`` includes
            subdomains).

    Returns:
        ``True`` when the URL may be used as a redirect target.

    Example:
        >>> is_safe_redirect("/account?tab=2"), is_safe_redirect("//evil.example/")
        (True, False)
        >>> is_safe_redirect("https://shop.example.com/", allowed_hosts=[".example.com"])
        True
    """
    if not isinstance(url, str) or not url or url != url.strip() or _UNSAFE_RE.search(url):
        return False
    if url.startswith("//"):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # raises ValueError for a malformed port
    except ValueError:
        return False
    if not parts.scheme:
        # NOTE: a colon in the first segment could be read as a scheme (RFC 3986 §4.2).
        return ":" not in _SEGMENT_END_RE.split(url, maxsplit=1)[0]
    return _is_own_url(url, parts, allowed_hosts)


def _is_own_url(url: str, parts: SplitResult, extra: Iterable[str] | str | None) -> bool:
    netloc = parts.netloc
    if parts.scheme not in ("http", "https") or not url[len(parts.scheme) + 1 :].startswith("//"):
        return False  # another scheme, or "http:host" that browsers read as "http://host"
    if not netloc or not netloc.isascii() or "@" in netloc or parts.hostname is None:
        return False
    if has_request_context():
        request = get_request()
        try:
            if netloc.lower() == request.host.lower():
                return True
            extra = [*allowed_hosts(request.app.config), *_entries(extra)]
        except (HTTPException, ImproperlyConfigured):
            pass  # a malformed Host or ALLOWED_HOSTS accepts nothing
    patterns = HostPatterns(entry for entry in _entries(extra) if entry != "*")
    return patterns.matches(host_name(netloc))


def _entries(hosts: Iterable[str] | str | None) -> list[str]:
    if hosts is None:
        return []
    return [hosts] if isinstance(hosts, str) else list(hosts)
