"""The built request handler of one app: routing, then the lifecycle of the route matched.

The lifecycle itself (DESIGN §2) is written once, in :mod:`cupola.lifecycle_async`;
:class:`Pipeline` runs it as :meth:`~cupola.lifecycle_sync.SyncLifecycle.run_sync` for a
route whose callables are all sync (under WSGI directly, under ASGI in one worker-thread
hop for the whole sync part) and as
:meth:`~cupola.lifecycle_async.AsyncLifecycle.run_async` for a route with ``async def``
parts, on an event loop. It does no I/O.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import Executor
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from cupola.errors import ErrorPages
from cupola.exceptions import HTTPException, NotFound, RequestRedirect, UpgradeRequired
from cupola.http.forms import FormLimits
from cupola.http.request import Request
from cupola.http.response import Response
from cupola.lifecycle_async import AsyncLifecycle
from cupola.lifecycle_sync import SyncLifecycle
from cupola.middleware import MiddlewareStack
from cupola.plans import Route, call_view
from cupola.routing import Router
from cupola.types import Application

if TYPE_CHECKING:
    from cupola.scaffold import Scaffold

#: Wraps a WebSocket connection's ASGI ``receive`` and ``send``: ``(request, receive, send)``
#: in, ``(receive, send)`` out.
WebSocketTap = Callable[[Request, Any, Any], tuple[Any, Any]]


class Pipeline(SyncLifecycle, AsyncLifecycle):
    """The built request handler of one app.

    Args:
        router: The router holding every rule, each with a :class:`Route` as target.
        middleware: The compiled middleware stack.
        unmatched: The route standing for requests no rule matched (app hooks only).
        debug: Whether the app was built with ``DEBUG`` on.
        propagate: Re-raise unhandled exceptions instead of answering 500 (tests).
        executor: Worker threads for sync routes under ASGI.
        form_limits: Limits for parsing form bodies.
        chains: Each blueprint's dotted name mapped to its scaffolds, app first.
        error_pages: The pages for errors no handler claims (the debug page with ``DEBUG``).
        websocket_tap: With the debug toolbar, wraps a WebSocket connection's ``receive``
            and ``send`` to record its frames; ``None`` otherwise.
    """

    def __init__(
        self,
        router: Router,
        middleware: MiddlewareStack,
        unmatched: Route,
        *,
        debug: bool,
        propagate: bool,
        executor: Executor,
        form_limits: FormLimits,
        chains: Mapping[str | None, list[Scaffold]],
        error_pages: ErrorPages | None = None,
        websocket_tap: WebSocketTap | None = None,
    ) -> None:
        self.router = router
        #: ``(method, path)`` to route, for paths without variables whose rule has no
        #: defaults (automatic ``OPTIONS`` answers left out): what :meth:`route` would find,
        #: for the adapters to look up without a call; :meth:`route` answers the rest.
        self.static_routes: dict[tuple[str, str], Route] = {
            (method, path): rule.target
            for path, methods in router.static_rules.items()
            for method, rule in methods.items()
            if not rule.defaults and not (method == "OPTIONS" and rule.automatic_options)
        }
        self.middleware = middleware
        self.unmatched = unmatched
        self.debug = debug
        self.propagate = propagate
        self.executor = executor
        self.form_limits = form_limits
        self.chains = chains
        self.error_pages = error_pages or ErrorPages()
        self.websocket_tap = websocket_tap

    # -- entry points for the adapters ----------------------------------------------------

    def run_in_thread(self, request: Request, route: Route) -> Awaitable[Response]:
        """Run a sync route's whole lifecycle in one worker-thread hop (ASGI); await it."""
        loop = asyncio.get_running_loop()
        context = contextvars.copy_context()
        return loop.run_in_executor(self.executor, context.run, self.run_sync, request, route)

    def route(self, request: Request) -> Route:
        """Match the request; on failure return the unmatched route and keep the error.

        The error is raised where the view would run, so middleware and ``before_request``
        hooks see every request, as in Flask.
        """
        if request.rejection is not None:  # the adapter already refused the request
            return self.unmatched
        try:
            rule, request.view_args = self.router.match(request.path, request.method)
        except HTTPException as exc:
            request.rejection = self._refusal(request, exc)
            return self.unmatched
        route: Route = rule.target
        request.matched_route = route
        if request.method == "OPTIONS" and rule.automatic_options:
            return self._options_route(request, route)
        return route

    def _refusal(self, request: Request, exc: HTTPException) -> HTTPException:
        """The error to answer a request the router refused with ``exc``."""
        if isinstance(exc, RequestRedirect):
            query = request.query_string
            location = request.root_path + quote(exc.new_url, safe="/:@!$&'()*+,;=-._~")
            if query:
                location += "?" + query.decode("latin-1")
            return RequestRedirect(location)
        if isinstance(exc, NotFound):
            return self._upgrade_required(request.path) or exc
        return exc

    def _upgrade_required(self, path: str) -> UpgradeRequired | None:
        """426 for a plain HTTP request to a WebSocket route, ``None`` when there is none."""
        try:
            self.router.match(path, "GET", websocket=True)
        except HTTPException:
            return None
        # RFC 9110 §15.5.22: a 426 names the protocol to upgrade to.
        return UpgradeRequired(
            "This URL is a WebSocket endpoint: connect to it with a WebSocket client "
            "(ws:// or wss://) on an ASGI server (uvicorn module:app.asgi).",
            headers={"Upgrade": "websocket"},
        )

    def _options_route(self, request: Request, route: Route) -> Route:
        allow = ", ".join(self.router.allowed_methods(request.path))
        options = replace(
            route,
            view=lambda **_: Response(headers={"Allow": allow}),
            pass_request=False,
            view_is_async=False,
            sole_parameter=None,
        )
        options.plan = route.plan
        return options


class ServedApp(Application, Protocol):
    """The application as the adapters see it: its pipeline and lifespan functions."""

    built_pipeline: Pipeline | None
    wsgi_started: bool
    startup_funcs: list[Callable[[], Any]]
    shutdown_funcs: list[Callable[[], Any]]

    @property
    def pipeline(self) -> Pipeline:
        """The built pipeline, building it when needed."""

    def build(self) -> Pipeline:
        """Compose every registration into the pipeline."""


__all__ = ["Pipeline", "Route", "ServedApp", "call_view"]
