"""Login throttling: after a few wrong passwords, a user name from one address must wait.

Failures are counted in the app's cache (:func:`cupola.cache.get_cache`), under a key made
from the user name (case-folded) and the client's address, in fixed windows aligned to the
clock: ``LOGIN_THROTTLE_LIMIT`` failures in a window of ``LOGIN_THROTTLE_WINDOW`` seconds
answer 429 with ``Retry-After`` until the window ends. With ``CACHE_URL`` on Redis the
count is shared by every worker (``incr`` is atomic there), so the limit holds in total.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from cupola.cache import Cache, get_cache
from cupola.context import get_request, has_request_context
from cupola.exceptions import ImproperlyConfigured, TooManyRequests

if TYPE_CHECKING:
    from cupola.app import Cupola


class LoginThrottle:
    """Counts failed logins per user name and client address, and refuses past a limit.

    Args:
        cache: Where the counters live.
        limit: Failures allowed per window; ``0`` turns throttling off.
        window: The window's length in seconds.
        clock: Seconds since the epoch (tests pass a fake one).

    Example:
        >>> from cupola.cache import MemoryCache
        >>> throttle = LoginThrottle(MemoryCache(), limit=2, window=60)
        >>> throttle.failure("ada"), throttle.failure("ada")
        (1, 2)
        >>> throttle.check("ada")
        Traceback (most recent call last):
        ...
        cupola.exceptions.TooManyRequests: 429 Too Many Requests: Too many failed logins...
    """

    def __init__(
        self,
        cache: Cache,
        limit: int,
        window: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise ImproperlyConfigured(
                f"LOGIN_THROTTLE_LIMIT must be a whole number of failures (0: off), not {limit!r}."
            )
        if isinstance(window, bool) or not isinstance(window, int) or window < 1:
            raise ImproperlyConfigured(
                f"LOGIN_THROTTLE_WINDOW must be a positive number of seconds, not {window!r}."
            )
        self.cache = cache
        self.limit = limit
        self.window = window
        self._clock = clock

    @classmethod
    def for_app(cls, app: Cupola) -> LoginThrottle:
        """The throttle ``app``'s configuration describes, on its cache."""
        config = app.config
        return cls(get_cache(app), config["LOGIN_THROTTLE_LIMIT"], config["LOGIN_THROTTLE_WINDOW"])

    def _key(self, username: str) -> tuple[str, float]:
        """The counter's key for this window, and when the window ends."""
        now = self._clock()
        index = math.floor(now / self.window)
        address = get_request().remote_addr if has_request_context() else None
        # A digest: the cache never holds user names, and keys stay short.
        who = hashlib.sha256(f"{username.casefold()}\0{address or ''}".encode()).hexdigest()
        return f"login-failures:{who}:{index}", (index + 1) * self.window - now

    def check(self, username: str) -> None:
        """Refuse a login attempt when this user name and address failed too often.

        Raises:
            TooManyRequests: 429, with ``Retry-After`` the seconds left in the window.
        """
        if not self.limit:
            return
        key, remaining = self._key(username)
        if self.cache.get(key, 0) >= self.limit:
            raise TooManyRequests(
                "Too many failed logins: try again later.", retry_after=max(1, math.ceil(remaining))
            )

    def failure(self, username: str) -> int:
        """Count a failed login; return the failures in this window so far."""
        if not self.limit:
            return 0
        key, remaining = self._key(username)
        return self.cache.incr(key, ttl=max(1.0, remaining))

    def reset(self, username: str) -> None:
        """Forget the failures of this user name and address (after a successful login)."""
        if self.limit:
            self.cache.delete(self._key(username)[0])
