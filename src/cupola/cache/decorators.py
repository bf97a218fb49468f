"""``@cached(ttl)``: keep a view's successful GET responses in the app's cache.

Only what is the same for every visitor is stored: a ``200`` answer to ``GET`` or ``HEAD``
(which share entries) without an ``Authorization`` header, complete (not streamed), that
neither set a cookie, nor read the session, nor carries ``Vary`` or
``Cache-Control: private``/``no-store``. The key is the host, path and query string, unless
a ``key`` function says otherwise.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from cupola.cache.base import MISSING
from cupola.cache.binding import get_cache
from cupola.context import get_request
from cupola.http.headers import Headers
from cupola.http.response import Response
from cupola.returns import to_response
from cupola.templating import TemplateResponse

if TYPE_CHECKING:
    from cupola.http.request import Request

F = TypeVar("F", bound=Callable[..., Any])
KeyFunction = Callable[["Request"], str]

_CACHEABLE_METHODS = frozenset({"GET", "HEAD"})


def cached(ttl: float | None = None, *, key: KeyFunction | None = None) -> Callable[[F], F]:
    """Cache a view's responses (sync or ``async def``) for ``ttl`` seconds.

    Put it under the route decorator, so that the route registers the cached view.

    Args:
        ttl: Seconds a response is kept; ``None`` uses ``CACHE_DEFAULT_TTL``.
        key: A function of the request returning the cache key; by default the host,
            path and query string.

    Returns:
        A decorator.

    Example:
        >>> @cached(ttl=60)
        ... def books():
        ...     return {"books": []}
    """

    def decorate(view: F) -> F:
        if inspect.iscoroutinefunction(view):

            @functools.wraps(view)
            async def cached_async_view(*args: Any, **kwargs: Any) -> Any:
                request = get_request()
                if not _applies(request):
                    return await view(*args, **kwargs)
                entry, hit = _lookup(request, key)
                if hit is not None:
                    return hit
                return _store(request, entry, await view(*args, **kwargs), ttl)

            return cast("F", cached_async_view)

        @functools.wraps(view)
        def cached_view(*args: Any, **kwargs: Any) -> Any:
            request = get_request()
            if not _applies(request):
                return view(*args, **kwargs)
            entry, hit = _lookup(request, key)
            if hit is not None:
                return hit
            return _store(request, entry, view(*args, **kwargs), ttl)

        return cast("F", cached_view)

    return decorate


def _applies(request: Request) -> bool:
    # NOTE: an answer to credentials (an API token) is that client's own, like a session's.
    return request.method in _CACHEABLE_METHODS and request.header("authorization") is None


def _lookup(request: Request, key: KeyFunction | None) -> tuple[str, Response | None]:
    """The entry's key, and the stored response when there is one."""
    if key is not None:
        entry = "view:" + key(request)
    else:
        # A hash bounds the key's length whatever the query string's.
        where = f"{request.host}{request.full_path}".encode("utf-8", "surrogateescape")
        entry = "view:" + hashlib.sha256(where).hexdigest()
    stored = get_cache(request.app).get(entry, MISSING)
    if stored is MISSING:
        return entry, None
    status, headers, body = stored
    response = Response(body, status)
    response.headers = Headers([(name, value) for name, value in headers])
    return entry, response


def _store(request: Request, entry: str, rv: Any, ttl: float | None) -> Response:
    """Coerce the view's value to a response and keep it when it is the same for anyone."""
    response = to_response(rv)
    if isinstance(response, TemplateResponse):
        response.render()  # now, so that a template reading the session is seen to
    if _cacheable(request, response):
        headers = [[name, value] for name, value in response.headers.items()]
        get_cache(request.app).set(entry, [response.status, headers, response.body], ttl)
    return response


def _cacheable(request: Request, response: Response) -> bool:
    if response.status != 200 or response.is_streaming or request.loaded_session is not None:
        return False
    headers = response.headers
    if "Set-Cookie" in headers or "Vary" in headers:
        return False
    control = (headers.get("Cache-Control") or "").lower()
    return "private" not in control and "no-store" not in control
