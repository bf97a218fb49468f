"""Cross-site request forgery protection: the browser's origin signals, else a masked token.

:class:`CsrfMiddleware` checks every unsafe request (any method but GET, HEAD, OPTIONS and
TRACE). Fetch Metadata first: ``Sec-Fetch-Site: same-origin`` (or ``none``) passes,
``cross-site`` is refused, ``same-site`` too unless ``Origin`` is trusted. Without it, an
``Origin`` of this site or a trusted one passes and any other is refused. A request with
neither header (an old browser, a script) that carries the session cookie must send a
token: the session's secret, masked afresh on every render so that compressed responses
never repeat it (BREACH). A token that is sent must always be valid.
``session.regenerate()`` on login drops the secret, so tokens from before login stop
working. The check runs in ``process_view``, where ``csrf_exempt`` marks on the view are
visible. WebSocket handshakes get the origin check alone, in ``process_handshake``.
"""

from __future__ import annotations

import base64
import hmac
import inspect
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from markupsafe import Markup

from cupola.blueprints import Blueprint
from cupola.context import get_request
from cupola.exceptions import Forbidden, ImproperlyConfigured
from cupola.importing import import_string
from cupola.middleware import Middleware

if TYPE_CHECKING:
    from cupola.http.request import Request
    from cupola.sessions import Session
    from cupola.types import Application, MatchedRoute

T = TypeVar("T")

#: Methods that must not change state (RFC 9110 §9.2.1), so they are never checked.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

REASON_CROSS_ORIGIN = "cross-origin request"
REASON_NO_TOKEN = "CSRF token missing"
REASON_BAD_TOKEN = "CSRF token incorrect"
REASON_NO_REFERER = "Referer missing"
REASON_BAD_REFERER = "Referer not trusted"

FailureView = Callable[["Request", str], Any]

_SESSION_KEY = "_csrf_secret"  # also named in Session.regenerate(), which removes it
_EXEMPT = "csrf_exempt"
_SECRET_SIZE = 32
# A token is the base64url form, unpadded, of a random mask and the secret XORed with it.
# The last character carries unused low bits (4 of a token's, 2 of a secret's): only the
# characters whose unused bits are zero are accepted, so each value has one spelling.
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{85}[AQgw]")
_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Sec-Fetch-Site values for which the browser vouches the request is not cross-origin:
# the page's own origin, or a user action (typed URL, bookmark).
_SAME_ORIGIN_SITES = frozenset({"same-origin", "none"})


class CSRFError(Forbidden):
    """403: the request failed the CSRF check.

    Register ``@app.errorhandler(CSRFError)`` to answer it your way, or set
    ``CSRF_FAILURE_VIEW``.

    Args:
        reason: Why the check failed, for example ``"CSRF token missing"``.

    Attributes:
        reason: Why the check failed; the description reads ``"CSRF check failed: <reason>"``.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(f"CSRF check failed: {reason}")
        self.reason = reason


def csrf_exempt(view_or_blueprint: T) -> T:
    """Exempt a view, or every view of a blueprint and its nested blueprints, from CSRF checks.

    Use it for endpoints other sites may post to, such as webhooks, which authenticate
    requests another way.

    Args:
        view_or_blueprint: A view function (``View.as_view(...)`` included) or a
            :class:`~cupola.Blueprint`.

    Returns:
        The same object, marked.

    Example:
        >>> @csrf_exempt
        ... def webhook():
        ...     return "ok"
        >>> webhook.csrf_exempt
        True
    """
    setattr(view_or_blueprint, _EXEMPT, True)
    if isinstance(view_or_blueprint, Blueprint):
        view_or_blueprint._changed()  # an app already built recomputes its exempt names
    return view_or_blueprint


def csrf_token() -> str:
    """Return a CSRF token for the current session, masked afresh on every call.

    The session's secret is created on first use (which marks the session modified).
    Send the token back as the ``csrf_token`` form field or the ``X-CSRFToken`` header.

    Raises:
        RuntimeError: Outside a request, or without the session middleware.
    """
    session = get_request().session
    secret = _decode(session.get(_SESSION_KEY), _SECRET_RE)
    if secret is None:
        secret = secrets.token_bytes(_SECRET_SIZE)
        session[_SESSION_KEY] = _encode(secret)
    mask = secrets.token_bytes(_SECRET_SIZE)
    return _encode(mask + _xor(secret, mask))


def csrf_input() -> Markup:
    """Return a hidden ``<input>`` holding a fresh :func:`csrf_token`, for HTML forms.

    Example:
        In a template: ``<form method="post">{{ csrf_input() }} … </form>``.
    """
    name = get_request().app.config["CSRF_FIELD_NAME"]
    return Markup('<input type="hidden" name="{}" value="{}">').format(name, csrf_token())


def validate_csrf(token: str | None) -> None:
    """Check a token sent with the current request against the session's secret.

    Args:
        token: The submitted token, or ``None`` when the request sent none.

    Raises:
        CSRFError: When the token is missing or does not match the session's secret.
    """
    reason = _token_problem(get_request().session, token)
    if reason is not None:
        raise CSRFError(reason)


def csrf_failure(request: Request, reason: str) -> Any:
    """The default ``CSRF_FAILURE_VIEW``: raise :class:`CSRFError` for error handlers.

    Raises:
        CSRFError: Always.
    """
    raise CSRFError(reason)


class CsrfMiddleware(Middleware):
    """Refuse unsafe requests that another site may have forged.

    Install it with :class:`~cupola.sessions.SessionMiddleware`. Configuration:
    ``CSRF_ENABLED``, ``CSRF_TRUSTED_ORIGINS`` (``"https://example.com"``,
    ``"https://*.example.com"``), ``CSRF_HEADER_NAME``, ``CSRF_FIELD_NAME`` and
    ``CSRF_FAILURE_VIEW`` (``view(request, reason)`` or its dotted path).

    Args:
        app: The application; the settings are read when it is built.

    Raises:
        ImproperlyConfigured: For a malformed trusted origin or failure view.
    """

    def __init__(self, app: Application) -> None:
        super().__init__(app)
        config = app.config
        self.enabled = bool(config["CSRF_ENABLED"])
        self.trusted = TrustedOrigins(config["CSRF_TRUSTED_ORIGINS"] or ())
        self.header_name: str = config["CSRF_HEADER_NAME"]
        self.field_name: str = config["CSRF_FIELD_NAME"]
        self.failure_view = _failure_view(config["CSRF_FAILURE_VIEW"])
        self.exempt_blueprints = frozenset(_exempt_blueprints(app.blueprints))

    def route_hooks(self, route: MatchedRoute) -> frozenset[str]:
        """No check for a route that answers safe methods only, or that is exempt."""
        hooks = super().route_hooks(route)
        exempt = getattr(route.view, _EXEMPT, False) or route.blueprint in self.exempt_blueprints
        if exempt or (route.rule is not None and route.rule.methods <= SAFE_METHODS):
            return hooks - {"process_view"}
        return hooks

    def process_view(
        self, request: Request, view_func: Callable[..., Any], view_kwargs: dict[str, Any]
    ) -> Any:
        """Let the view run, or answer with the failure view."""
        # PERF: safe methods, nearly every request, cost one set lookup.
        if request.method in SAFE_METHODS or not self.enabled:
            return None
        # PERF: the blueprint is looked up only when some blueprint is exempt.
        if getattr(view_func, _EXEMPT, False) or (
            self.exempt_blueprints and request.blueprint in self.exempt_blueprints
        ):
            return None
        reason = self.problem(request)
        return None if reason is None else self.failure_view(request, reason)

    def problem(self, request: Request) -> str | None:
        """Why the unsafe ``request`` must be refused, or ``None`` when it may proceed.

        Fetch Metadata first, then ``Origin``, then the token for requests that send
        neither but carry the session cookie; a token that is sent must always be valid.
        """
        # PERF: request.header() reads single headers without parsing them all.
        site = request.header("sec-fetch-site")
        origin = request.header("origin")
        if site is not None and site not in _SAME_ORIGIN_SITES:
            # cross-site, same-site (a sibling subdomain may be hostile) or unknown values
            if origin is None or not self.trusted.matches(origin_of(origin) or ""):
                return REASON_CROSS_ORIGIN
        elif (
            site is None and origin is not None and not self._is_trusted(request, origin_of(origin))
        ):
            return REASON_CROSS_ORIGIN
        sessions = request.app.session_loader
        if sessions is None or not sessions.has_session(request):
            return None  # no ambient credentials: nothing a forged request could use
        token = request.header(self.header_name) or request.form.get(self.field_name)
        if site is not None or origin is not None:
            # The browser vouched for the request's origin; a token is optional.
            return None if token is None else _token_problem(request.session, token)
        if request.is_secure:
            reason = self._referer_problem(request, request.header("referer"))
            if reason is not None:
                return reason
        return _token_problem(request.session, token)

    def process_handshake(self, request: Request) -> None:
        """Refuse a WebSocket handshake from another site's page.

        Browsers apply no same-origin policy to WebSockets and send the site's cookies with
        the handshake, so a page elsewhere could act as the visitor (cross-site WebSocket
        hijacking): a browser's ``Origin`` must be this site or a trusted origin, whatever
        ``CSRF_ENABLED`` says. A handshake without ``Origin`` comes from a non-browser
        client, which carries no one else's cookies, and passes.

        Raises:
            Forbidden: When the origin is opaque (``null``), malformed or foreign.
        """
        origin = request.header("origin")
        if origin is None:
            return
        normalised = origin_of(origin)
        if normalised is None:
            raise Forbidden("The WebSocket handshake came from an opaque or malformed origin.")
        if self._is_trusted(request, normalised):
            return
        # NOTE: an https page may open a plain ws connection (behind a TLS-terminating proxy
        # that is not in TRUSTED_PROXIES); once the connection is known to be secure, an
        # http page of the same host is refused, as a man in the middle can write it.
        if not request.is_secure and normalised == origin_of(f"https://{request.host}"):
            return
        raise Forbidden(
            "The WebSocket handshake came from another origin; add it to "
            "CSRF_TRUSTED_ORIGINS to allow it."
        )

    def _referer_problem(self, request: Request, referer: str | None) -> str | None:
        # NOTE: as in Django, an HTTPS request from a browser that sent no Origin must come
        # from an HTTPS page of a trusted origin: a plain-HTTP page, which a man in the
        # middle can write, must not be able to post here.
        if not referer:
            return REASON_NO_REFERER
        origin = origin_of(referer)
        if origin is None or not origin.startswith("https://"):
            return REASON_BAD_REFERER
        return None if self._is_trusted(request, origin) else REASON_BAD_REFERER

    def _is_trusted(self, request: Request, origin: str | None) -> bool:
        if origin is None:  # "null" (sandboxed or privacy-sensitive contexts), or garbage
            return False
        own = origin_of(f"{request.scheme}://{request.host}")
        return origin == own or self.trusted.matches(origin)


class TrustedOrigins:
    """``CSRF_TRUSTED_ORIGINS``: exact origins and ``scheme://*.domain`` wildcards.

    Args:
        entries: Origins such as ``"https://example.com"`` or ``"https://*.example.com"``
            (a port may follow the host).

    Raises:
        ImproperlyConfigured: For an entry that is not an http(s) origin.

    Example:
        >>> trusted = TrustedOrigins(["https://*.example.com"])
        >>> trusted.matches("https://api.example.com"), trusted.matches("http://example.com")
        (True, False)
    """

    __slots__ = ("exact", "wildcards")

    def __init__(self, entries: Iterable[str]) -> None:
        exact: set[str] = set()
        wildcards: list[tuple[str, str]] = []
        for entry in [entries] if isinstance(entries, str) else entries:
            scheme, star, domain = entry.partition("://*.")
            origin = origin_of(f"{scheme}://{domain}" if star else entry)
            if origin is None or urlsplit(entry).path not in ("", "/"):
                raise ImproperlyConfigured(
                    f"CSRF_TRUSTED_ORIGINS entry {entry!r} is not an origin: use "
                    "'https://example.com', 'https://example.com:8443' or "
                    "'https://*.example.com' (it and its subdomains)."
                )
            if star:
                prefix, _, host = origin.partition("://")
                wildcards.append((f"{prefix}://", f".{host}"))
            exact.add(origin)
        self.exact = frozenset(exact)
        self.wildcards = tuple(wildcards)

    def matches(self, origin: str) -> bool:
        """Whether ``origin`` (normalised by :func:`origin_of`) is trusted."""
        if origin in self.exact:
            return True
        return any(origin.startswith(p) and origin.endswith(s) for p, s in self.wildcards)


def origin_of(url: str) -> str | None:
    """The origin of an http(s) URL, normalised: ``scheme://host[:port]``, or ``None``.

    Scheme and host are lower-cased and a default port is dropped, as browsers serialise
    the ``Origin`` header (RFC 6454 §6.2).

    Example:
        >>> origin_of("HTTPS://Example.COM:443/path"), origin_of("null")
        ('https://example.com', None)
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    default = _DEFAULT_PORTS.get(parts.scheme)
    if default is None or not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    if port is None or port == default:
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"


def _token_problem(session: Session, token: str | None) -> str | None:
    if not token:
        return REASON_NO_TOKEN
    secret = _decode(session.get(_SESSION_KEY), _SECRET_RE)
    raw = _decode(token, _TOKEN_RE)
    if secret is None or raw is None:
        return REASON_BAD_TOKEN
    mask, masked = raw[:_SECRET_SIZE], raw[_SECRET_SIZE:]
    if not hmac.compare_digest(_xor(masked, mask), secret):
        return REASON_BAD_TOKEN
    return None


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(value: Any, pattern: re.Pattern[str]) -> bytes | None:
    # NOTE: base64 decoding skips characters outside the alphabet; the shape is checked first.
    if not isinstance(value, str) or pattern.fullmatch(value) is None:
        return None
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _xor(data: bytes, mask: bytes) -> bytes:
    # PERF: one XOR of two big integers instead of a loop over the bytes.
    value = int.from_bytes(data, "big") ^ int.from_bytes(mask, "big")
    return value.to_bytes(len(data), "big")


def _failure_view(setting: Any) -> FailureView:
    if setting is None:
        return csrf_failure
    view = import_string(setting) if isinstance(setting, str) else setting
    if not callable(view) or inspect.iscoroutinefunction(view):
        raise ImproperlyConfigured(
            f"CSRF_FAILURE_VIEW must be a plain function view(request, reason) or its dotted "
            f"path, not {setting!r}."
        )
    return view  # type: ignore[no-any-return]  # a callable the user configured


def _exempt_blueprints(
    blueprints: Sequence[tuple[Blueprint, dict[str, Any]]], parent: str = "", exempt: bool = False
) -> Iterable[str]:
    """Dotted names of the exempt blueprints and their descendants, named as registered."""
    for blueprint, options in blueprints:
        name = options.get("name", blueprint.name)
        dotted = f"{parent}.{name}" if parent else name
        inherited = exempt or bool(getattr(blueprint, _EXEMPT, False))
        if inherited:
            yield dotted
        yield from _exempt_blueprints(blueprint.blueprints, dotted, inherited)


__all__ = [
    "SAFE_METHODS",
    "CSRFError",
    "CsrfMiddleware",
    "TrustedOrigins",
    "csrf_exempt",
    "csrf_failure",
    "csrf_input",
    "csrf_token",
    "origin_of",
    "validate_csrf",
]
