"""Outage policy: what a battery does while the service behind it (Redis) is down.

``OUTAGE_POLICY`` maps each part to ``"closed"`` or ``"open"``. *Closed* answers 503 with
``Retry-After`` (the request may be retried shortly); *open* carries on without the service,
as described per part in ``docs/security.md``: sessions are empty and not saved (the
visitor's cookie is kept), the cache misses, the login throttle lets attempts through
uncounted, and channel messages are dropped. Either way, the answer comes within the
client's timeouts (2 s to connect, 5 s to read), and the next request after the service is
back uses it again, with no restart.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Literal

from cupola.exceptions import ImproperlyConfigured, ServiceUnavailable

#: The parts an ``OUTAGE_POLICY`` names.
PARTS = ("sessions", "cache", "throttle", "channels")
#: Seconds a client is asked to wait before retrying (``Retry-After``).
RETRY_AFTER = 5

logger = logging.getLogger("cupola.outages")

Policy = Literal["open", "closed"]


class Unavailable(ServiceUnavailable):
    """503: a service the app needs is down; the request may be retried shortly.

    Args:
        what: What is unavailable, for the message (``"session store"``).
    """

    def __init__(self, what: str) -> None:
        super().__init__(
            f"The {what} is unavailable; please try again shortly.",
            headers={"Retry-After": str(RETRY_AFTER)},
        )


def policy(config: Mapping[str, Any], part: str) -> Policy:
    """The policy ``OUTAGE_POLICY`` sets for ``part`` (``"closed"`` when not listed).

    Raises:
        ImproperlyConfigured: For an unknown part or a value other than open or closed.
    """
    setting = config.get("OUTAGE_POLICY") or {}
    unknown = set(setting) - set(PARTS)
    if unknown:
        raise ImproperlyConfigured(
            f"OUTAGE_POLICY names unknown parts {sorted(unknown)}; use {', '.join(PARTS)}."
        )
    value = setting.get(part, "closed")
    if value not in ("open", "closed"):
        raise ImproperlyConfigured(
            f"OUTAGE_POLICY[{part!r}] must be 'open' or 'closed', not {value!r}."
        )
    return value  # type: ignore[no-any-return]  # checked above


def fails_open(config: Mapping[str, Any], part: str) -> bool:
    """Whether ``part`` carries on without its service during an outage."""
    return policy(config, part) == "open"
