"""``@login_required`` and ``@permission_required``: guard views, sync or async, and class views.

A visitor who is not logged in gets, when the ``Accept`` header names ``text/html`` and
ranks it at least as high as JSON (browsers navigating), a redirect to
``LOGIN_URL?next=<this page>``; any other client (an API call, ``fetch``, ``curl``'s
``*/*``, a missing ``Accept``) gets 401 with ``WWW-Authenticate: Cookie`` naming the login form, as
the HTTP Cookie authentication draft (draft-broyer-http-cookie-auth) writes it, since
RFC 9110 §11.6.1 requires the header on every 401. A logged-in user who fails a
permission check gets 403.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from cupola.auth.login import current_user
from cupola.context import get_request
from cupola.exceptions import Forbidden, Unauthorized
from cupola.http.mediatypes import parse_accept, prefers_html
from cupola.http.response import RedirectResponse
from cupola.navigation import url_for
from cupola.security import is_safe_redirect
from cupola.views import View

F = TypeVar("F", bound=Callable[..., Any])
PermissionCheck = Callable[[Any], bool]


def login_required(view: F) -> F:
    """Let only logged-in users reach ``view``.

    Works on view functions (sync or ``async def``), on methods of a
    :class:`~cupola.View` and on a ``View`` class itself (every verb is guarded).

    Example:
        >>> @login_required
        ... def profile():
        ...     return {"name": current_user.name}
    """
    return _guard(view, None)


def permission_required(check: PermissionCheck) -> Callable[[F], F]:
    """Let only logged-in users for whom ``check(user)`` is true reach the view (else 403).

    Args:
        check: A function of the user, e.g. ``lambda user: user.is_admin``.

    Example:
        >>> @permission_required(lambda user: user.is_admin)
        ... def admin():
        ...     return "secret"
    """

    def decorate(view: F) -> F:
        return _guard(view, check)

    return decorate


def _guard(view: F, check: PermissionCheck | None) -> F:
    if isinstance(view, type) and issubclass(view, View):
        # A guard of the class's own: parents and siblings stay unguarded, and subclasses
        # keep it even when they set their own ``decorators``.
        view.add_guard(lambda func: _guard(func, check))
        return cast("F", view)
    if inspect.iscoroutinefunction(view):

        @functools.wraps(view)
        async def guarded_async(*args: Any, **kwargs: Any) -> Any:
            refusal = _refusal(check)
            return refusal if refusal is not None else await view(*args, **kwargs)

        return cast("F", guarded_async)

    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        refusal = _refusal(check)
        return refusal if refusal is not None else view(*args, **kwargs)

    return cast("F", guarded)


def _refusal(check: PermissionCheck | None) -> RedirectResponse | None:
    """The redirect to the login page, or ``None`` to go ahead; raises 401 or 403."""
    user = current_user._get_current_object()
    if not user.is_authenticated:
        return _login_redirect()
    if check is not None and not check(user):
        raise Forbidden()
    return None


def _login_redirect() -> RedirectResponse:
    request = get_request()
    login_url = _login_url(request.app.config["LOGIN_URL"])
    if not _wants_html(request.headers.get("Accept")):
        challenge = f'Cookie realm="{request.host}", form-action="{login_url}"'
        raise Unauthorized(headers=[("WWW-Authenticate", challenge)])
    # Only a GET or HEAD can be repeated by following a link back; a form post cannot.
    target = request.full_path if request.method in ("GET", "HEAD") else None
    if target is None or not is_safe_redirect(target):
        return RedirectResponse(login_url)
    separator = "&" if "?" in login_url else "?"
    return RedirectResponse(f"{login_url}{separator}{urlencode({'next': target})}")


def _wants_html(accept: str | None) -> bool:
    # NOTE: "*/*" alone is indifference, not a browser: such clients get the 401.
    named = any(media == "text/html" and quality > 0 for media, quality in parse_accept(accept))
    return named and prefers_html(accept)


def _login_url(setting: str) -> str:
    """``LOGIN_URL`` as a URL: a path or URL as it is, else an endpoint name for ``url_for``."""
    return setting if "/" in setting else url_for(setting)
