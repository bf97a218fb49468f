"""Trusted hosts: a request for a host outside ``ALLOWED_HOSTS`` is refused with 400.

Entries match the host without its port, as in Django: ``"example.com"`` matches that host,
``".example.com"`` matches it and every subdomain, and ``"*"`` matches any host. The
patterns are compiled once when the app is built; :func:`~cupola.security.is_safe_redirect`
reuses them to recognise the app's own hosts.
"""

from __future__ import annotations

import logging
from collections.abc import Container, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from cupola.exceptions import BadRequest, ImproperlyConfigured
from cupola.http.bounded import BoundedSet
from cupola.http.hosts import is_valid_host
from cupola.middleware import Middleware, is_own_hook

if TYPE_CHECKING:
    from cupola.http.request import Request
    from cupola.http.response import Response
    from cupola.types import Application

logger = logging.getLogger("cupola.security")

#: The hosts a development server answers for when ``ALLOWED_HOSTS`` is unset.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def host_name(host: str) -> str:
    """``host`` without its port, in lower case and without a trailing dot.

    Args:
        host: A valid ``Host`` value: a name or IP address, with an optional port.

    Example:
        >>> host_name("Example.COM.:8000"), host_name("[::1]:8000")
        ('example.com', '[::1]')
    """
    # NOTE: a valid reg-name holds no colon, and an IPv6 address comes in brackets.
    name = host[: host.find("]") + 1] if host.startswith("[") else host.partition(":")[0]
    return name.lower().removesuffix(".")


class HostPatterns:
    """Host patterns compiled for matching: exact names, subdomain wildcards, ``"*"``.

    Args:
        entries: Patterns in ``ALLOWED_HOSTS`` form.

    Example:
        >>> patterns = HostPatterns([".example.com"])
        >>> patterns.matches("example.com"), patterns.matches("api.example.com")
        (True, True)
    """

    __slots__ = ("any", "exact", "suffixes")

    def __init__(self, entries: Iterable[str]) -> None:
        exact: set[str] = set()
        suffixes: list[str] = []
        self.any = False
        for entry in entries:
            pattern = entry.lower().removesuffix(".")
            if pattern == "*":
                self.any = True
            elif pattern.startswith("."):
                suffixes.append(pattern)
                exact.add(pattern[1:])
            else:
                exact.add(pattern)
        self.exact = frozenset(exact)
        self.suffixes = tuple(suffixes)

    def matches(self, name: str) -> bool:
        """Whether ``name`` (a host without its port, as :func:`host_name` gives) matches."""
        return self.any or name in self.exact or name.endswith(self.suffixes)


def allowed_hosts(config: Mapping[str, Any]) -> list[str]:
    """The ``ALLOWED_HOSTS`` of ``config``; the local hosts when it is unset.

    NOTE: unset, only local hosts are served, in every mode. A deployment behind a real
    domain therefore answers 400 (naming ALLOWED_HOSTS) until the setting lists it: the
    setting is required in production without breaking a five-line app on localhost.

    Raises:
        ImproperlyConfigured: When it is not a list of host names without ports.
    """
    hosts = config.get("ALLOWED_HOSTS")
    if hosts is not None:
        return _checked(hosts)
    if config.get("TESTING"):
        # NOTE: "testserver" is the host Django's test client sends; tests ported from it
        # keep passing.
        return [*LOCAL_HOSTS, "testserver"]
    if not config.get("DEBUG"):
        logger.warning(
            "ALLOWED_HOSTS is not set: only requests for %s are served. List the host names "
            "this app serves, e.g. app.config['ALLOWED_HOSTS'] = ['example.com'].",
            ", ".join(LOCAL_HOSTS),
        )
    return list(LOCAL_HOSTS)


def _checked(hosts: Any) -> list[str]:
    if isinstance(hosts, str) or not isinstance(hosts, Iterable):
        raise ImproperlyConfigured(
            f"ALLOWED_HOSTS must be a list of host names such as ['example.com'], not {hosts!r}."
        )
    entries = list(hosts)
    for entry in entries:
        if entry != "*" and not _is_host_pattern(entry):
            raise ImproperlyConfigured(
                f"ALLOWED_HOSTS entry {entry!r} is not a host pattern: use 'example.com', "
                "'.example.com' (it and its subdomains), an IP address ('[::1]' for IPv6) or "
                "'*' (any host), without a port."
            )
    return entries


def _is_host_pattern(entry: Any) -> bool:
    if not isinstance(entry, str) or "*" in entry:
        return False
    name = entry.removeprefix(".")
    return is_valid_host(name) and host_name(name) == name.lower().removesuffix(".")


class TrustedHostMiddleware(Middleware):
    """Refuse requests whose host (without its port) is not in ``ALLOWED_HOSTS`` (400).

    Install it right after :class:`~cupola.security.ProxyHeadersMiddleware`, so that a
    host reported by a trusted proxy is the one checked.

    Args:
        app: The application; ``ALLOWED_HOSTS`` is read when it is built.

    Raises:
        ImproperlyConfigured: When ``ALLOWED_HOSTS`` is not a list of host patterns.
    """

    def __init__(self, app: Application) -> None:
        super().__init__(app)
        self.patterns = HostPatterns(allowed_hosts(app.config))
        self._any = self.patterns.any
        # Hosts (port included) found allowed; bounded so random hosts cannot grow it.
        self._seen: BoundedSet[str] = BoundedSet()

    def served_hosts(self) -> Container[str] | None:
        """The hosts found allowed so far, port included.

        ``None`` when :meth:`process_request` is overridden or replaced.
        """
        if not is_own_hook(self, "process_request", TrustedHostMiddleware):
            return None
        return self._seen

    def process_request(self, request: Request) -> Response | None:
        """Let the request through when its host is allowed.

        Raises:
            BadRequest: When the host is not allowed, or malformed.
        """
        if self._any:
            return None
        # PERF: the Host the adapter already read and checked, unless a proxy reported one.
        host = request.host_header if request.forwarded is None else None
        if host and host in self._seen:
            return None
        host = request.host
        if host in self._seen:  # PERF: one lookup for the hosts the app serves
            return None
        name = host_name(host)
        if not self.patterns.matches(name):
            # The default error page escapes the description; no config value is shown.
            raise BadRequest(f"The host {name!r} is not served here.")
        self._seen.remember(host)
        return None

    #: A WebSocket handshake for a host the app does not serve is refused with 400 too.
    process_handshake = process_request
