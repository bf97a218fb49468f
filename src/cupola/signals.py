"""Lifecycle signals, on blinker: subscribe to what the app does without changing its code.

Each signal is sent with the app as sender, under the names and keyword arguments Flask
uses, so receivers written for Flask (test helpers, metrics, error reporters) work as they
are. Request signals cost nothing while nobody listens: they are composed into a route's
hooks when the app is built, only for signals with receivers, and connecting a receiver
later makes every live app rebuild on its next request.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from blinker import Namespace

if TYPE_CHECKING:
    from cupola.types import Application

_signals = Namespace()

#: ``template_rendered.send(app, template=template, context=context)`` after rendering.
template_rendered = _signals.signal("template-rendered")
#: ``before_render_template.send(app, template=template, context=context)``.
before_render_template = _signals.signal("before-render-template")
#: ``request_started.send(app)`` before the ``before_request`` hooks.
request_started = _signals.signal("request-started")
#: ``request_finished.send(app, response=response)`` after the ``after_request`` hooks.
request_finished = _signals.signal("request-finished")
#: ``request_tearing_down.send(app, exc=exc)`` after the ``teardown_request`` hooks.
request_tearing_down = _signals.signal("request-tearing-down")
#: ``got_request_exception.send(app, exception=exc)`` for an exception no handler took.
got_request_exception = _signals.signal("got-request-exception")
#: ``appcontext_tearing_down.send(app, exc=exc)`` after the ``teardown_appcontext`` hooks.
appcontext_tearing_down = _signals.signal("appcontext-tearing-down")
#: ``appcontext_pushed.send(app)`` when ``app.app_context()`` is entered.
appcontext_pushed = _signals.signal("appcontext-pushed")
#: ``appcontext_popped.send(app)`` when it is left.
appcontext_popped = _signals.signal("appcontext-popped")
#: ``message_flashed.send(app, message=message, category=category)`` by ``flash()``.
message_flashed = _signals.signal("message-flashed")

_REQUEST_SIGNALS = frozenset(
    {request_started, request_finished, request_tearing_down, got_request_exception,
     appcontext_tearing_down}
)  # fmt: skip
_apps: weakref.WeakSet[Application] = weakref.WeakSet()

Hooks = tuple[tuple[Callable[..., Any], ...], ...]


def track(app: Application) -> None:
    """Rebuild ``app`` when a receiver connects to a request signal (the app calls this)."""
    _apps.add(app)


def _on_connect(signal: Any, **kwargs: Any) -> None:
    for app in list(_apps):
        app.invalidate()


for _signal in _REQUEST_SIGNALS:
    _signal.receiver_connected.connect(_on_connect)


def request_hooks(app: Application) -> Hooks:
    """``(before, after, teardown)`` hooks that every route of ``app`` runs around its own.

    They send the request signals that have receivers, and end the request's app context:
    ``teardown_appcontext`` hooks (last registered first), then ``appcontext_tearing_down``.
    """
    before: list[Callable[..., Any]] = []
    after: list[Callable[..., Any]] = []
    teardown: list[Callable[..., Any]] = []
    if request_started.receivers:
        before.append(lambda: request_started.send(app) and None)
    if request_finished.receivers:

        def finished(response: Any) -> Any:
            request_finished.send(app, response=response)
            return response

        after.append(finished)
    if got_request_exception.receivers or request_tearing_down.receivers:

        def tearing_down(exc: BaseException | None) -> None:
            if exc is not None:
                got_request_exception.send(app, exception=exc)
            request_tearing_down.send(app, exc=exc)

        teardown.append(tearing_down)
    teardown.extend(app.teardown_appcontext_funcs[::-1])
    if appcontext_tearing_down.receivers:
        teardown.append(lambda exc: appcontext_tearing_down.send(app, exc=exc) and None)
    return tuple(before), tuple(after), tuple(teardown)


__all__ = [
    "appcontext_popped",
    "appcontext_pushed",
    "appcontext_tearing_down",
    "before_render_template",
    "got_request_exception",
    "message_flashed",
    "request_finished",
    "request_hooks",
    "request_started",
    "request_tearing_down",
    "template_rendered",
    "track",
]
