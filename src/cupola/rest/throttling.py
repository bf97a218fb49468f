"""Throttling: how many requests may this client make? Each throttle counts one kind of client.

A view lists throttle classes in ``throttle_classes``; each ``allow_request()`` counts the
request and answers whether it is within the rate (``"100/min"``). The view then refuses
with 429 and ``Retry-After`` from ``wait()``. Counters live in the app's cache
(:mod:`cupola.cache`), so with ``CACHE_URL`` on Redis every worker and machine shares them.

Why the count is exact. DRF keeps a list of timestamps per client: it reads the list,
decides, and writes the list back. Two workers that read at the same moment both see room
and both write, so one request is lost from the history and the client gets more than the
rate (DRF#5181, #5494). Here each request makes exactly one atomic increment
(:meth:`cupola.cache.Cache.incr`: a Lua script on Redis, a locked update in memory) on a
counter that lives for one window, created with the window's length as its time to live.
Every request gets a distinct count, 1, 2, 3…, so exactly the first N in a window are
allowed however many workers, threads or machines race. The window is fixed: it starts with
a client's first request and ends ``duration`` seconds later; refused requests are counted
too, but cannot lengthen it.

The same classes guard WebSocket consumers: :func:`check_consumer_throttles`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

from cupola.auth.login import EXTENSION as AUTH_EXTENSION
from cupola.auth.models import ANONYMOUS
from cupola.cache import Cache, get_cache
from cupola.context import get_app_context
from cupola.exceptions import ImproperlyConfigured
from cupola.rest.exceptions import Throttled

if TYPE_CHECKING:
    from cupola.http.request import Request

__all__ = [
    "AnonRateThrottle",
    "BaseThrottle",
    "ScopedRateThrottle",
    "SimpleRateThrottle",
    "UserRateThrottle",
    "check_consumer_throttles",
    "check_throttles",
    "parse_rate",
]

_PERIODS = {
    **dict.fromkeys(("s", "sec", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hour", "hours"), 3600),
    **dict.fromkeys(("d", "day", "days"), 86400),
}


@lru_cache(maxsize=256)
def parse_rate(rate: str | None) -> tuple[int | None, int | None]:
    """Turn ``"100/min"`` into ``(100, 60)``: requests allowed, and the window in seconds.

    The period is ``s``, ``m``, ``h`` or ``d``, or a long form (``sec``, ``min``, ``hour``,
    ``day``, ``minute``…, singular or plural). ``None`` means "no limit": ``(None, None)``.

    Raises:
        ImproperlyConfigured: For anything else.

    Example:
        >>> parse_rate("100/min"), parse_rate("5/s"), parse_rate("1000/day")
        ((100, 60), (5, 1), (1000, 86400))
    """
    if rate is None:
        return (None, None)
    num, _, period = str(rate).partition("/")
    duration = _PERIODS.get(period.strip().lower())
    if not num.strip().isdigit() or duration is None:
        raise ImproperlyConfigured(
            f"Invalid throttle rate {rate!r}: write it as 'requests/period' with a period of "
            "s, m, h or d (or sec, min, hour, day), for example '100/min'."
        )
    return (int(num), duration)


class BaseThrottle:
    """Base class of throttles: override :meth:`allow_request` (and :meth:`wait`).

    Example:
        >>> class NoPostOnSundays(BaseThrottle):
        ...     def allow_request(self, request, view):
        ...         return request.method != "POST" or time.localtime().tm_wday != 6
    """

    def allow_request(self, request: Any, view: Any) -> bool:
        """Count the request; return whether it may proceed."""
        raise NotImplementedError(".allow_request() must be overridden")

    def get_ident(self, request: Any) -> str:
        """The client's address: ``request.remote_addr``.

        That is the peer's address, or the one a trusted proxy reported
        (``TRUSTED_PROXIES``); ``X-Forwarded-For`` from anyone else is ignored, so a client
        cannot pick a fresh identity per request.
        """
        return str(request.remote_addr or "")

    def wait(self) -> float | None:
        """Seconds until a request may succeed again, or ``None`` if unknown."""
        return None


class SimpleRateThrottle(BaseThrottle):
    """A throttle at ``rate`` per client, counted in the cache; subclass :meth:`get_cache_key`.

    The rate is the ``rate`` attribute, or else ``DEFAULT_THROTTLE_RATES[scope]`` from
    ``app.config["REST"]``, read when the throttle is made (once per request).

    Attributes:
        scope: The name of the rate in ``DEFAULT_THROTTLE_RATES`` (and part of the key).
        rate: ``"N/period"``, or ``None`` for no limit.
        cache: A :class:`~cupola.cache.Cache` to count in; ``None``: the app's cache.
        timer: Seconds since the epoch (a test may swap the clock).
        cache_format: How a counter's key is made from ``scope`` and ``ident``.
        THROTTLE_RATES: Rates by scope; ``None``: ``DEFAULT_THROTTLE_RATES``.

    Raises:
        ImproperlyConfigured: Without ``rate`` or ``scope``, or for a scope without a rate.
    """

    scope: ClassVar[str | None] = None
    cache: ClassVar[Cache | None] = None
    timer: Callable[[], float] = time.time
    cache_format: ClassVar[str] = "throttle_%(scope)s_%(ident)s"
    THROTTLE_RATES: ClassVar[Mapping[str, str | None] | None] = None

    rate: str | None
    key: str | None
    now: float
    num_requests: int | None
    duration: int | None

    def __init__(self) -> None:
        if not getattr(self, "rate", None):
            self.rate = self.get_rate()
        self.num_requests, self.duration = parse_rate(self.rate)
        self.count = 0

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        """The counter's key for this request, or ``None`` not to throttle it."""
        raise NotImplementedError(".get_cache_key() must be overridden")

    def get_rate(self) -> str | None:
        """The rate of :attr:`scope` from the settings."""
        scope = getattr(self, "scope", None)
        if not scope:
            raise ImproperlyConfigured(
                f"You must set either `.scope` or `.rate` for '{type(self).__name__}' throttle"
            )
        rates = self.THROTTLE_RATES
        if rates is None:
            from cupola.rest.settings import api_settings  # NOTE: per app, never at import

            rates = api_settings.DEFAULT_THROTTLE_RATES
        try:
            return rates[scope]
        except KeyError:
            raise ImproperlyConfigured(
                f"No default throttle rate set for '{scope}' scope: add it to "
                'app.config["REST"]["DEFAULT_THROTTLE_RATES"].'
            ) from None

    def get_cache(self) -> Cache:
        """Where the counters live: :attr:`cache`, or the current app's cache."""
        return self.cache if self.cache is not None else get_cache(get_app_context().app)

    def allow_request(self, request: Any, view: Any) -> bool:
        """Count the request in its window; allow the first ``num_requests`` of the window."""
        if self.rate is None or self.num_requests is None or self.duration is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        cache = self.get_cache()
        self.now = self.timer()
        # One atomic step decides: the count is unique to this request (module docstring).
        self.count = cache.incr(self.key, ttl=self.duration)
        if self.count == 1:  # this request opened the window: note when, for wait()
            cache.set(self.key + ":start", self.now, ttl=self.duration)
        if self.count > self.num_requests:
            return self.throttle_failure()
        return self.throttle_success()

    def throttle_success(self) -> bool:
        """Called when the request is within the rate; returns ``True``."""
        return True

    def throttle_failure(self) -> bool:
        """Called when the request is over the rate; returns ``False``."""
        return False

    def wait(self) -> float | None:
        """Seconds until the window ends (when a refused client may try again)."""
        if self.duration is None:
            return None
        start = self.get_cache().get(self.key + ":start") if self.key else None
        if not isinstance(start, int | float):  # the window's opener has not noted it yet
            return float(self.duration)
        # NOTE: never 0 for a refusal: the counter may outlive the noted start by a moment
        # (two keys, two clocks), and a refused client must be told to wait (Retry-After).
        return float(min(max(start + self.duration - self.now, 0.001), self.duration))


class AnonRateThrottle(SimpleRateThrottle):
    """Throttles anonymous requests by client address at the ``"anon"`` rate."""

    scope = "anon"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        """``None`` for an authenticated user (not throttled here); else the address's key."""
        if _authenticated(request):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserRateThrottle(SimpleRateThrottle):
    """Throttles by user (its primary key), or by address when anonymous, at ``"user"``."""

    scope = "user"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        """The user's key, or the address's for an anonymous request."""
        return self.cache_format % {"scope": self.scope, "ident": _ident(self, request)}


class ScopedRateThrottle(SimpleRateThrottle):
    """Throttles views by their ``throttle_scope``, at ``DEFAULT_THROTTLE_RATES[scope]``.

    Views without a ``throttle_scope`` are not throttled. The key joins the scope and the
    user (or address), so each scope counts separately.
    """

    scope_attr: ClassVar[str] = "throttle_scope"

    def __init__(self) -> None:
        # The scope, so the rate, is known only once the view is: see allow_request().
        self.rate = None
        self.num_requests = self.duration = None
        self.count = 0

    def allow_request(self, request: Any, view: Any) -> bool:
        """Read the view's scope and its rate, then count the request."""
        self.scope = getattr(view, self.scope_attr, None)  # type: ignore[misc]  # as DRF
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        """The scope's key for this user, or address."""
        return self.cache_format % {"scope": self.scope, "ident": _ident(self, request)}


def check_throttles(throttles: Iterable[BaseThrottle], request: Any, view: Any) -> None:
    """Count ``request`` in every throttle, as a REST view does; refuse if any is exceeded.

    Every throttle counts the request, even after one has refused it.

    Raises:
        Throttled: With the longest of the refusing throttles' waits.
    """
    waits = [t.wait() for t in throttles if not t.allow_request(request, view)]
    if waits:
        known = [w for w in waits if w is not None]
        raise Throttled(wait=max(known) if known else None)


class ConsumerRequest:
    """What a throttle sees of a WebSocket connection: its user and its client's address.

    Args:
        websocket: The connection (:class:`~cupola.websockets.WebSocket`).

    Attributes:
        user: The session's user when the app has authentication, else anonymous.
        remote_addr: The client's address (the handshake's ``remote_addr``).
        method: ``"GET"``, the handshake's method.
    """

    def __init__(self, websocket: Any) -> None:
        self._request: Request = websocket.request
        self.remote_addr = self._request.remote_addr
        self.method = self._request.method
        self.user = websocket.user if AUTH_EXTENSION in websocket.app.extensions else ANONYMOUS


async def check_consumer_throttles(consumer: Any) -> Throttled | None:
    """Count a WebSocket event against the consumer's ``throttle_classes``.

    Call it in ``connect()`` (for the handshake) and in ``receive()``/``receive_json()``
    (for each message); the consumer is the "view", so ``throttle_scope`` works too.
    The counting runs in a worker thread, since a Redis cache (and loading the user) blocks.

    Returns:
        ``None`` when allowed; else the :class:`~cupola.rest.exceptions.Throttled` a view
        would raise (``.detail`` the message, ``.wait`` whole seconds).

    Example:
        >>> class Chat(JsonWebSocketConsumer):  # doctest: +SKIP
        ...     throttle_classes = [UserRateThrottle]
        ...     async def connect(self):
        ...         if await check_consumer_throttles(self) is None:
        ...             await self.accept()  # else refused with 403
        ...     async def receive_json(self, content):
        ...         refusal = await check_consumer_throttles(self)
        ...         if refusal is not None:
        ...             await self.send_json({"detail": refusal.detail})
    """
    classes = getattr(consumer, "throttle_classes", ())
    if not classes:
        return None

    def count() -> Throttled | None:
        # In the thread too: the user may come from the database through the session.
        request = ConsumerRequest(consumer.websocket)
        try:
            check_throttles([cls() for cls in classes], request, consumer)
        except Throttled as refusal:
            return refusal
        return None

    return await asyncio.to_thread(count)


def _authenticated(request: Any) -> bool:
    user = getattr(request, "user", None)
    return bool(user and getattr(user, "is_authenticated", False))


def _ident(throttle: BaseThrottle, request: Any) -> str:
    """The user's primary key when authenticated, else the client's address."""
    if not _authenticated(request):
        return throttle.get_ident(request)
    user = request.user
    pk = getattr(user, "pk", None)
    if pk is None:
        pk = user.get_id() if hasattr(user, "get_id") else getattr(user, "id", None)
    return str(pk)
