"""Login throttling: after a few wrong passwords, a user name from one address must wait.

Attempts are counted in the app's security store (:func:`cupola.cache.get_security_store`:
beside the cache, out of reach of its eviction and of ``cache.clear()``), under keys made
from the user name (case-folded) and the client's address, in fixed windows aligned to the
clock. An attempt is reserved (an atomic increment) *before* the password is checked, so
however many arrive at once, at most ``LOGIN_THROTTLE_LIMIT`` per user name and address, and
``LOGIN_THROTTLE_ADDRESS_LIMIT`` per address over all user names, are ever evaluated in a
window of ``LOGIN_THROTTLE_WINDOW`` seconds; the rest answer 429 with ``Retry-After`` until
the window ends. A success gives its reservation back. With Redis the counts are shared by
every worker, so the limits hold in total.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from cupola.cache import Cache, get_security_store
from cupola.context import get_request, has_request_context
from cupola.exceptions import ImproperlyConfigured, TooManyRequests
from cupola.outages import Unavailable, fails_open

if TYPE_CHECKING:
    from cupola.types import Application

logger = logging.getLogger("cupola.auth")


def _checked(name: str, value: object, minimum: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ImproperlyConfigured(f"{name} must be {what}, not {value!r}.")
    return value


class LoginThrottle:
    """Counts login attempts per user name and client address, and refuses past a limit.

    Args:
        cache: Where the counters live (kept apart from cached pages: see
            :func:`~cupola.cache.get_security_store`).
        limit: Failures allowed per user name and address per window; ``0`` turns
            throttling off.
        window: The window's length in seconds.
        clock: Seconds since the epoch (tests pass a fake one).
        address_limit: Attempts allowed per address over all user names per window
            (successes excepted); ``0``: no such limit.
        fail_open: While the store is unreachable, let attempts through uncounted instead
            of answering 503 (``OUTAGE_POLICY["throttle"] = "open"``).

    Example:
        >>> from cupola.cache import MemoryCache
        >>> throttle = LoginThrottle(MemoryCache(), limit=2, window=60)
        >>> throttle.reserve("ada"), throttle.reserve("ada")
        (1, 2)
        >>> throttle.reserve("ada")
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
        address_limit: int = 0,
        fail_open: bool = False,
    ) -> None:
        what = "a whole number of failures (0: off)"
        self.limit = _checked("LOGIN_THROTTLE_LIMIT", limit, 0, what)
        self.window = _checked("LOGIN_THROTTLE_WINDOW", window, 1, "a positive number of seconds")
        what = "a whole number of attempts (0: off)"
        self.address_limit = _checked("LOGIN_THROTTLE_ADDRESS_LIMIT", address_limit, 0, what)
        self.cache = cache
        self.fail_open = fail_open
        self._clock = clock

    @classmethod
    def for_app(cls, app: Application) -> LoginThrottle:
        """The throttle ``app``'s configuration describes, on its security store."""
        config = app.config
        return cls(
            get_security_store(app),
            config["LOGIN_THROTTLE_LIMIT"],
            config["LOGIN_THROTTLE_WINDOW"],
            address_limit=config["LOGIN_THROTTLE_ADDRESS_LIMIT"],
            fail_open=fails_open(config, "throttle"),
        )

    def _keys(self, username: str) -> tuple[str, str, float]:
        """The pair's and the address's counter keys for this window, and its time left."""
        now = self._clock()
        index = math.floor(now / self.window)
        address = (get_request().remote_addr if has_request_context() else None) or ""
        # A digest: the store never holds user names or addresses, and keys stay short.
        who = hashlib.sha256(f"{username.casefold()}\0{address}".encode()).hexdigest()
        where = hashlib.sha256(f"address\0{address}".encode()).hexdigest()
        return (
            f"login:{who}:{index}",
            f"login-address:{where}:{index}",
            (index + 1) * self.window - now,
        )

    def _refuse(self, remaining: float) -> TooManyRequests:
        return TooManyRequests(
            "Too many failed logins: try again later.", retry_after=max(1, math.ceil(remaining))
        )

    def reserve(self, username: str) -> int:
        """Count an attempt before checking its password; refuse it past a limit.

        The increment is atomic (``INCRBY`` on Redis, a lock in memory), so concurrent
        attempts each get their own number and at most the limit go on to be checked.

        Returns:
            The attempts for this user name and address in this window, this one included.

        Raises:
            TooManyRequests: 429, with ``Retry-After`` the seconds left in the window.
        """
        if not self.limit:
            return 0
        pair, address, remaining = self._keys(username)
        ttl = max(1.0, remaining)
        try:
            count = self.cache.incr(pair, ttl=ttl)
            over = count > self.limit or (
                self.address_limit > 0 and self.cache.incr(address, ttl=ttl) > self.address_limit
            )
        except Unavailable:
            if not self.fail_open:
                raise  # 503 with Retry-After: no attempt is checked uncounted
            logger.warning("Login throttle store unavailable: attempt let through uncounted.")
            return 0
        if over:
            raise self._refuse(remaining)
        return count

    def check(self, username: str) -> None:
        """Refuse when this user name and address used up their attempts (counts nothing).

        Raises:
            TooManyRequests: 429, with ``Retry-After`` the seconds left in the window.
        """
        if not self.limit:
            return
        pair, address, remaining = self._keys(username)
        if self.cache.get(pair, 0) >= self.limit:
            raise self._refuse(remaining)
        if self.address_limit and self.cache.get(address, 0) >= self.address_limit:
            raise self._refuse(remaining)

    def failure(self, username: str) -> int:
        """Count a failed attempt made without :meth:`reserve`; return the count so far."""
        if not self.limit:
            return 0
        pair, address, remaining = self._keys(username)
        if self.address_limit:
            self.cache.incr(address, ttl=max(1.0, remaining))
        return self.cache.incr(pair, ttl=max(1.0, remaining))

    def reset(self, username: str) -> None:
        """After a success: forget this pair's attempts and give the address its one back."""
        if not self.limit:
            return
        pair, address, remaining = self._keys(username)
        try:
            self.cache.delete(pair)
            if self.address_limit and self.cache.get(address, 0) > 0:
                self.cache.incr(address, -1, ttl=max(1.0, remaining))
        except Unavailable:
            # NOTE: the login itself succeeded; a failure count left behind expires with
            # its window, so the user is not refused a 503 after the right password.
            logger.warning("Login throttle store unavailable: failures not reset.")
