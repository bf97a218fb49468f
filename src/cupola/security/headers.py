"""Security headers on every response, HSTS on HTTPS responses, and the redirect to HTTPS.

The defaults (``nosniff``, ``X-Frame-Options: DENY``, ``Referrer-Policy: same-origin``,
``Cross-Origin-Opener-Policy: same-origin``) are on; HSTS, the HTTPS redirect and a
``Content-Security-Policy`` are opt-in. Every header is rendered and checked once, when the
app is built; a response receives them in one list extension, minus any its view set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from cupola.exceptions import ImproperlyConfigured, InvalidHeader
from cupola.http.headers import DefaultHeaders, check_header
from cupola.http.response import RedirectResponse, Response
from cupola.middleware import Middleware, is_own_hook

if TYPE_CHECKING:
    from cupola.http.request import Request
    from cupola.types import Application

Header = tuple[str, str]

# https://html.spec.whatwg.org/#the-x-frame-options-header
_FRAME_OPTIONS = frozenset({"DENY", "SAMEORIGIN"})
# https://www.w3.org/TR/referrer-policy/#referrer-policies
_REFERRER_POLICIES = frozenset(
    {
        "no-referrer",
        "no-referrer-when-downgrade",
        "origin",
        "origin-when-cross-origin",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
        "unsafe-url",
    }
)
# https://html.spec.whatwg.org/#cross-origin-opener-policies
_OPENER_POLICIES = frozenset(
    {"same-origin", "same-origin-allow-popups", "noopener-allow-popups", "unsafe-none"}
)
_DIRECTIVE_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_SOURCE_RE = re.compile(r"[^\s;,]+")  # CSP3 §2.2: a source holds no whitespace, ";" or ","


def _choice(
    config: Mapping[str, Any], key: str, allowed: frozenset[str], *, several: bool = False
) -> str | None:
    """The value of ``key``, one of ``allowed`` in any case, or ``None`` when it is unset.

    With ``several``, a list (or comma-separated string) of them is accepted: the header's
    fallbacks for older browsers.
    """
    value = config.get(key)
    if not value:
        return None
    if isinstance(value, str):
        tokens = value.split(",")
    else:
        tokens = list(value) if several and isinstance(value, list | tuple) else []
    spelled = {token.lower(): token for token in allowed}
    chosen = [spelled.get(str(token).strip().lower(), "") for token in tokens]
    if chosen and all(chosen) and (several or len(chosen) == 1):
        return ", ".join(chosen)
    raise ImproperlyConfigured(
        f"{key} must be one of {', '.join(sorted(allowed))} (or None to omit the header), "
        f"not {value!r}."
    )


def hsts_value(config: Mapping[str, Any]) -> str | None:
    """The ``Strict-Transport-Security`` value, or ``None`` when HSTS is off.

    Raises:
        ImproperlyConfigured: When ``SECURE_HSTS_SECONDS`` is not a whole number of seconds.
    """
    seconds = config.get("SECURE_HSTS_SECONDS") or 0
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
        raise ImproperlyConfigured(
            f"SECURE_HSTS_SECONDS must be a number of seconds such as 31536000 (one year), "
            f"or 0 to send no HSTS header; not {seconds!r}."
        )
    if not seconds:
        return None
    value = f"max-age={seconds}"
    if config.get("SECURE_HSTS_INCLUDE_SUBDOMAINS"):
        value += "; includeSubDomains"
    if config.get("SECURE_HSTS_PRELOAD"):
        value += "; preload"
    return value


def render_csp(policy: str | Mapping[str, str | Iterable[str] | bool]) -> str:
    """Render a ``CONTENT_SECURITY_POLICY`` setting as a header value.

    Args:
        policy: The header value as a string, or a mapping of directive to sources (a list,
            or one string); a directive with no sources (an empty list or ``True``) is
            written alone.

    Raises:
        ImproperlyConfigured: For a directive or source that would change the policy's
            meaning, such as a source holding ``;``.

    Example:
        >>> render_csp({"default-src": ["'self'"], "img-src": ["'self'", "data:"]})
        "default-src 'self'; img-src 'self' data:"
    """
    if isinstance(policy, str):
        return policy.strip()
    if not isinstance(policy, Mapping):
        raise ImproperlyConfigured(
            "CONTENT_SECURITY_POLICY must be a string or a dict such as "
            f"{{'default-src': [\"'self'\"]}}, not {policy!r}."
        )
    directives = []
    for directive, sources in policy.items():
        listed = [] if sources is True else [sources] if isinstance(sources, str) else sources
        if not isinstance(directive, str) or not _DIRECTIVE_RE.fullmatch(directive):
            raise ImproperlyConfigured(f"CONTENT_SECURITY_POLICY: {directive!r} is no directive.")
        if not isinstance(listed, Iterable) or not all(
            isinstance(source, str) and _SOURCE_RE.fullmatch(source) for source in listed
        ):
            raise ImproperlyConfigured(
                f"CONTENT_SECURITY_POLICY[{directive!r}] must be a list of sources such as "
                f"[\"'self'\", 'https://cdn.example.com'], not {sources!r}."
            )
        directives.append(" ".join([directive, *listed]))
    return "; ".join(directives)


def security_headers(config: Mapping[str, Any]) -> list[Header]:
    """The headers every response carries, from the ``SECURE_*`` settings.

    Raises:
        ImproperlyConfigured: For a value the header does not accept.
    """
    headers = []
    if config.get("SECURE_CONTENT_TYPE_NOSNIFF"):
        headers.append(("X-Content-Type-Options", "nosniff"))
    frame = _choice(config, "X_FRAME_OPTIONS", _FRAME_OPTIONS)
    if frame is not None:
        headers.append(("X-Frame-Options", frame))
    referrer = _choice(config, "SECURE_REFERRER_POLICY", _REFERRER_POLICIES, several=True)
    if referrer is not None:
        headers.append(("Referrer-Policy", referrer))
    opener = _choice(config, "SECURE_CROSS_ORIGIN_OPENER_POLICY", _OPENER_POLICIES)
    if opener is not None:
        headers.append(("Cross-Origin-Opener-Policy", opener))
    policy = config.get("CONTENT_SECURITY_POLICY")
    if policy:
        headers.append(("Content-Security-Policy", render_csp(policy)))
    for name, value in headers:
        try:
            check_header(name, value)
        except InvalidHeader as exc:
            raise ImproperlyConfigured(f"{name}: {exc.description}") from None
    return headers


class SecurityHeadersMiddleware(Middleware):
    """Add the security headers to every response; redirect to HTTPS when configured.

    Settings (read when the app is built; a false value omits the header):
    ``SECURE_CONTENT_TYPE_NOSNIFF``, ``X_FRAME_OPTIONS``, ``SECURE_REFERRER_POLICY``,
    ``SECURE_CROSS_ORIGIN_OPENER_POLICY``, ``CONTENT_SECURITY_POLICY``;
    ``SECURE_HSTS_SECONDS`` (with ``SECURE_HSTS_INCLUDE_SUBDOMAINS`` and
    ``SECURE_HSTS_PRELOAD``) for HTTPS responses; ``SECURE_SSL_REDIRECT`` to answer plain
    HTTP requests with a 301 to the same URL over HTTPS. A header the view already set is
    left as the view set it.

    Args:
        app: The application.

    Raises:
        ImproperlyConfigured: For a setting the header does not accept.
    """

    def __init__(self, app: Application) -> None:
        super().__init__(app)
        config = app.config
        self.headers = security_headers(config)
        hsts = hsts_value(config)
        self._hsts = hsts is not None
        # RFC 6797 §7.2: HSTS is sent over secure transport only.
        self.secure_headers = self.headers
        if hsts is not None:
            self.secure_headers = [*self.headers, ("Strict-Transport-Security", hsts)]
        self._plain = DefaultHeaders(self.headers)
        self._secure = DefaultHeaders(self.secure_headers)
        self._https_only = bool(config.get("SECURE_SSL_REDIRECT"))

    def active_hooks(self) -> frozenset[str]:
        """``process_request`` only when ``SECURE_SSL_REDIRECT`` is on."""
        hooks = super().active_hooks()
        return hooks if self._https_only else hooks - {"process_request"}

    def fixed_response_headers(self) -> DefaultHeaders | None:
        """The headers :meth:`process_response` adds, when they do not depend on the request.

        ``None`` with HSTS on (sent over HTTPS only), or when :meth:`process_response` is
        overridden or replaced.
        """
        if self._hsts or not is_own_hook(self, "process_response", SecurityHeadersMiddleware):
            return None
        return self._plain

    def process_request(self, request: Request) -> Response | None:
        """Redirect a plain HTTP request to HTTPS when ``SECURE_SSL_REDIRECT`` is on."""
        if self._https_only and not request.is_secure:
            return RedirectResponse(f"https://{request.host}{request.full_path}", 301)
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        """Append the headers the response does not carry yet."""
        # PERF: the headers were checked when the app was built; append them directly.
        defaults = self._secure if self._hsts and request.is_secure else self._plain
        defaults.add_to(response.headers.pairs)
        return response
