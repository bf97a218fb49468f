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

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from cupola.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
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
    """

    __slots__ = (
        "count",
        "exception",
        "handshake",
        "request",
        "response",
        "response_hooks",
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
        # PERF: every middleware was entered on nearly every request: no index to compare.
        self.response_hooks = [hook for _, hook in self.response]
        self.handshake = [hook for _, hook in overriding("process_handshake")]

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
