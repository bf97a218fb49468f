"""Security middleware and checks: proxy headers, trusted hosts, secure headers, redirects.

Three middleware classes, meant to run in the order of :data:`DEFAULT_MIDDLEWARE`: proxy
headers first (so later checks see the client's scheme and host), then trusted hosts, then
secure headers. :func:`is_safe_redirect` vets ``next`` parameters before redirecting to
them. Each middleware reads its settings once, when the app is built.
"""

from __future__ import annotations

from cupola.security.headers import SecurityHeadersMiddleware
from cupola.security.hosts import TrustedHostMiddleware
from cupola.security.proxies import ProxyHeadersMiddleware
from cupola.security.redirects import is_safe_redirect

#: The security middleware in the order they run, as ``MIDDLEWARE`` entries.
DEFAULT_MIDDLEWARE = (
    "cupola.security.ProxyHeadersMiddleware",
    "cupola.security.TrustedHostMiddleware",
    "cupola.security.SecurityHeadersMiddleware",
)

__all__ = [
    "DEFAULT_MIDDLEWARE",
    "ProxyHeadersMiddleware",
    "SecurityHeadersMiddleware",
    "TrustedHostMiddleware",
    "is_safe_redirect",
]
