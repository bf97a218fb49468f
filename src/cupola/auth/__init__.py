"""Authentication: password hashing, login and logout, ``current_user`` and view guards.

Create ``Auth(app, user_loader=...)``; check credentials with :func:`authenticate` (or
:func:`verify_password`), then :func:`login_user`. ``current_user`` and ``request.user``
are the logged-in user or an :class:`AnonymousUser`. Guard views with
:func:`login_required` and :func:`permission_required`.
"""

from __future__ import annotations

from cupola.auth.decorators import login_required, permission_required
from cupola.auth.login import (
    Auth,
    authenticate,
    current_user,
    get_auth,
    login_user,
    logout_user,
    next_url,
)
from cupola.auth.models import AnonymousUser, UserMixin
from cupola.auth.passwords import ScryptParams, hash_password, needs_rehash, verify_password
from cupola.auth.throttle import LoginThrottle

__all__ = [
    "AnonymousUser",
    "Auth",
    "LoginThrottle",
    "ScryptParams",
    "UserMixin",
    "authenticate",
    "current_user",
    "get_auth",
    "hash_password",
    "login_required",
    "login_user",
    "logout_user",
    "needs_rehash",
    "next_url",
    "permission_required",
    "verify_password",
]
