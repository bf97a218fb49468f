"""Routes and their plans: each route's exact steps, composed once when the app is built.

A :class:`Plan` lists only what applies to its route: the middleware hooks each instance
declares for it (:meth:`~cupola.middleware.Middleware.route_hooks`), the route's
``before_request``/``after_request``/``teardown_request`` hooks, and the form of each phase
the runners call (plain calls when every step of the route is sync, so that an async view
pays for no coroutine per phase). An empty phase is skipped without a call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from cupola.hooks import RouteHooks
from cupola.middleware import Middleware, MiddlewareStack
from cupola.templating import TemplateResponse

if TYPE_CHECKING:
    from cupola.http.request import Request
    from cupola.http.response import Response
    from cupola.routing import Rule


class Plan:
    """The steps of one route, in call order, each list holding only the hooks that exist.

    Attributes:
        stack: The route's middleware hooks per phase.
        hooks: The route's request hooks and error handlers.
        sync: Whether every hook, middleware method and error handler is sync (the view
            may still be ``async def``).
        enter: The request phase (middleware ``process_request``).
        gated: Whether any ``process_view`` or ``before_request`` hook may answer first;
            always for the plan of requests no rule matched (``unmatched=True``), whose
            gate raises their rejection when no hook answers.
        before_view: Those hooks.
        finish: Rendering and ``after_request`` hooks.
        leave: The response phase (middleware ``process_response``).
    """

    __slots__ = ("before_view", "enter", "finish", "gated", "hooks", "leave", "stack", "sync")

    def __init__(
        self, stack: MiddlewareStack, hooks: RouteHooks, *, sync: bool, unmatched: bool = False
    ) -> None:
        # NOTE: imported here: the runners import this module for their type hints.
        from cupola.lifecycle_async import AsyncLifecycle
        from cupola.lifecycle_sync import SyncLifecycle

        self.stack = stack
        self.hooks = hooks
        self.sync = sync
        self.gated = unmatched or bool(stack.view or hooks.before)
        self.enter: Callable[..., Any]
        self.before_view: Callable[..., Any]
        self.finish: Callable[..., Any]
        self.leave: Callable[..., Any]
        if sync:
            self.enter = SyncLifecycle._request_phase_sync
            self.before_view = SyncLifecycle._before_view_sync
            self.finish = SyncLifecycle._finish_phase_sync
            self.leave = SyncLifecycle._response_phase_sync
        else:
            self.enter = AsyncLifecycle._request_phase_async
            self.before_view = AsyncLifecycle._before_view_async
            self.finish = AsyncLifecycle._finish_phase_async
            self.leave = AsyncLifecycle._response_phase_async


@dataclass(slots=True)
class Route:
    """A view with everything that applies to it, composed once when the app is built."""

    endpoint: str | None
    view: Callable[..., Any]
    blueprint: str | None
    pass_request: bool
    hooks: RouteHooks
    needs_loop: bool
    view_is_async: bool = False
    rule: Rule | None = None
    # The view's one parameter, when passing it by position is the same call (see
    # cupola.assembly.sole_parameter); ``None`` otherwise.
    sole_parameter: str | None = None
    plan: Plan = field(init=False)  # set when the app is built, once the rule is known


class StackPlanner:
    """Compiles each route's middleware stack from what every instance declares for it.

    Routes that declare the same hooks share one compiled stack.

    Args:
        instances: The installed middleware, outermost first.
    """

    def __init__(self, instances: Sequence[Middleware]) -> None:
        self.instances = instances
        self._stacks: dict[tuple[frozenset[str], ...], MiddlewareStack] = {}

    def stack_for(self, route: Route | None) -> MiddlewareStack:
        """The stack of ``route``; ``None`` for requests no rule matched.

        Those run every active hook but ``process_view``: no view was resolved.
        """
        if route is None:
            active = tuple(m.active_hooks() - {"process_view"} for m in self.instances)
        else:
            active = tuple(m.route_hooks(route) for m in self.instances)
        stack = self._stacks.get(active)
        if stack is None:
            stack = self._stacks[active] = MiddlewareStack(self.instances, active)
        return stack


def call_view(route: Route, request: Request) -> Any:
    """Call the route's view with the request's view arguments (and the request, if asked).

    An async view's result is its coroutine.
    """
    # PERF: plain calls for no argument and for a view's sole parameter: a call with
    # ``**`` starts a new interpreter loop.
    kwargs = request.view_args
    if route.pass_request:
        return route.view(request=request, **kwargs)
    if not kwargs:
        return route.view()
    if len(kwargs) == 1 and route.sole_parameter in kwargs:
        return route.view(kwargs[route.sole_parameter])
    return route.view(**kwargs)


def render_late(response: Response) -> Response:
    """Render a :class:`TemplateResponse` that has not been rendered yet."""
    if response._renders_late:
        cast(TemplateResponse, response).render()
    return response


__all__ = ["Plan", "Route", "StackPlanner", "call_view", "render_late"]
