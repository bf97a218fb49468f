"""What the app and blueprints share: route decorators, hooks, error handlers, template helpers.

A :class:`Scaffold` only records registrations; nothing is composed until the app is built
(on its first request), so blueprints can be registered in any order and hooks added after
routes still apply to them.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict, TypeVar, Unpack, overload

from cupola.concurrency import is_async_callable
from cupola.errors import ErrorHandlerRegistry
from cupola.exceptions import ImproperlyConfigured

F = TypeVar("F", bound=Callable[..., Any])


class RouteOptions(TypedDict, total=False):
    """Options every route decorator accepts."""

    endpoint: str
    strict_slashes: bool
    defaults: Mapping[str, Any]
    provide_automatic_options: bool


@dataclass(frozen=True, slots=True)
class RouteSpec:
    """One registered route, before the app composes it."""

    rule: str
    endpoint: str
    view_func: Callable[..., Any]
    methods: frozenset[str] | None
    options: Mapping[str, Any] = field(default_factory=dict)
    websocket: bool = False


def get_root_path(import_name: str) -> str:
    """Return the folder of the module ``import_name`` (the working directory if unknown)."""
    module = sys.modules.get(import_name)
    filename = getattr(module, "__file__", None)
    if filename is None:
        spec = importlib.util.find_spec(import_name) if import_name != "__main__" else None
        filename = spec.origin if spec is not None else None
    if filename is None or filename in ("built-in", "namespace"):
        return os.getcwd()
    return os.path.dirname(os.path.abspath(filename))


def _unbound_view(endpoint: str) -> Callable[..., Any]:
    """The stand-in view of a rule added with an endpoint name only."""

    def unbound(**values: Any) -> Any:
        raise ImproperlyConfigured(
            f"No view is registered for endpoint {endpoint!r}: decorate one with "
            f"@app.endpoint({endpoint!r}) or register a rule with that endpoint and a view."
        )

    unbound.__name__ = endpoint
    unbound.cupola_unbound = True  # type: ignore[attr-defined]  # marks the stand-in
    return unbound


def is_unbound(view: Callable[..., Any]) -> bool:
    """Whether ``view`` stands in for a rule added with an endpoint name only."""
    return getattr(view, "cupola_unbound", False) is True


def find_instance_path(import_name: str) -> str:
    """Where an app keeps its instance folder, computed as Flask computes it.

    ``<project>/instance``, the ``instance`` folder beside the top-level package (or beside
    the module, for a single-module app), while the code lives outside the Python
    installation; ``<prefix>/var/<name>-instance`` for an installed package.
    """
    root_name = import_name.partition(".")[0]
    spec = importlib.util.find_spec(root_name) if root_name != "__main__" else None
    if spec is None or spec.origin in (None, "built-in", "namespace", "frozen"):
        return os.path.join(os.getcwd(), "instance")
    origin = os.path.abspath(spec.origin)
    is_package = spec.submodule_search_locations is not None
    package_path = os.path.dirname(os.path.dirname(origin) if is_package else origin)
    prefix = os.path.abspath(sys.prefix)
    if os.path.commonpath([prefix, package_path]) == prefix:
        return os.path.join(prefix, "var", f"{import_name}-instance")
    return os.path.join(package_path, "instance")


class Scaffold:
    """Registration API shared by :class:`~cupola.Cupola` and :class:`~cupola.Blueprint`.

    Args:
        import_name: The ``__name__`` of the defining module; folders are relative to it.
        template_folder: Templates folder, relative to the module (or absolute).
        static_folder: Static files folder, relative to the module (or absolute).
        static_url_path: URL prefix of the static files.
    """

    def __init__(
        self,
        import_name: str,
        template_folder: str | None = None,
        static_folder: str | None = None,
        static_url_path: str | None = None,
    ) -> None:
        self.import_name = import_name
        self.root_path = get_root_path(import_name)
        self.template_folder = template_folder
        self.static_folder = static_folder
        self.static_url_path = static_url_path
        self.routes: list[RouteSpec] = []
        self.before_request_funcs: list[Callable[[], Any]] = []
        #: The ``before_request`` hooks that also run before WebSocket handlers.
        self.before_websocket_funcs: list[Callable[[], Any]] = []
        self.after_request_funcs: list[Callable[[Any], Any]] = []
        self.teardown_request_funcs: list[Callable[[BaseException | None], Any]] = []
        self.error_handlers = ErrorHandlerRegistry()
        self.context_processors: list[Callable[[], Mapping[str, Any]]] = []
        self.template_filters: dict[str, Callable[..., Any]] = {}
        self.template_globals: dict[str, Any] = {}
        #: Views bound to an endpoint by name (:meth:`endpoint`), for rules added without one.
        self.endpoint_views: dict[str, Callable[..., Any]] = {}

    def _changed(self) -> None:
        """Called after every registration; the app drops its built pipeline."""

    def _folder(self, folder: str | None) -> str | None:
        return None if folder is None else os.path.join(self.root_path, folder)

    @property
    def template_path(self) -> str | None:
        """Absolute path of the templates folder, if one is configured."""
        return self._folder(self.template_folder)

    @property
    def static_path(self) -> str | None:
        """Absolute path of the static folder, if one is configured."""
        return self._folder(self.static_folder)

    # -- routes ---------------------------------------------------------------------------

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: Callable[..., Any] | None = None,
        methods: Iterable[str] | None = None,
        **options: Any,
    ) -> None:
        """Register ``view_func`` for URLs matching ``rule``.

        A rule may name only an ``endpoint``, as in Flask: ``url_for`` builds it, and its
        view is the one registered under that endpoint (by another rule or
        :meth:`endpoint`) when the app is built.

        Args:
            rule: The URL rule, e.g. ``"/items/<int:item_id>"``.
            endpoint: Name for ``url_for``; defaults to the function's name.
            view_func: The view; class-based views pass ``View.as_view(name)``.
            methods: Allowed methods; defaults to the view's ``methods`` or ``["GET"]``.
            **options: :class:`RouteOptions`.

        Raises:
            ImproperlyConfigured: When neither a view nor an endpoint is given, or the
                endpoint name is taken by another function.
        """
        if view_func is None:
            if not endpoint:
                raise ImproperlyConfigured(
                    f"add_url_rule({rule!r}) needs a view_func or an endpoint name."
                )
            view_func = _unbound_view(endpoint)
        unknown = set(options) - set(RouteOptions.__annotations__)
        if unknown:
            raise TypeError(f"add_url_rule() got unknown options {sorted(unknown)}.")
        if methods is None:
            methods = getattr(view_func, "methods", None)
        if isinstance(methods, str):
            raise ImproperlyConfigured("methods must be a list like ['GET', 'POST'].")
        spec_methods = frozenset(m.upper() for m in methods) if methods is not None else None
        self._add_route(
            RouteSpec(rule, self._endpoint(endpoint, view_func), view_func, spec_methods, options)
        )

    def _endpoint(self, endpoint: str | None, view_func: Callable[..., Any]) -> str:
        """The endpoint name of a new route, checked against the routes registered so far."""
        endpoint = endpoint or view_func.__name__
        if "." in endpoint:
            raise ImproperlyConfigured(f"Endpoint {endpoint!r} may not contain a dot.")
        if is_unbound(view_func):
            return endpoint
        for existing in self.routes:
            if is_unbound(existing.view_func):
                continue
            if existing.endpoint == endpoint and existing.view_func is not view_func:
                raise ImproperlyConfigured(
                    f"Endpoint {endpoint!r} is already used by view "
                    f"{existing.view_func.__qualname__!r}; pass endpoint= to name this one."
                )
        return endpoint

    def endpoint(self, endpoint: str) -> Callable[[F], F]:
        """Decorator making ``f`` the view of ``endpoint``, for rules added without a view.

        Example:
            >>> app.add_url_rule("/", endpoint="index")  # doctest: +SKIP
            >>> @app.endpoint("index")  # doctest: +SKIP
            ... def index():
            ...     return "home"
        """

        def decorator(f: F) -> F:
            self.endpoint_views[endpoint] = f
            self._changed()
            return f

        return decorator

    def view_for(self, spec: RouteSpec) -> Callable[..., Any]:
        """The view of ``spec``: its own, or the one its endpoint names (when built)."""
        if not is_unbound(spec.view_func):
            return spec.view_func
        bound = self.endpoint_views.get(spec.endpoint)
        if bound is not None:
            return bound
        for other in self.routes:
            if other.endpoint == spec.endpoint and not is_unbound(other.view_func):
                return other.view_func
        return spec.view_func

    def _add_route(self, spec: RouteSpec) -> None:
        self.routes.append(spec)
        self._changed()

    def route(
        self, rule: str, methods: Iterable[str] | None = None, **options: Unpack[RouteOptions]
    ) -> Callable[[F], F]:
        """Decorator registering a view for ``rule`` (see :meth:`add_url_rule`)."""

        def decorator(view_func: F) -> F:
            self.add_url_rule(rule, view_func=view_func, methods=methods, **options)
            return view_func

        return decorator

    def _verb(self, method: str, rule: str, options: RouteOptions) -> Callable[[F], F]:
        if "methods" in options:
            raise TypeError(f"Use route() to pass methods; {method.lower()}() fixes it.")
        return self.route(rule, methods=[method], **options)

    def get(self, rule: str, **options: Unpack[RouteOptions]) -> Callable[[F], F]:
        """Shortcut for ``route(rule, methods=["GET"])``."""
        return self._verb("GET", rule, options)

    def post(self, rule: str, **options: Unpack[RouteOptions]) -> Callable[[F], F]:
        """Shortcut for ``route(rule, methods=["POST"])``."""
        return self._verb("POST", rule, options)

    def put(self, rule: str, **options: Unpack[RouteOptions]) -> Callable[[F], F]:
        """Shortcut for ``route(rule, methods=["PUT"])``."""
        return self._verb("PUT", rule, options)

    def patch(self, rule: str, **options: Unpack[RouteOptions]) -> Callable[[F], F]:
        """Shortcut for ``route(rule, methods=["PATCH"])``."""
        return self._verb("PATCH", rule, options)

    def delete(self, rule: str, **options: Unpack[RouteOptions]) -> Callable[[F], F]:
        """Shortcut for ``route(rule, methods=["DELETE"])``."""
        return self._verb("DELETE", rule, options)

    # -- websockets ---------------------------------------------------------------------

    def add_websocket_route(
        self, rule: str, handler: Callable[..., Any] | type[Any], endpoint: str | None = None
    ) -> None:
        """Register a WebSocket handler or consumer class for ``rule``.

        Args:
            rule: The URL rule, with the same converters as HTTP rules.
            handler: ``async def handler(ws, **path_values)``, or a
                :class:`~cupola.channels.WebSocketConsumer` subclass.
            endpoint: Name for ``url_for``; defaults to the function's or class's name.

        Raises:
            ImproperlyConfigured: When ``handler`` is neither an ``async def`` function
                nor a consumer class, or the endpoint name is taken.
        """
        name = endpoint or getattr(handler, "__name__", None) or type(handler).__name__
        if isinstance(handler, type):
            as_handler = getattr(handler, "as_handler", None)
            if as_handler is None:
                raise ImproperlyConfigured(
                    f"WebSocket route {rule!r}: {handler.__qualname__} is not a consumer; "
                    "pass an async def function or a cupola.channels.WebSocketConsumer subclass."
                )
            handler = as_handler()
        if not is_async_callable(handler):
            raise ImproperlyConfigured(
                f"WebSocket route {rule!r}: the handler {name!r} must be an async def "
                "function taking the WebSocket first."
            )
        spec = RouteSpec(rule, self._endpoint(name, handler), handler, None, websocket=True)
        self._add_route(spec)

    def websocket(self, rule: str, endpoint: str | None = None) -> Callable[[F], F]:
        """Decorator registering an ``async def handler(ws, **path_values)`` for ``rule``.

        Example:
            >>> @app.websocket("/ws/echo")  # doctest: +SKIP
            ... async def echo(ws):
            ...     await ws.accept()
            ...     async for text in ws.iter_text():
            ...         await ws.send_text(text)
        """

        def decorator(handler: F) -> F:
            self.add_websocket_route(rule, handler, endpoint)
            return handler

        return decorator

    # -- hooks ----------------------------------------------------------------------------

    @overload
    def before_request(self, f: F, /) -> F: ...
    @overload
    def before_request(self, f: None = None, /, *, websocket: bool) -> Callable[[F], F]: ...
    def before_request(
        self, f: Callable[..., Any] | None = None, /, *, websocket: bool = False
    ) -> Any:
        """Run ``f()`` before each view; a non-``None`` return value skips the view.

        Args:
            f: The hook, when used as ``@app.before_request``.
            websocket: Also run it before each WebSocket handler, as a step of the
                handshake: a non-``None`` return value refuses the handshake, with that
                response's status (``@app.before_request(websocket=True)``).

        Example:
            >>> @app.before_request(websocket=True)  # doctest: +SKIP
            ... def signed_in_only():
            ...     if "reader" not in session:
            ...         return "Sign in first.", 401
        """

        def register(hook: Callable[..., Any]) -> Callable[..., Any]:
            self.before_request_funcs.append(hook)
            if websocket:
                self.before_websocket_funcs.append(hook)
            self._changed()
            return hook

        return register if f is None else register(f)

    def after_request(self, f: F) -> F:
        """Run ``f(response)`` after each view; it returns the response to send."""
        self.after_request_funcs.append(f)
        self._changed()
        return f

    def teardown_request(self, f: F) -> F:
        """Run ``f(exc)`` when each request ends, even after an unhandled error."""
        self.teardown_request_funcs.append(f)
        self._changed()
        return f

    def errorhandler(self, code_or_exception: int | type[BaseException]) -> Callable[[F], F]:
        """Register a handler for a status code or exception class: ``f(exc) -> response``."""

        def decorator(f: F) -> F:
            self.register_error_handler(code_or_exception, f)
            return f

        return decorator

    def register_error_handler(
        self, code_or_exception: int | type[BaseException], f: Callable[[Any], Any]
    ) -> None:
        """Non-decorator form of :meth:`errorhandler`."""
        self.error_handlers.register(code_or_exception, f)
        self._changed()

    # -- templates ------------------------------------------------------------------------

    def context_processor(self, f: F) -> F:
        """Register ``f() -> dict`` whose items are added to every template context."""
        self.context_processors.append(f)
        self._changed()
        return f

    def template_filter(self, name: str | None = None) -> Callable[[F], F]:
        """Register a Jinja filter, named after the function unless ``name`` is given."""

        def decorator(f: F) -> F:
            self.template_filters[name or f.__name__] = f
            self._changed()
            return f

        return decorator

    def template_global(self, name: str | None = None) -> Callable[[F], F]:
        """Register a Jinja global, named after the function unless ``name`` is given."""

        def decorator(f: F) -> F:
            self.template_globals[name or f.__name__] = f
            self._changed()
            return f

        return decorator
