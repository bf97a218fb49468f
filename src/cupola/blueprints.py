"""Blueprints: groups of routes, hooks, templates and static files registered on an app.

A blueprint is registered with ``app.register_blueprint(bp, url_prefix=…)`` and may itself
register blueprints (nesting). Its endpoints are named ``"<bp>.<view>"`` (``"parent.child.
view"`` when nested), its hooks and error handlers apply to its own views, and its
``*_app_*`` registrations apply to the whole app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from cupola.exceptions import ImproperlyConfigured
from cupola.scaffold import Scaffold

F = TypeVar("F", bound=Callable[..., Any])


class Blueprint(Scaffold):
    """A named group of views and hooks.

    Args:
        name: The blueprint's name, used as the endpoint prefix.
        import_name: ``__name__`` of the defining module; folders are relative to it.
        url_prefix: Prefix of every rule; may contain converters (``"/<lang>"``).
        template_folder: Extra templates folder, searched after the app's.
        static_folder: Static files folder, served at ``url_prefix + static_url_path``.
        static_url_path: URL path of the static files; defaults to ``/<folder name>``.

    Example:
        >>> books = Blueprint("books", __name__, url_prefix="/books")
        >>> @books.get("/<int:book_id>")
        ... def show(book_id: int): ...
    """

    def __init__(
        self,
        name: str,
        import_name: str,
        url_prefix: str | None = None,
        template_folder: str | None = None,
        static_folder: str | None = None,
        static_url_path: str | None = None,
    ) -> None:
        if not name or "." in name:
            raise ImproperlyConfigured(f"Blueprint name {name!r} must be non-empty, without dots.")
        if static_folder is not None and static_url_path is None:
            static_url_path = "/" + static_folder.rstrip("/").rsplit("/", 1)[-1]
        super().__init__(import_name, template_folder, static_folder, static_url_path)
        self.name = name
        self.url_prefix = url_prefix
        self.blueprints: list[tuple[Blueprint, dict[str, Any]]] = []
        self._apps: list[Scaffold] = []
        self._app_deferred: list[Callable[[Scaffold], object]] = []

    def __repr__(self) -> str:
        return f"<Blueprint {self.name!r}>"

    def _changed(self) -> None:
        for app in self._apps:
            app._changed()

    def register_blueprint(self, blueprint: Blueprint, **options: Any) -> None:
        """Nest ``blueprint`` under this one (``url_prefix=`` and ``name=`` override)."""
        if blueprint is self:
            raise ImproperlyConfigured("A blueprint cannot be registered on itself.")
        self.blueprints.append((blueprint, options))
        for app in self._apps:  # nested after this one was registered: bind it too
            blueprint._bind(app)
        self._changed()

    def _bind(self, app: Scaffold) -> None:
        """Called by ``app.register_blueprint``: attach and apply app-wide registrations."""
        if app not in self._apps:
            self._apps.append(app)
            for apply in self._app_deferred:
                apply(app)
        for child, _ in self.blueprints:
            child._bind(app)

    def _on_app(self, apply: Callable[[Scaffold], object]) -> None:
        self._app_deferred.append(apply)
        for app in self._apps:
            apply(app)

    def before_app_request(self, f: F) -> F:
        """Like ``before_request``, for every request of the app."""
        self._on_app(lambda app: app.before_request(f))
        return f

    def after_app_request(self, f: F) -> F:
        """Like ``after_request``, for every request of the app."""
        self._on_app(lambda app: app.after_request(f))
        return f

    def teardown_app_request(self, f: F) -> F:
        """Like ``teardown_request``, for every request of the app."""
        self._on_app(lambda app: app.teardown_request(f))
        return f

    def app_errorhandler(self, code_or_exception: int | type[BaseException]) -> Callable[[F], F]:
        """Like ``errorhandler``, for errors anywhere in the app."""

        def decorator(f: F) -> F:
            self._on_app(lambda app: app.register_error_handler(code_or_exception, f))
            return f

        return decorator

    def app_context_processor(self, f: F) -> F:
        """Like ``context_processor``, for every template of the app."""
        self._on_app(lambda app: app.context_processor(f))
        return f
