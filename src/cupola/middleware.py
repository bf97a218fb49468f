"""Django-style middleware: one base class with five optional hooks, and one for WebSockets.

``process_request`` hooks run in order before routing's result is used; the first that
returns a response short-circuits the rest, and only the middleware already entered see
``process_response``. ``process_view``, ``process_exception``, ``process_template_response``
and ``process_response`` follow Django's semantics (the last three in reverse order).
``process_handshake`` runs, in order, for each WebSocket handshake instead: a middleware
opts in to handshakes by defining it. Any hook may be ``async def``. The stack is compiled
once, when the app is built.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Container, Sequence
from typing import TYPE_CHECKING, Any

from cupola.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from cupola.http.headers import DefaultHeaders
    from cupola.http.request import Request
    from cupola.http.response import Response
    from cupola.types import Application, MatchedRoute

_HOOKS = (
    "process_request",
    "process_view",
    "process_exception",
    "process_template_response",
    "process_response",
    "process_handshake",
)


class Middleware:
    """Base class for middleware; override any of the hooks.

    Args:
        app: The application the middleware is installed on.

    Example:
        >>> class Timing(Middleware):
        ...     def process_response(self, request, response):
        ...         response.headers["X-Handled-By"] = "cupola"
        ...         return response
    """

    def __init__(self, app: Application) -> None:
        self.app = app

    def active_hooks(self) -> frozenset[str]:
        """The hooks this instance needs; the stack calls no others.

        Defaults to the hooks the class overrides. Override it to switch a hook off when
        the configuration makes it a no-op (it is asked once, when the app is built).
        """
        return frozenset(
            name for name in _HOOKS if getattr(type(self), name) is not getattr(Middleware, name)
        )

    def route_hooks(self, route: MatchedRoute) -> frozenset[str]:
        """The hooks this instance needs for one route; the route's plan calls no others.

        Defaults to :meth:`active_hooks`. Override it to leave out a hook that does nothing
        for a route (asked once per route, when the app is built; ``route.rule.methods``,
        ``route.view`` and ``route.blueprint`` are set). Requests no rule matched run the
        :meth:`active_hooks` (but ``process_view``: there is no view).
        """
        return self.active_hooks()

    # -- what the stack may do without a call (asked once, when the app is built) --------

    def served_hosts(self) -> Container[str] | None:
        """``Host`` values (as sent) for which :meth:`process_request` has nothing to do.

        For a request whose ``Host`` is in the container and that no proxy reported on, the
        stack skips the call when this is the only ``process_request`` hook. The container
        may grow as the middleware meets hosts. Defaults to ``None``: always call it.
        """
        return None

    def fixed_response_headers(self) -> DefaultHeaders | None:
        """The headers :meth:`process_response` adds, when that is all it does.

        The stack then adds them itself, at the same point of the response phase. Defaults
        to ``None``: always call it.
        """
        return None

    def response_needs_session(self) -> bool:
        """Whether :meth:`process_response` has nothing to do when no session was loaded.

        The stack then skips it for requests whose ``loaded_session`` is ``None`` when it
        reaches that hook. Defaults to ``False``: always call it.
        """
        return False

    def process_request(self, request: Request) -> Response | None:
        """Run before the view; return a response to skip the view and later middleware."""
        return None

    def process_view(
        self, request: Request, view_func: Callable[..., Any], view_kwargs: dict[str, Any]
    ) -> Response | None:
        """Run just before the view is called; return a response to skip it."""
        return None

    def process_exception(self, request: Request, exception: Exception) -> Response | None:
        """Run when the view (or a later hook) raised; return a response to handle it."""
        return None

    def process_template_response(self, request: Request, response: Response) -> Response:
        """Run for a ``TemplateResponse`` before it is rendered; may change it."""
        return response

    def process_response(self, request: Request, response: Response) -> Response:
        """Run for every response on its way out; return it or a replacement."""
        return response

    def process_handshake(self, request: Request) -> Response | Awaitable[Response | None] | None:
        """Run before a WebSocket handler; return a response (or raise) to refuse it.

        The refusal's status, headers and body are the HTTP answer to the handshake. A
        middleware whose ``process_request`` also suits handshakes can say so with
        ``process_handshake = process_request``.
        """
        return None


class MiddlewareStack:
    """The installed middleware, compiled into one list per hook.

    Only the hooks an instance reports in :meth:`Middleware.active_hooks` (or, for one
    route, in ``active``) are listed, so a middleware that only adds headers costs nothing
    in the other phases. Reverse-order
    phases are stored reversed, with each hook's position so that a short-circuit can skip
    the middleware it never entered.

    When every middleware was entered (nearly every request), the response phase calls
    :attr:`response_hooks` (:attr:`sessionless_hooks` for a request that loaded no session),
    then adds the :attr:`final_headers`: the :meth:`Middleware.fixed_response_headers` of the
    outermost ``process_response`` hooks. :attr:`fixed_only` is the one group of them when
    that is all a request that loaded no session needs. :attr:`host_gate` holds the hosts
    for which the request phase has nothing to do (see :meth:`Middleware.served_hosts`).
    """

    __slots__ = (
        "count",
        "exception",
        "final_headers",
        "fixed_only",
        "handshake",
        "host_gate",
        "request",
        "response",
        "response_hooks",
        "sessionless_hooks",
        "template_response",
        "view",
    )

    def __init__(
        self, instances: Sequence[Middleware], active: Sequence[frozenset[str]] | None = None
    ) -> None:
        self.count = len(instances)
        if active is None:
            active = [m.active_hooks() for m in instances]

        def overriding(name: str) -> list[tuple[int, Callable[..., Any]]]:
            return [
                (index, getattr(m, name))
                for index, m in enumerate(instances)
                if name in active[index]
            ]

        self.request = overriding("process_request")
        self.view = [hook for _, hook in overriding("process_view")]
        self.exception = [hook for _, hook in reversed(overriding("process_exception"))]
        self.template_response = [
            hook for _, hook in reversed(overriding("process_template_response"))
        ]
        self.response = list(reversed(overriding("process_response")))
        self.handshake = [hook for _, hook in overriding("process_handshake")]
        self.host_gate = _host_gate(instances, self.request)
        self._plan_response_phase(instances)

    def _plan_response_phase(self, instances: Sequence[Middleware]) -> None:
        """Split the response phase for requests every middleware was entered for."""
        # PERF: the outermost hooks that only add fixed headers become one list extension
        # each, and the innermost that only save a loaded session are skipped without one.
        calls = [(index, hook, instances[index]) for index, hook in self.response]
        final: list[DefaultHeaders] = []
        while calls and (defaults := calls[-1][2].fixed_response_headers()) is not None:
            final.insert(0, defaults)
            calls.pop()
        self.final_headers = tuple(final)
        self.response_hooks = [hook for _, hook, _ in calls]
        idle = 0
        while idle < len(calls) and calls[idle][2].response_needs_session():
            idle += 1
        self.sessionless_hooks = self.response_hooks[idle:]
        # PERF: the common response phase, fixed headers and nothing to call, needs no call.
        self.fixed_only = final[0] if len(final) == 1 and not self.sessionless_hooks else None

    def entered_response_hooks(self, entered: int) -> list[Callable[..., Any]]:
        """The ``process_response`` hooks of the middleware below index ``entered``."""
        return [hook for index, hook in self.response if index < entered]

    def callables(self) -> list[Callable[..., Any]]:
        """Every HTTP hook, for deciding whether the stack needs an event loop."""
        return [
            *(hook for _, hook in self.request),
            *self.view,
            *self.exception,
            *self.template_response,
            *(hook for _, hook in self.response),
        ]


def is_own_hook(middleware: Middleware, name: str, owner: type[Middleware]) -> bool:
    """Whether hook ``name`` of ``middleware`` is ``owner``'s own method.

    ``False`` when a subclass overrides it, or when it was replaced on the instance (the
    debug toolbar times each hook so): a declaration of what the hook does then no longer
    holds.
    """
    hook = getattr(middleware, name)
    return getattr(hook, "__func__", None) is getattr(owner, name)


def _host_gate(
    instances: Sequence[Middleware], request: list[tuple[int, Callable[..., Any]]]
) -> Container[str]:
    """The hosts whose requests skip the request phase: those of its only hook, if any."""
    if len(request) == 1:
        served = instances[request[0][0]].served_hosts()
        if served is not None:
            return served
    return frozenset()


def instantiate(app: Application, entries: Sequence[type[Middleware] | str]) -> list[Middleware]:
    """Create middleware instances from classes or dotted paths (``"pkg.mod:Class"``)."""
    from cupola.importing import import_string

    instances = []
    for entry in entries:
        cls = import_string(entry) if isinstance(entry, str) else entry
        if not (isinstance(cls, type) and issubclass(cls, Middleware)):
            raise ImproperlyConfigured(
                f"Middleware {entry!r} is not a subclass of cupola.Middleware."
            )
        instances.append(cls(app))
    return instances
