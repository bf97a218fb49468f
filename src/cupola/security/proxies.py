"""Proxy headers: the client's address, scheme and host, as trusted proxies report them.

Behind a reverse proxy the server sees the proxy, not the client. ``X-Forwarded-For``,
``X-Forwarded-Proto`` and ``X-Forwarded-Host`` say who the client was, but any client can
send them, so they count only when the request came through the proxies named in
``TRUSTED_PROXIES``. It is empty by default, and the headers are ignored (DESIGN §7).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from cupola.exceptions import ImproperlyConfigured
from cupola.http.bounded import BoundedDict
from cupola.http.hosts import is_valid_host
from cupola.http.request import Forwarded
from cupola.middleware import Middleware

if TYPE_CHECKING:
    from cupola.http.headers import Headers
    from cupola.http.request import Request
    from cupola.http.response import Response
    from cupola.types import Application

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_SCHEMES = frozenset({"http", "https"})


def parse_address(value: str) -> Address | None:
    """The IP address in ``value`` (IPv4-mapped IPv6 as IPv4), or ``None`` when malformed."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def trusted_proxies(setting: Any) -> tuple[int, tuple[Network, ...]]:
    """Parse ``TRUSTED_PROXIES``: ``(number of proxies, ())`` or ``(0, networks)``.

    Raises:
        ImproperlyConfigured: For anything but a number of proxies or a list of networks.
    """
    if not setting:
        return 0, ()
    if isinstance(setting, int) and not isinstance(setting, bool) and setting > 0:
        return setting, ()
    if isinstance(setting, Iterable) and not isinstance(setting, str):
        networks = []
        for entry in setting:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except (TypeError, ValueError):
                raise ImproperlyConfigured(
                    f"TRUSTED_PROXIES entry {entry!r} is not an IP address or network such "
                    "as '10.0.0.0/8'."
                ) from None
        return 0, tuple(networks)
    raise ImproperlyConfigured(
        "TRUSTED_PROXIES must be the number of proxies in front of the app (such as 1) or a "
        f"list of their addresses or networks (such as ['10.0.0.0/8']), not {setting!r}."
    )


def _last(headers: Headers, name: str) -> str | None:
    """The last value of a header that proxies may have appended to."""
    values = headers.getlist(name)
    return values[-1].rpartition(",")[2].strip() if values else None


class ProxyHeadersMiddleware(Middleware):
    """Honour ``X-Forwarded-*`` headers from the proxies in ``TRUSTED_PROXIES`` only.

    ``TRUSTED_PROXIES`` is either:

    - the number *N* of proxies in front of the app, each appending to ``X-Forwarded-For``:
      every peer is taken to be the nearest proxy, and the client is the *N*-th address from
      the right (addresses further left were sent by the client and are ignored); or
    - a list of the proxies' addresses or networks: the headers count only when the peer is
      in one of them, and the client is the first address, from the right, that is not.

    ``X-Forwarded-Proto`` and ``X-Forwarded-Host`` are taken from the nearest proxy (their
    last value), which must set them. Malformed values are ignored. Install this middleware
    first, so that every later check sees the client's values; it reads the headers of
    WebSocket handshakes too.

    Args:
        app: The application.

    Raises:
        ImproperlyConfigured: For an invalid ``TRUSTED_PROXIES``.
    """

    def __init__(self, app: Application) -> None:
        super().__init__(app)
        self.hops, self.networks = trusted_proxies(app.config.get("TRUSTED_PROXIES"))
        self._enabled = bool(self.hops or self.networks)
        # Whether each peer address is a trusted proxy; bounded like every per-input cache.
        self._peers: BoundedDict[str | None, bool] = BoundedDict()

    def active_hooks(self) -> frozenset[str]:
        """No hook at all until ``TRUSTED_PROXIES`` is set."""
        return super().active_hooks() if self._enabled else frozenset()

    def process_request(self, request: Request) -> Response | None:
        """Record what the trusted proxies reported on ``request``."""
        if not self._enabled:  # PERF: the default, a single check
            return None
        if not self.hops and not self._trusts_peer(request.remote_addr):
            return None
        headers = request.headers
        scheme = _last(headers, "x-forwarded-proto")
        host = _last(headers, "x-forwarded-host")
        forwarded = Forwarded(
            self._client(",".join(headers.getlist("x-forwarded-for"))),
            scheme.lower() if scheme and scheme.lower() in _SCHEMES else None,
            host if host and is_valid_host(host) else None,
        )
        if forwarded != (None, None, None):
            request.forwarded = forwarded
        return None

    #: WebSocket handshakes come through the same proxies.
    process_handshake = process_request

    def _trusts_peer(self, peer: str | None) -> bool:
        trusted = self._peers.get(peer)
        if trusted is None:
            address = parse_address(peer) if peer else None
            trusted = self._peers.remember(peer, address is not None and self._is_proxy(address))
        return trusted

    def _is_proxy(self, address: Address) -> bool:
        return any(address in network for network in self.networks)

    def _client(self, forwarded_for: str) -> str | None:
        """The client's address from ``X-Forwarded-For``, or ``None`` to keep the peer's."""
        hops = forwarded_for.split(",") if forwarded_for else []
        if self.hops:
            if len(hops) < self.hops:  # fewer proxies than configured: not to be trusted
                return None
            address = parse_address(hops[-self.hops])
            return None if address is None else str(address)
        address = None
        for hop in reversed(hops):
            address = parse_address(hop)
            if address is None:
                return None
            if not self._is_proxy(address):
                break
        # NOTE: when every hop is a proxy, the furthest one is the best guess of the client.
        return None if address is None else str(address)
