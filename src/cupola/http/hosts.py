"""``Host`` header validation (DESIGN §7): missing, duplicate or malformed → 400.

The adapters check every request before the pipeline runs. Hosts already found valid are
remembered in a small bounded set, so the check costs one lookup for the hosts an app
actually serves.
"""

from __future__ import annotations

import re

from cupola.exceptions import BadRequest
from cupola.http.bounded import BoundedSet

# RFC 3986 reg-name / IPv4 / bracketed IPv6, with an optional port.
_HOST_RE = re.compile(r"(?:[A-Za-z0-9._~!$&'()*+,;=-]+|\[[0-9A-Fa-f:.]+\])(?::([0-9]{1,5}))?")

#: Hosts seen and found valid; bounded so that random hosts cannot grow it.
VALID_HOSTS: BoundedSet[str] = BoundedSet()


def is_valid_host(host: str) -> bool:
    """Whether ``host`` is a syntactically valid ``Host`` value (name or IP, optional port)."""
    if host in VALID_HOSTS:
        return True
    match = _HOST_RE.fullmatch(host)
    if match is None or (match.group(1) is not None and int(match.group(1)) > 65535):
        return False
    VALID_HOSTS.remember(host)
    return True


def host_error(hosts: list[str], http_version: str | None) -> BadRequest | None:
    """The 400 for a request's ``Host`` headers, or ``None`` when they are acceptable.

    Args:
        hosts: Every ``Host`` value the request carried.
        http_version: ``"1.0"``, ``"1.1"``, ``"2"``…; HTTP/1.0 may omit ``Host``.
    """
    if not hosts:
        if http_version == "1.0":
            return None
        return BadRequest("The request has no Host header.")
    if len(hosts) > 1:
        return BadRequest("The request has more than one Host header.")
    if not is_valid_host(hosts[0]):
        return BadRequest("The Host header is malformed.")
    return None
