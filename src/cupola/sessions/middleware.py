"""The session middleware: the link between the session cookie and ``request.session``.

The middleware is the app's :class:`~cupola.types.SessionLoader`: ``request.session`` asks
it for the session on first access, so a request whose view never touches it never reads
the cookie. :meth:`SessionMiddleware.process_response`
writes the cookie when the session changed (or, for a permanent session, to extend it),
deletes it when the session was emptied, and marks every response that depended on the
session ``Vary: Cookie`` and ``Cache-Control: private`` (DESIGN §7).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from cupola.exceptions import ImproperlyConfigured
from cupola.http.cookies import dump_cookie
from cupola.middleware import Middleware, is_own_hook
from cupola.outages import Unavailable, fails_open
from cupola.sessions.base import MAX_COOKIE_SIZE, Session, SessionBackend, SessionTooLarge
from cupola.sessions.cookie import CookieBackend
from cupola.sessions.server import ServerBackend
from cupola.sessions.stores import SessionStore, store_from_url

if TYPE_CHECKING:
    from cupola.http.headers import Headers
    from cupola.http.request import Request
    from cupola.http.response import Response
    from cupola.types import Application

logger = logging.getLogger("cupola.sessions")

_STORES = "cupola.sessions.stores"  # stores by URL, kept across rebuilds of the pipeline
_SAMESITE: dict[str, Literal["Lax", "Strict", "None"]] = {
    "lax": "Lax",
    "strict": "Strict",
    "none": "None",
}


class SessionMiddleware(Middleware):
    """Sessions for an app: ``app.add_middleware(SessionMiddleware)``.

    Configuration: ``SECRET_KEY`` (required once a session is used) and
    ``SECRET_KEY_FALLBACKS``; ``SESSION_BACKEND`` (``"cookie"``, ``"memory://"``,
    ``"redis://host:port/db"`` or a :class:`~cupola.sessions.stores.SessionStore`);
    ``SESSION_COOKIE_NAME``, ``_DOMAIN``, ``_PATH``, ``_SECURE``, ``_HTTPONLY``,
    ``_SAMESITE``; ``PERMANENT_SESSION_LIFETIME``; ``SESSION_REFRESH_EACH_REQUEST``.

    Args:
        app: The application.

    Raises:
        ImproperlyConfigured: For an invalid lifetime or ``SameSite`` setting.
    """

    def __init__(self, app: Application) -> None:
        super().__init__(app)
        config = app.config
        self.cookie_name: str = config["SESSION_COOKIE_NAME"]
        self.cookie_domain: str | None = config["SESSION_COOKIE_DOMAIN"]
        self.cookie_path: str = config["SESSION_COOKIE_PATH"]
        self.cookie_secure = bool(config["SESSION_COOKIE_SECURE"])
        self.cookie_httponly = bool(config["SESSION_COOKIE_HTTPONLY"])
        self.cookie_samesite = _samesite(config["SESSION_COOKIE_SAMESITE"], self.cookie_secure)
        self.lifetime = _lifetime(config["PERMANENT_SESSION_LIFETIME"])
        self.refresh_each_request = bool(config["SESSION_REFRESH_EACH_REQUEST"])
        self.fail_open = fails_open(config, "sessions")
        app.session_loader = self

    @cached_property
    def backend(self) -> SessionBackend:
        """The configured backend, created on first use.

        Raises:
            ImproperlyConfigured: When ``SECRET_KEY`` is not set or ``SESSION_BACKEND`` is
                unknown.
        """
        config = self.app.config
        secret = config["SECRET_KEY"]
        if not secret:
            raise ImproperlyConfigured(
                "Sessions need a SECRET_KEY: set app.config['SECRET_KEY'] to a long random "
                "value (python -c 'import secrets; print(secrets.token_hex(32))') and keep "
                "it out of source control."
            )
        # itsdangerous signs with the last key and accepts any of them.
        fallbacks = config["SECRET_KEY_FALLBACKS"] or ()
        keys = [_as_bytes(key) for key in (*reversed(fallbacks), secret)]
        choice = config["SESSION_BACKEND"]
        if choice == "cookie":
            return CookieBackend(keys, self.lifetime)
        return ServerBackend(keys, self.lifetime, self._store(choice))

    def _store(self, choice: Any) -> SessionStore:
        if isinstance(choice, SessionStore):
            return choice
        if not isinstance(choice, str):
            raise ImproperlyConfigured(
                f"SESSION_BACKEND must be 'cookie', a store URL or a SessionStore, not {choice!r}."
            )
        # NOTE: a config change rebuilds the middleware; sessions in memory must survive it.
        stores: dict[str, SessionStore] = self.app.extensions.setdefault(_STORES, {})
        if choice not in stores:
            stores[choice] = store_from_url(choice, self.app)
        return stores[choice]

    def has_session(self, request: Request) -> bool:
        """Whether ``request`` carries a session cookie."""
        return self.cookie_name in request.cookies

    def load_session(self, request: Request) -> Session:
        """Load the session of ``request``; ``request.session`` calls this once."""
        backend = self.backend
        value = request.cookies.get(self.cookie_name)
        if value is None:
            return Session()
        try:
            return backend.load(value)
        except Unavailable:
            if not self.fail_open:
                raise  # 503 with Retry-After (OUTAGE_POLICY["sessions"] = "closed")
            logger.warning("Session store unavailable: serving an empty session, not saved.")
            session = Session()
            session.detached = True  # the visitor's cookie and stored data stay untouched
            return session

    async def process_handshake(self, request: Request) -> None:
        """Load the session of a WebSocket handshake, so that its handler never waits for it.

        A backend that may wait on a store loads it in a worker thread, off the event loop.
        """
        if not self.has_session(request):
            return
        if self.backend.waits_on_io:
            request.loaded_session = await asyncio.to_thread(self.load_session, request)
        else:
            request.loaded_session = self.load_session(request)

    def response_needs_session(self) -> bool:
        """True, unless :meth:`process_response` is overridden or replaced."""
        return is_own_hook(self, "process_response", SessionMiddleware)

    def process_response(self, request: Request, response: Response) -> Response:
        """Save the session, if the request used it, into the response's cookie.

        Raises:
            SessionTooLarge: When the session cookie would exceed what browsers keep.
        """
        session = request.loaded_session
        if session is None:  # PERF: the view never touched the session
            return response
        try:
            return self._save(request, response, session)
        except Unavailable:
            if not self.fail_open:
                raise
            logger.warning("Session store unavailable: this request's session was not saved.")
            return response

    def _save(self, request: Request, response: Response, session: Session) -> Response:
        if session.detached:
            return response
        headers = response.headers
        _vary_on_cookie(headers)
        _mark_private(headers)
        if not session:
            if session.modified and self.cookie_name in request.cookies:
                self.backend.discard(session)
                headers.add("Set-Cookie", self._set_cookie(request, "", max_age=0))
            return response
        if session.modified:
            value = self.backend.dump(session)
        elif session.permanent and self.refresh_each_request:
            value = self.backend.refresh(session)
        else:
            return response
        header = self._set_cookie(request, value, self.lifetime if session.permanent else None)
        if len(header) > MAX_COOKIE_SIZE:
            raise SessionTooLarge(len(header))
        headers.add("Set-Cookie", header)
        return response

    def _set_cookie(self, request: Request, value: str, max_age: int | None) -> str:
        return dump_cookie(
            self.cookie_name,
            value,
            max_age=max_age,
            path=self.cookie_path,
            domain=self.cookie_domain,
            secure=self.cookie_secure or request.is_secure,
            httponly=self.cookie_httponly,
            samesite=self.cookie_samesite,
        )


def _as_bytes(key: object) -> bytes:
    if isinstance(key, str):
        return key.encode()
    if isinstance(key, bytes):
        return key
    # NOTE: from_env parses values as JSON, so an all-digit key arrives as a number.
    raise ImproperlyConfigured(
        f"SECRET_KEY and SECRET_KEY_FALLBACKS must be strings, not {type(key).__name__}: "
        "a key made only of digits read by config.from_env() is parsed as a number; "
        "use a random key such as secrets.token_hex(32)."
    )


def _samesite(value: Any, secure: bool) -> Literal["Lax", "Strict", "None"] | None:
    if value is None:
        return None
    samesite = _SAMESITE.get(str(value).lower())
    if samesite is None:
        raise ImproperlyConfigured(
            f"SESSION_COOKIE_SAMESITE must be 'Lax', 'Strict', 'None' or None, not {value!r}."
        )
    if samesite == "None" and not secure:
        raise ImproperlyConfigured(
            "SESSION_COOKIE_SAMESITE = 'None' needs SESSION_COOKIE_SECURE = True: browsers "
            "drop SameSite=None cookies that are not Secure."
        )
    return samesite


def _lifetime(value: Any) -> int:
    try:
        seconds = int(value.total_seconds() if isinstance(value, timedelta) else value)
    except (TypeError, ValueError):
        seconds = 0
    if seconds <= 0:
        raise ImproperlyConfigured(
            f"PERMANENT_SESSION_LIFETIME must be a positive timedelta or number of seconds, "
            f"not {value!r}."
        )
    return seconds


def _vary_on_cookie(headers: Headers) -> None:
    # RFC 9110 §12.5.5: Vary is a list; it may already be spread over several lines.
    listed = {name.strip().lower() for line in headers.getlist("Vary") for name in line.split(",")}
    if "cookie" not in listed and "*" not in listed:
        headers.add("Vary", "Cookie")


def _mark_private(headers: Headers) -> None:
    # RFC 9111 §5.2.2.7: a shared cache must not store a response meant for one visitor.
    current = headers.get("Cache-Control")
    if current is None:
        headers.set("Cache-Control", "private")
        return
    directives = [part.strip() for part in current.split(",") if part.strip()]
    names = {part.partition("=")[0].strip().lower() for part in directives}
    if names.isdisjoint(("private", "no-store")):
        kept = [part for part in directives if part.lower() != "public"]
        headers.set("Cache-Control", ", ".join(["private", *kept]))
