"""Authentication: who sent this request? Each class reads one kind of credential.

A view tries its ``authentication_classes`` in order; the first whose ``authenticate()``
returns ``(user, auth)`` wins, ``None`` passes to the next, and an exception ends the
request with 401 (``WWW-Authenticate`` from the first class's ``authenticate_header()``)
or, when that class has no header to offer, 403.
"""

from __future__ import annotations

import base64
import binascii
import logging
from typing import TYPE_CHECKING, Any, ClassVar

from cupola.auth.login import EXTENSION as AUTH_EXTENSION
from cupola.csrf import SAFE_METHODS, CsrfMiddleware
from cupola.db.database import EXTENSION as DB_EXTENSION
from cupola.exceptions import ImproperlyConfigured
from cupola.rest.exceptions import AuthenticationFailed, PermissionDenied

if TYPE_CHECKING:
    from cupola.types import Application

__all__ = [
    "BaseAuthentication",
    "BasicAuthentication",
    "SessionAuthentication",
    "TokenAuthentication",
    "get_authorization_header",
]

#: HTTP headers are ISO-8859-1 on the wire (RFC 9110 §5.5); credentials are compared as bytes.
HEADER_ENCODING = "iso-8859-1"

_CSRF_EXTENSION = "cupola.rest.csrf"

logger = logging.getLogger("cupola.rest")


def get_authorization_header(request: Any) -> bytes:
    """The request's ``Authorization`` header as bytes (``b""`` when absent)."""
    value = request.headers.get("Authorization", "")
    return value.encode(HEADER_ENCODING, "replace") if isinstance(value, str) else bytes(value)


class BaseAuthentication:
    """Base class of authentication schemes.

    Example:
        >>> class ApiKeyAuthentication(BaseAuthentication):
        ...     def authenticate(self, request):
        ...         key = request.headers.get("X-Api-Key")
        ...         if key is None:
        ...             return None  # not this scheme: try the next class
        ...         user = find_user_by_key(key)
        ...         if user is None:
        ...             raise AuthenticationFailed("Unknown API key.")
        ...         return (user, key)
    """

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        """Return ``(user, auth)``, or ``None`` when the request does not use this scheme.

        Raises:
            AuthenticationFailed: When the request uses this scheme with bad credentials.
        """
        raise NotImplementedError(".authenticate() must be overridden.")

    def authenticate_header(self, request: Any) -> str | None:
        """The ``WWW-Authenticate`` value of a 401, or ``None`` to answer 403 instead."""
        return None


class BasicAuthentication(BaseAuthentication):
    """HTTP Basic authentication (RFC 7617): ``Authorization: Basic base64(user:password)``.

    The user name and password are checked by :meth:`authenticate_credentials`, which by
    default asks the app's ``Auth(app, user_loader=…, authenticate=check)``:
    ``check(username, password)`` returns the user or ``None``. Override it to look users
    up another way. Without either, Basic headers are ignored (with a warning in the log)
    rather than answered with an error.

    Attributes:
        www_authenticate_realm: The realm of the ``WWW-Authenticate`` challenge.
    """

    www_authenticate_realm: ClassVar[str] = "api"

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        """The user of valid Basic credentials; ``None`` for another scheme or none.

        Raises:
            AuthenticationFailed: For a malformed header or wrong credentials.
        """
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"basic":
            return None
        if not self._can_check(request):
            return None
        if len(parts) == 1:
            raise AuthenticationFailed("Invalid basic header. No credentials provided.")
        if len(parts) > 2:
            raise AuthenticationFailed(
                "Invalid basic header. Credentials string should not contain spaces."
            )
        try:
            # NOTE: as DRF, characters outside the base64 alphabet are skipped, not refused.
            raw = base64.b64decode(parts[1])
            try:
                decoded = raw.decode("utf-8")
            except UnicodeDecodeError:
                decoded = raw.decode("latin-1")
            userid, password = decoded.split(":", 1)
        except (ValueError, binascii.Error):
            raise AuthenticationFailed(
                "Invalid basic header. Credentials not correctly base64 encoded."
            ) from None
        return self.authenticate_credentials(userid, password, request)

    def authenticate_credentials(
        self, userid: str, password: str, request: Any = None
    ) -> tuple[Any, Any]:
        """Check a user name and password; return ``(user, None)``.

        Raises:
            AuthenticationFailed: "Invalid username/password." or "User inactive or deleted.".
            ImproperlyConfigured: When the app's ``Auth`` has no ``authenticate`` function.
        """
        check = _credential_check(_app_of(request))
        if check is None:
            raise ImproperlyConfigured(
                "BasicAuthentication needs a credential check: create "
                "Auth(app, user_loader=..., authenticate=check) where check(username, password) "
                "returns the user or None, or override authenticate_credentials()."
            )
        user = check(userid, password)
        if user is None:
            raise AuthenticationFailed("Invalid username/password.")
        if not getattr(user, "is_active", True):
            raise AuthenticationFailed("User inactive or deleted.")
        return (user, None)

    def _can_check(self, request: Any) -> bool:
        """Whether credentials can be checked: by an override, or by the app's ``Auth``."""
        if type(self).authenticate_credentials is not BasicAuthentication.authenticate_credentials:
            return True
        if _credential_check(_app_of(request)) is not None:
            return True
        # NOTE: BasicAuthentication is among the default classes; an app that set up no
        # credential check must not answer a client's Basic header with a server error.
        logger.warning(
            "Basic credentials ignored: BasicAuthentication needs "
            "Auth(app, user_loader=..., authenticate=check) or an authenticate_credentials() "
            "override."
        )
        return False

    def authenticate_header(self, request: Any) -> str:
        """``Basic realm="api"``."""
        return f'Basic realm="{self.www_authenticate_realm}"'


class SessionAuthentication(BaseAuthentication):
    """The user logged in with :func:`cupola.auth.login_user`, from the session cookie.

    A cookie is sent by the browser on its own, so an unsafe request (any method but GET,
    HEAD, OPTIONS and TRACE) authenticated this way must pass Cupola's CSRF check (DESIGN
    §7: ``Sec-Fetch-Site``/``Origin``, then the ``X-CSRFToken`` header or ``csrf_token``
    field); a failure is a 403 ``"CSRF Failed: <reason>."``. A request without a logged-in
    user is anonymous here, and not checked.
    """

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        """``(user, None)`` for a logged-in, active user; ``None`` otherwise.

        Raises:
            PermissionDenied: When an unsafe request fails the CSRF check.
        """
        cupola_request = getattr(request, "_request", request)
        app = cupola_request.app
        if app.user_loader is None or app.session_loader is None:
            return None  # no login system or no sessions: nobody can be logged in
        user = cupola_request.user
        if not user or not getattr(user, "is_active", False):
            return None
        self.enforce_csrf(request)
        return (user, None)

    def enforce_csrf(self, request: Any) -> None:
        """Refuse an unsafe request that fails the CSRF check.

        ``CSRF_ENABLED = False`` turns the check off, as it does for the whole app.

        Raises:
            PermissionDenied: ``"CSRF Failed: <reason>."``.
        """
        cupola_request = getattr(request, "_request", request)
        if cupola_request.method in SAFE_METHODS:
            return
        check = _csrf_check(cupola_request.app)
        if not check.enabled:
            return
        reason = check.problem(cupola_request)
        if reason is not None:
            raise PermissionDenied(f"CSRF Failed: {reason[:1].upper()}{reason[1:]}.")


class TokenAuthentication(BaseAuthentication):
    """``Authorization: Token <key>``: a key looked up in the app's database.

    ``model`` is a model of the app's ``db.Model`` with a ``key`` column and a ``user``
    relationship; :func:`cupola.rest.authtoken.create_token_model` makes one. Without
    ``model``, the token model made by that function for the app's database is used.

    Attributes:
        keyword: The scheme name in the header (``"Bearer"`` in a subclass, for instance).
        model: The token model.

    Example:
        >>> class BearerAuthentication(TokenAuthentication):
        ...     keyword = "Bearer"
        ...     model = ApiKey  # doctest: +SKIP
    """

    keyword: ClassVar[str] = "Token"
    model: ClassVar[Any] = None

    def get_model(self) -> Any:
        """The token model: :attr:`model`, or the app's ready-made one.

        Raises:
            ImproperlyConfigured: When there is neither.
        """
        if self.model is not None:
            return self.model
        from cupola.rest.authtoken import find_token_model  # NOTE: only for apps using it

        return find_token_model(_current_app())

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        """The user a valid token belongs to; ``None`` for another scheme.

        Raises:
            AuthenticationFailed: For a malformed header, an unknown token or an inactive user.
        """
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode(HEADER_ENCODING):
            return None
        if len(parts) == 1:
            raise AuthenticationFailed("Invalid token header. No credentials provided.")
        if len(parts) > 2:
            raise AuthenticationFailed(
                "Invalid token header. Token string should not contain spaces."
            )
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise AuthenticationFailed(
                "Invalid token header. Token string should not contain invalid characters."
            ) from None
        return self.authenticate_credentials(key)

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        """Look the token up; return ``(token.user, token)``.

        Raises:
            AuthenticationFailed: "Invalid token." or "User inactive or deleted.".
        """
        from sqlalchemy import select  # NOTE: apps without token authentication never need it

        model = self.get_model()
        db = _current_app().extensions.get(DB_EXTENSION)
        if db is None:
            raise ImproperlyConfigured(
                "TokenAuthentication looks tokens up with the app's database: create "
                "cupola.db.Database(app), or override authenticate_credentials()."
            )
        token = db.session.execute(select(model).where(model.key == key)).scalar_one_or_none()
        if token is None:
            raise AuthenticationFailed("Invalid token.")
        if not getattr(token.user, "is_active", True):
            raise AuthenticationFailed("User inactive or deleted.")
        return (token.user, token)

    def authenticate_header(self, request: Any) -> str:
        """The keyword (``Token``)."""
        return self.keyword


def _credential_check(app: Application) -> Any:
    """The ``authenticate`` function of the app's ``Auth``, or ``None``."""
    return getattr(app.extensions.get(AUTH_EXTENSION), "authenticate", None)


def _app_of(request: Any) -> Application:
    if request is not None:
        return getattr(request, "_request", request).app  # type: ignore[no-any-return]
    return _current_app()


def _current_app() -> Application:
    from cupola.context import get_app_context

    return get_app_context().app


def _csrf_check(app: Application) -> CsrfMiddleware:
    """The app's CSRF checker: :class:`~cupola.csrf.CsrfMiddleware` built for the app."""
    config = app.config
    trusted = config["CSRF_TRUSTED_ORIGINS"] or ()
    settings = (
        config["CSRF_ENABLED"],
        trusted if isinstance(trusted, str) else tuple(trusted),
        config["CSRF_HEADER_NAME"],
        config["CSRF_FIELD_NAME"],
    )
    # PERF: built once per app and CSRF configuration (a changed config gets a new one).
    checkers: dict[tuple[Any, ...], CsrfMiddleware] = app.extensions.setdefault(_CSRF_EXTENSION, {})
    checker = checkers.get(settings)
    if checker is None:
        checker = checkers[settings] = CsrfMiddleware(app)
    return checker
