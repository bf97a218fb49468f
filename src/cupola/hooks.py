"""Flask's request hooks, and their composition along a view's blueprint chain.

``before_request`` hooks run app first, then each blueprint from the outermost in, each in
registration order; the first to return a value skips the view. Those registered with
``websocket=True`` also run, in the same order, for the handshakes of WebSocket routes.
``after_request`` and ``teardown_request`` hooks run in the opposite order. :func:`compose`
works the order out once per route when the app is built.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cupola.errors import ErrorHandlerRegistry

if TYPE_CHECKING:
    from cupola.scaffold import Scaffold

BeforeRequestHook = Callable[[], Any]
AfterRequestHook = Callable[[Any], Any]
TeardownHook = Callable[[BaseException | None], Any]


@dataclass(frozen=True, slots=True)
class RouteHooks:
    """The hooks and error handlers that apply to one route, in call order."""

    before: tuple[BeforeRequestHook, ...]
    after: tuple[AfterRequestHook, ...]
    teardown: tuple[TeardownHook, ...]
    error_handlers: tuple[ErrorHandlerRegistry, ...]
    #: The ``before_request`` hooks that also run for WebSocket handshakes.
    handshake: tuple[BeforeRequestHook, ...] = ()

    def callables(self) -> list[Callable[..., Any]]:
        """Every hook and handler, for deciding whether the route needs an event loop."""
        handlers = [
            h for r in self.error_handlers for h in (*r.by_code.values(), *r.by_class.values())
        ]
        return [*self.before, *self.after, *self.teardown, *handlers]


def compose(
    chain: Sequence[Scaffold], outer: Sequence[Sequence[Callable[..., Any]]] = ((), (), ())
) -> RouteHooks:
    """Compose hooks for a view registered through ``chain`` (app first, innermost last).

    ``outer`` holds app-wide ``(before, after, teardown)`` hooks that run first, last and
    last (signals, the app context's teardown).
    """
    inner_first = list(reversed(chain))
    before, after, teardown = outer
    return RouteHooks(
        before=(*before, *(hook for s in chain for hook in s.before_request_funcs)),
        after=(
            *(hook for s in inner_first for hook in reversed(s.after_request_funcs)),
            *after,
        ),
        teardown=(
            *(hook for s in inner_first for hook in reversed(s.teardown_request_funcs)),
            *teardown,
        ),
        error_handlers=tuple(s.error_handlers for s in inner_first if s.error_handlers),
        handshake=tuple(hook for s in chain for hook in s.before_websocket_funcs),
    )
