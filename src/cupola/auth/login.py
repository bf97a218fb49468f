"""Logging in and out: :class:`Auth`, :func:`login_user`, :func:`logout_user`, ``current_user``.

The session holds the logged-in user's id (``"_user_id"``); :class:`Auth`, the app's
:class:`~cupola.types.UserLoader`, turns it back into a user with the app's ``user_loader``
function the first time a request asks for ``request.user`` (or ``current_user``, or a
WebSocket's ``ws.user``), so requests that never ask pay nothing. Logging in
regenerates the session (a new id and CSRF secret, against session fixation); logging out
clears it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from cupola.auth.models import ANONYMOUS
from cupola.auth.passwords import (
    configured_params,
    dummy_hash,
    hash_password,
    needs_rehash,
    verify_password,
)
from cupola.auth.throttle import LoginThrottle
from cupola.context import ContextProxy, get_request
from cupola.security import is_safe_redirect

if TYPE_CHECKING:
    from cupola.http.request import Request
    from cupola.types import Application

#: Where an app keeps its :class:`Auth` (:func:`get_auth` looks here).
EXTENSION = "cupola.auth"
#: The session key holding the logged-in user's id.
USER_ID_KEY = "_user_id"
#: The session key holding a digest of the user's password hash at login.
PASSWORD_DIGEST_KEY = "_password_digest"

U = TypeVar("U")
UserLoader = Callable[[str], Any]


class Auth:
    """Authentication for an app: ``auth = Auth(app, user_loader=load_user)``.

    Args:
        app: The application; or call :meth:`init_app` later.
        user_loader: ``loader(user_id: str)`` returns the user with that id, or ``None``
            (a deleted account: the visitor becomes anonymous). Also settable with
            ``@auth.user_loader``.
        authenticate: ``check(username, password)`` returns the user those credentials
            belong to, or ``None``; credential-based schemes (the REST toolkit's HTTP Basic
            authentication) call it. Usually a call of :func:`authenticate` with a lookup.

    Attributes:
        authenticate: The ``authenticate`` function given, or ``None``.

    Example:
        >>> from cupola import Cupola
        >>> auth = Auth(Cupola(__name__))
        >>> @auth.user_loader
        ... def load_user(user_id):
        ...     return None
    """

    def __init__(
        self,
        app: Application | None = None,
        user_loader: UserLoader | None = None,
        authenticate: Callable[[str, str], Any] | None = None,
    ) -> None:
        self._user_loader = user_loader
        self.authenticate = authenticate
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Application) -> None:
        """Install this object on ``app``: it loads ``request.user`` from now on."""
        app.extensions[EXTENSION] = self
        app.user_loader = self

    def user_loader(self, loader: UserLoader) -> UserLoader:
        """Decorator: register the function that loads a user by id."""
        self._user_loader = loader
        return loader

    def load_user(self, request: Request) -> Any:
        """``request.user``: the user of the request's session."""
        return self.user_for_session(request.session)

    def user_for_session(self, session: Mapping[str, Any]) -> Any:
        """The user the session is logged in as, or the anonymous user.

        A user that the loader no longer finds, that is no longer active, or whose password
        changed since this session logged in, counts as logged out.

        Raises:
            RuntimeError: When no user loader is registered.
        """
        user_id = session.get(USER_ID_KEY)
        if user_id is None:
            return ANONYMOUS
        if self._user_loader is None:
            raise RuntimeError(
                "Auth has no user loader: decorate a function loading a user by id with "
                "@auth.user_loader, or pass Auth(app, user_loader=...)."
            )
        user = self._user_loader(str(user_id))
        if user is None or not user.is_active:
            return ANONYMOUS
        if session.get(PASSWORD_DIGEST_KEY) != password_digest(user):
            return ANONYMOUS  # the password changed: every other session ends
        return user


def get_auth(app: Application) -> Auth:
    """The :class:`Auth` installed on ``app``.

    Raises:
        RuntimeError: When there is none.
    """
    auth = app.extensions.get(EXTENSION)
    if auth is None:
        raise RuntimeError(
            "Authentication is not set up: create cupola.auth.Auth(app, user_loader=...)."
        )
    return cast(Auth, auth)


def login_user(user: Any, remember: bool = False) -> bool:
    """Log ``user`` in for the rest of this visit (and the following requests).

    The session gets a new identity and CSRF secret, so an identifier or token planted
    before login is worthless after it; a session that belonged to another user is
    emptied first. The session also keeps a digest of the user's ``password_hash``: when
    the password changes, every session logged in before is logged out. Call
    ``login_user(user)`` again after a user changes their own password to keep theirs.

    Args:
        user: The user (its ``get_id()`` is stored in the session).
        remember: Keep the login after the browser closes, for
            ``PERMANENT_SESSION_LIFETIME``.

    Returns:
        ``False``, without logging in, when the user is not active.
    """
    if not user.is_active:
        return False
    request = get_request()
    session = request.session
    user_id = str(user.get_id())
    if session.get(USER_ID_KEY) not in (None, user_id):
        session.clear()
    session.regenerate()
    session[USER_ID_KEY] = user_id
    session[PASSWORD_DIGEST_KEY] = password_digest(user)
    session.permanent = remember
    request.user = user
    return True


def password_digest(user: Any) -> str | None:
    """A digest of ``user.password_hash`` (``None`` for users without one).

    NOTE: a digest, not the hash, so the session never holds the salt or hash; without the
    salt, which stays on the server, the digest offers no way to guess the password.
    """
    hashed = getattr(user, "password_hash", None)
    if not hashed:
        return None
    return hashlib.sha256(f"cupola.auth.session:{hashed}".encode()).hexdigest()[:32]


def logout_user() -> None:
    """Log out: clear the session (its cookie is deleted) and make the visitor anonymous."""
    request = get_request()
    request.session.clear()
    request.user = ANONYMOUS


def authenticate(username: str, password: str, lookup: Callable[[str], U | None]) -> U | None:
    """Check a user name and password, throttled, in the same time whether the user exists.

    Raises 429 once the user name failed ``LOGIN_THROTTLE_LIMIT`` times from this address
    in the window. An unknown user name is checked against a dummy hash, so timing does
    not reveal which accounts exist. After a success the failures are forgotten and a
    hash made with outdated parameters is replaced (``user.password_hash`` changes: save
    the user, as atomic requests do).

    Args:
        username: The user name as typed.
        password: The password as typed; never logged or stored.
        lookup: ``lookup(username)`` returns the user (with a ``password_hash``) or ``None``.

    Returns:
        The user, or ``None`` for a wrong user name or password or an inactive account.

    Raises:
        TooManyRequests: When the login is throttled.
    """
    request = get_request()
    throttle = LoginThrottle.for_app(request.app)
    # NOTE: the attempt is counted before the hash is checked (which takes ~0.4 s), so
    # concurrent guesses cannot all pass a check made before any of them is counted.
    throttle.reserve(username)
    user = lookup(username)
    hashed = getattr(user, "password_hash", None) if user is not None else None
    params = configured_params()
    matches = verify_password(hashed or dummy_hash(params), password)
    if user is None or not hashed or not matches or not getattr(user, "is_active", True):
        return None  # the reservation stays counted as the failure
    throttle.reset(username)
    if needs_rehash(hashed, params):
        user.password_hash = hash_password(password, params)  # type: ignore[attr-defined]
    return user


def next_url(default: str = "/") -> str:
    """Where a login page sends the user afterwards: ``?next=`` when it is safe, else ``default``.

    ``next`` is used only when it stays on this site (``cupola.security.is_safe_redirect``),
    so a crafted login link cannot send users elsewhere.
    """
    target = get_request().args.get("next")
    return target if target and is_safe_redirect(target) else default


def _current_user() -> Any:
    return get_request().user


#: The user of the current request: a user object, or an anonymous user when logged out.
current_user: Any = ContextProxy(_current_user)
