"""The seams of the framework: small interfaces the core depends on instead of classes.

The core never imports a battery. What a battery provides per request is a
:class:`SessionLoader` or a :class:`UserLoader`, registered on the app when it is built
(``app.session_loader``, ``app.user_loader``); ``request.session`` and ``request.user`` ask
them. Modules below :mod:`cupola.app` know the application only as an :class:`Application`,
the part of :class:`~cupola.Cupola` they use, so the import graph reads bottom-up.
"""

from __future__ import annotations

import logging
from asyncio import AbstractEventLoop
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from cupola.blueprints import Blueprint
    from cupola.config import Config
    from cupola.http.forms import FormLimits
    from cupola.http.request import Request
    from cupola.routing import Rule
    from cupola.sessions.base import Session

__all__ = [
    "Application",
    "ExtensibleApplication",
    "MatchedRoute",
    "SessionLoader",
    "UserLoader",
]

F = TypeVar("F", bound=Callable[..., Any])


class SessionLoader(Protocol):
    """Loads the session a request carries; :class:`~cupola.sessions.SessionMiddleware` is one.

    Registered as ``app.session_loader`` when the app is built.
    """

    def has_session(self, request: Request) -> bool:
        """Whether ``request`` carries a session (its cookie), without loading it."""

    def load_session(self, request: Request) -> Session:
        """The session of ``request``; ``request.session`` calls this once per request."""


class UserLoader(Protocol):
    """Loads the user a request is made by; :class:`~cupola.auth.Auth` is one.

    Registered as ``app.user_loader``.
    """

    def load_user(self, request: Request) -> Any:
        """The user of ``request``, or an anonymous user; ``request.user`` calls this once."""


class MatchedRoute(Protocol):
    """A route as requests and middleware see it (``request.endpoint``, ``url_rule``…)."""

    @property
    def endpoint(self) -> str | None:
        """The endpoint, e.g. ``"books.show"``."""

    @property
    def view(self) -> Callable[..., Any]:
        """The view (or WebSocket handler) the route calls."""

    @property
    def blueprint(self) -> str | None:
        """The dotted name of the view's blueprint."""

    @property
    def rule(self) -> Rule | None:
        """The routing rule."""


class Application(Protocol):
    """The application, as the parts below :mod:`cupola.app` see it.

    :class:`~cupola.Cupola` is the one implementation; annotating with this protocol keeps
    a module from depending on everything ``app.py`` imports.
    """

    import_name: str
    root_path: str
    instance_path: str
    config: Config
    extensions: dict[str, Any]
    blueprints: list[tuple[Blueprint, dict[str, Any]]]
    logger: logging.Logger
    session_loader: SessionLoader | None
    user_loader: UserLoader | None
    #: The event loop serving the app under ASGI, from its startup on; ``None`` otherwise.
    event_loop: AbstractEventLoop | None
    #: ``f(exc)`` called when an app context ends, last registered first.
    teardown_appcontext_funcs: list[Callable[[BaseException | None], Any]]

    @property
    def debug(self) -> bool:
        """Whether debug mode is on."""

    @property
    def form_limits(self) -> FormLimits:
        """Form parsing limits from the configuration."""

    def app_context(self) -> AbstractContextManager[Any]:
        """An application context: ``with app.app_context(): …``."""

    def invalidate(self) -> None:
        """Drop the built pipeline, so that the next request rebuilds it."""

    def on_shutdown(self, f: F) -> F:
        """Run ``f()`` when the server stops."""


class ExtensibleApplication(Application, Protocol):
    """The application as an extension installing itself sees it: also its registrations."""

    def add_middleware(self, middleware: Any) -> None:
        """Append a middleware class (or dotted path) to the stack."""

    def after_request(self, f: F) -> F:
        """Run ``f(response)`` after every view."""

    def teardown_request(self, f: F) -> F:
        """Run ``f(exc)`` when every request ends."""

    def register_error_handler(
        self, code_or_exception: int | type[BaseException], f: Callable[..., Any]
    ) -> None:
        """Answer a status code or exception class with ``f(error)``."""
