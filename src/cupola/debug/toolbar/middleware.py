"""The debug toolbar middleware: follows requests from internal addresses, with ``DEBUG`` on.

The app build installs it as the outermost middleware when ``DEBUG`` is on (and never
otherwise). For a client whose address is in ``INTERNAL_IPS`` it starts a record, lets each
panel collect, adds ``X-Debug-Id`` to the response, injects the toolbar before ``</body>``
of complete HTML responses, keeps the record in the history and serves ``/__debug__/``.
Any other client sees nothing of it (``/__debug__/`` answers 404).
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cupola.debug.toolbar.history import (
    History,
    RequestRecord,
    WebSocketRecord,
    current_record,
)
from cupola.debug.toolbar.pages import (
    PREFIX,
    asset,
    detail_json,
    detail_page,
    history_page,
    toolbar_html,
)
from cupola.debug.toolbar.panels.cache import CachePanel
from cupola.debug.toolbar.panels.logging import LoggingPanel
from cupola.debug.toolbar.panels.request import RequestPanel
from cupola.debug.toolbar.panels.route import RoutePanel
from cupola.debug.toolbar.panels.sql import SQLPanel
from cupola.debug.toolbar.panels.templates import TemplatesPanel
from cupola.debug.toolbar.panels.timer import TimerPanel, timed_hook
from cupola.exceptions import BadRequest, ImproperlyConfigured, NotFound
from cupola.http.files import FileResponse
from cupola.middleware import Middleware
from cupola.security.hosts import HostPatterns, allowed_hosts, host_name

if TYPE_CHECKING:
    from cupola.debug.toolbar.panels.base import Panel
    from cupola.http.request import Request
    from cupola.http.response import Response
    from cupola.types import Application

__all__ = ["DebugToolbarMiddleware"]

logger = logging.getLogger("cupola.debug")
_HISTORY = "cupola.debug.history"
_HOOKS = ("process_request", "process_view", "process_exception", "process_template_response")
_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class DebugToolbarMiddleware(Middleware):
    """Follows internal clients' requests and serves the toolbar (installed with ``DEBUG``).

    Args:
        app: The application; ``INTERNAL_IPS`` and ``DEBUG_TOOLBAR_HISTORY`` are read here.

    Raises:
        ImproperlyConfigured: For an entry of ``INTERNAL_IPS`` that is not an address.
    """

    def __init__(self, app: Application) -> None:
        super().__init__(app)
        self.networks = _networks(app.config.get("INTERNAL_IPS") or ())
        # NOTE: /__debug__/ is served before the trusted hosts middleware runs; it checks
        # the host itself, or a page of a rebound domain could read it from a local browser.
        self.hosts = HostPatterns(allowed_hosts(app.config))
        size = int(app.config.get("DEBUG_TOOLBAR_HISTORY") or 50)
        history: History | None = app.extensions.get(_HISTORY)
        if history is None or history.size != size:  # kept across rebuilds
            history = app.extensions[_HISTORY] = History(size)
        self.history = history
        self.panels: list[Panel] = [
            RequestPanel(),
            TimerPanel(),
            SQLPanel(),
            TemplatesPanel(),
            CachePanel(),
            LoggingPanel(),
            RoutePanel(),
        ]
        for panel in self.panels:
            panel.enable(app)

    def instrument(self, instances: Sequence[Middleware]) -> list[Middleware]:
        """This middleware first, then ``instances`` with each hook timed for the timer panel."""
        for instance in instances:
            name = type(instance).__name__
            active = instance.active_hooks()
            for hook in (*_HOOKS, "process_response"):
                if hook in active:
                    setattr(instance, hook, timed_hook(name, hook, getattr(instance, hook)))
        return [self, *instances]

    def active_hooks(self) -> frozenset[str]:
        """Only the request and response hooks."""
        return frozenset({"process_request", "process_response"})

    def is_internal(self, address: str | None) -> bool:
        """Whether ``address`` is in ``INTERNAL_IPS``."""
        if not address:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped  # a dual-stack server reports IPv4 clients as ::ffff:a.b.c.d
        return any(ip in network for network in self.networks)

    def process_request(self, request: Request) -> Response | None:
        """Serve ``/__debug__/``, or start following the request (internal clients only).

        Raises:
            NotFound: For ``/__debug__/`` from a client outside ``INTERNAL_IPS``.
        """
        internal = self.is_internal(request.remote_addr)
        in_debug = request.path == PREFIX or request.path.startswith(PREFIX + "/")
        if not internal:
            RequestRecord.deactivate()
            if in_debug:
                raise NotFound()
            return None
        if in_debug:
            RequestRecord.deactivate()
            return self._serve(request)
        record = RequestRecord(request)
        record.activate()
        for panel in self.panels:
            try:
                panel.process_request(record, request)
            except Exception:  # a debugging aid must never break the request
                logger.exception("The debug toolbar's %s panel failed", panel.name)
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        """Finish the record, keep it, tag the response and inject the toolbar."""
        record = current_record()
        if record is None:
            return response
        RequestRecord.deactivate()
        record.status = response.status
        record.content_type = response.headers.get("Content-Type")
        record.is_file = isinstance(response, FileResponse)
        for panel in self.panels:
            try:
                panel.process_response(record, request, response)
            except Exception:  # a debugging aid must never break the response
                logger.exception("The debug toolbar's %s panel failed", panel.name)
        self.history.add(record)
        response.headers["X-Debug-Id"] = record.id
        if _injectable(response):
            _inject(response, toolbar_html(record, self.panels, request.root_path))
        return response

    def tap_websocket(self, request: Request, receive: Any, send: Any) -> tuple[Any, Any]:
        """Record a WebSocket session's frames when its client is internal."""
        if not self.is_internal(request.remote_addr):
            return receive, send
        record = WebSocketRecord(request)
        record.frame("in", {"type": "websocket.connect"})
        self.history.add(record)

        async def recorded_receive() -> Any:
            message = await receive()
            record.frame("in", message)
            return message

        async def recorded_send(message: Any) -> None:
            record.frame("out", message)
            await send(message)

        return recorded_receive, recorded_send

    def _serve(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            raise NotFound()
        name = host_name(request.host)
        if not self.hosts.matches(name):
            raise BadRequest(f"The host {name!r} is not served here.")
        rest = request.path[len(PREFIX) :].strip("/")
        root = request.root_path
        if not rest:
            return history_page(self.history, root, request.args.get("kind", ""))
        if rest.startswith("static/"):
            found = asset(rest.removeprefix("static/"))
        else:
            record = self.history.get(rest)
            if record is None:
                found = None
            elif request.args.get("format") == "json":
                found = detail_json(record)
            else:
                found = detail_page(record, self.panels, root)
        if found is None:
            raise NotFound("This request is no longer in the debug history.")
        return found


def _networks(entries: Sequence[str]) -> list[_Network]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(str(entry), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"INTERNAL_IPS holds {entry!r}, which is not an IP address or network; use "
                "e.g. ['127.0.0.1', '::1', '10.0.0.0/8']."
            ) from None
    return networks


def _injectable(response: Response) -> bool:
    if response.is_streaming or "Content-Encoding" in response.headers:
        return False
    content_type = response.headers.get("Content-Type") or ""
    return content_type.startswith("text/html") and isinstance(response.body, bytes)


def _inject(response: Response, html: str) -> None:
    body = response.body
    at = body.lower().rfind(b"</body>") if isinstance(body, bytes) else -1
    if at < 0:
        return
    response.body = body[:at] + html.encode() + body[at:]
    if "Content-Length" in response.headers:
        response.headers["Content-Length"] = str(len(response.body))
