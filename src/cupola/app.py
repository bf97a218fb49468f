"""The application object: configuration, registration, and the built pipeline.

``Cupola`` records routes, hooks, blueprints and middleware. On the first request (or an
explicit :meth:`Cupola.build`) it composes them once into a
:class:`~cupola.pipeline.Pipeline`; any later registration or config change drops the
built pipeline so the next request rebuilds it. The app itself is the WSGI callable, and
``app.asgi`` the ASGI one.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import IO, TYPE_CHECKING, Any, Literal, TypeVar, cast
from urllib.parse import quote

from jinja2 import Environment

from cupola import signals
from cupola.assembly import assemble
from cupola.blueprints import Blueprint
from cupola.config import DEFAULTS, Config
from cupola.context import AppContext, get_request, has_request_context
from cupola.context import current_app as app_proxy
from cupola.exceptions import BuildError, ImproperlyConfigured
from cupola.http.forms import FormLimits
from cupola.http.response import Response
from cupola.middleware import Middleware
from cupola.pipeline import Pipeline
from cupola.returns import to_response
from cupola.routing import BaseConverter, Rule
from cupola.scaffold import Scaffold, find_instance_path
from cupola.static import static_version
from cupola.templating import create_environment
from cupola.wsgi import wsgi_app

if TYPE_CHECKING:
    from cupola.asgi import ASGIAdapter
    from cupola.cli.appgroup import AppGroup, CliRunner
    from cupola.testing import RequestContext, TestClient
    from cupola.types import SessionLoader, UserLoader

F = TypeVar("F", bound=Callable[..., Any])
_WEBSOCKET_SCHEMES = {"http": "ws", "https": "wss"}


class Cupola(Scaffold):
    """A Cupola application.

    Args:
        import_name: The ``__name__`` of the app's module; folders are relative to it.
        config: Initial configuration values (merged over the documented defaults).
        template_folder: Templates folder, relative to the module (or absolute).
        static_folder: Static files folder, served at ``static_url_path``; ``None`` for none.
        static_url_path: URL prefix of the static files.
        instance_path: Folder for instance data (SQLite files, uploads, private config);
            defaults to ``instance/`` beside the project's top-level package (or module),
            as Flask computes it.
        instance_relative_config: Resolve relative config file names
            (``config.from_pyfile``, ``from_file``) in the instance folder rather than in
            ``root_path``.
        root_path: The app's folder, when it cannot be found from ``import_name``.

    Attributes:
        built_pipeline: The pipeline as last built, or ``None`` until the next request (or
            :meth:`build`) builds it; the adapters read it on every request.
        wsgi_started: Whether the WSGI adapter has run the startup functions.
        session_loader: What loads ``request.session``: the session middleware registers
            itself when the app is built; ``None`` without one.
        user_loader: What loads ``request.user``: ``cupola.auth.Auth`` registers itself;
            ``None`` without authentication.
        event_loop: The event loop serving the app under ASGI, recorded at startup, for
            code in worker threads that hands work to it (``broadcast()``); ``None`` before.

    Example:
        >>> app = Cupola(__name__)
        >>> @app.get("/items/<int:item_id>")
        ... def show(item_id: int):
        ...     return {"id": item_id}
    """

    def __init__(
        self,
        import_name: str,
        config: dict[str, Any] | None = None,
        template_folder: str | None = "templates",
        static_folder: str | None = "static",
        static_url_path: str = "/static",
        instance_path: str | None = None,
        instance_relative_config: bool = False,
        root_path: str | None = None,
    ) -> None:
        super().__init__(import_name, template_folder, static_folder, static_url_path)
        if root_path is not None:
            self.root_path = os.path.abspath(root_path)
        self.built_pipeline: Pipeline | None = None
        self._jinja_env: Environment | None = None
        self.wsgi_started = False
        if instance_path is not None and not os.path.isabs(instance_path):
            raise ImproperlyConfigured(
                f"instance_path must be absolute, not {instance_path!r}: "
                "use os.path.join(os.path.dirname(__file__), ...)."
            )
        self.instance_path = instance_path or find_instance_path(import_name)
        config_root = self.instance_path if instance_relative_config else self.root_path
        self.config = Config(DEFAULTS, on_change=self._changed, root_path=config_root)
        if config:
            self.config.update(config)
        self.blueprints: list[tuple[Blueprint, dict[str, Any]]] = []
        self.middleware: list[type[Middleware] | str] = []
        self.url_converters: dict[str, type[BaseConverter]] = {}
        self.startup_funcs: list[Callable[[], Any]] = []
        self.shutdown_funcs: list[Callable[[], Any]] = []
        self.extensions: dict[str, Any] = {}
        self.session_loader: SessionLoader | None = None
        self.user_loader: UserLoader | None = None
        self.event_loop: asyncio.AbstractEventLoop | None = None
        self.logger = logging.getLogger(import_name)
        #: ``f(exc)`` called when an app context ends (requests' included), last first.
        self.teardown_appcontext_funcs: list[Callable[[BaseException | None], Any]] = []
        signals.track(self)

    def __repr__(self) -> str:
        return f"<Cupola {self.import_name!r}>"

    def _changed(self) -> None:
        self.built_pipeline = None
        self._jinja_env = None

    def invalidate(self) -> None:
        """Drop the built pipeline, so that the next request rebuilds it."""
        self._changed()

    @property
    def name(self) -> str:
        """The app's name: its import name (the main script's file name for ``__main__``)."""
        if self.import_name == "__main__":
            main_file: str | None = getattr(sys.modules["__main__"], "__file__", None)
            if main_file:
                return os.path.splitext(os.path.basename(main_file))[0]
        return self.import_name

    @property
    def debug(self) -> bool:
        """Whether debug mode is on (``config["DEBUG"]``)."""
        return bool(self.config["DEBUG"])

    @debug.setter
    def debug(self, value: bool) -> None:
        self.config["DEBUG"] = value

    @property
    def testing(self) -> bool:
        """Whether testing mode is on (``config["TESTING"]``): exceptions reach the test."""
        return bool(self.config["TESTING"])

    @testing.setter
    def testing(self, value: bool) -> None:
        self.config["TESTING"] = value

    # -- registration ---------------------------------------------------------------------

    def register_blueprint(self, blueprint: Blueprint, **options: Any) -> None:
        """Register ``blueprint``; ``url_prefix=`` and ``name=`` override its own."""
        self.blueprints.append((blueprint, options))
        blueprint._bind(self)
        self._changed()

    def add_middleware(self, middleware: type[Middleware] | str) -> None:
        """Append a middleware class (or dotted path) after those from ``MIDDLEWARE``."""
        self.middleware.append(middleware)
        self._changed()

    def teardown_appcontext(self, f: F) -> F:
        """Run ``f(exc)`` when an app context ends (requests' and test contexts' included).

        That is after each request, and on leaving ``app.app_context()`` or
        ``app.test_request_context()``. ``exc`` is the unhandled exception, if any.
        Close what a request or command opened in ``g`` here (a database connection).

        Example:
            >>> @app.teardown_appcontext  # doctest: +SKIP
            ... def close_db(exc):
            ...     db = g.pop("db", None)
            ...     if db is not None:
            ...         db.close()
        """
        self.teardown_appcontext_funcs.append(f)
        self._changed()
        return f

    def on_startup(self, f: F) -> F:
        """Run ``f()`` (sync or async) when the server starts (ASGI lifespan)."""
        self.startup_funcs.append(f)
        return f

    def on_shutdown(self, f: F) -> F:
        """Run ``f()`` (sync or async) when the server stops (ASGI lifespan)."""
        self.shutdown_funcs.append(f)
        return f

    # -- building -------------------------------------------------------------------------

    def build(self) -> Pipeline:
        """Compose every registration into the pipeline (done on the first request)."""
        self.built_pipeline = assemble(self)
        return self.built_pipeline

    @property
    def pipeline(self) -> Pipeline:
        """The built pipeline, building it when needed."""
        return self.built_pipeline or self.build()

    @property
    def form_limits(self) -> FormLimits:
        """Form parsing limits from the configuration."""
        return self.pipeline.form_limits

    @property
    def jinja_env(self) -> Environment:
        """The Jinja environment, created once from the current registrations."""
        if self._jinja_env is None:
            self._jinja_env = create_environment(self)
        return self._jinja_env

    def iter_scaffolds(self) -> Iterator[Scaffold]:
        """The app, then every registered blueprint (depth first, each once)."""
        yield self
        seen: set[int] = set()
        pending = [bp for bp, _ in self.blueprints]
        while pending:
            blueprint = pending.pop(0)
            if id(blueprint) in seen:
                continue
            seen.add(id(blueprint))
            yield blueprint
            pending[:0] = [child for child, _ in blueprint.blueprints]

    def scaffold_chain(self, blueprint: str | None) -> list[Scaffold]:
        """The app and the blueprints a dotted blueprint name goes through, outermost first."""
        return self.pipeline.chains.get(blueprint, [self])

    def iter_rules(self) -> Iterator[Rule]:
        """Every routing rule, in registration order."""
        return self.pipeline.router.iter_rules()

    # -- URLs -----------------------------------------------------------------------------

    def url_for(
        self,
        endpoint: str,
        *,
        _external: bool | None = None,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        **values: Any,
    ) -> str:
        """Build the URL of ``endpoint``; extra values become the query string.

        Args:
            endpoint: ``"view"``, ``"blueprint.view"``, or ``".view"`` for the current
                request's blueprint.
            _external: Return an absolute URL (scheme and host).
            _anchor: A fragment to append.
            _method: Pick the rule that accepts this method.
            _scheme: The scheme of an external URL.
            **values: Values for the rule's arguments and the query string. With
                ``STATIC_URL_HASH`` on, a static endpoint also gets ``v``, the file's
                content version, unless ``v`` is given.

        Raises:
            BuildError: When the endpoint is unknown or values are missing.
        """
        request = get_request() if has_request_context() else None
        if endpoint.startswith("."):
            blueprint = request.blueprint if request is not None else None
            endpoint = f"{blueprint}{endpoint}" if blueprint else endpoint[1:]
        if self.config.get("STATIC_URL_HASH") and "v" not in values:
            values = self._with_static_version(endpoint, values)
        path = self.pipeline.router.build(endpoint, values, method=_method)
        if request is not None:
            root = request.root_path
        else:
            root = str(self.config["APPLICATION_ROOT"]).rstrip("/")
        url = root + path
        if _scheme is not None and _external is None:
            _external = True
        if _external:
            url = self._external_prefix(endpoint, _scheme) + url
        if _anchor is not None:
            url += "#" + quote(_anchor, safe="/?:@!$&'()*+,;=-._~")
        return url

    def _with_static_version(self, endpoint: str, values: dict[str, Any]) -> dict[str, Any]:
        """Add ``v`` for the file a static endpoint's ``filename`` names, if it exists."""
        blueprint, _, name = endpoint.rpartition(".")
        chain = self.pipeline.chains.get(blueprint or None) if name == "static" else None
        folder = chain[-1].static_path if chain is not None else None
        filename = values.get("filename")
        if folder is None or not isinstance(filename, str):
            return values
        version = static_version(folder, filename)
        return values if version is None else {**values, "v": version}

    def _external_prefix(self, endpoint: str, scheme: str | None) -> str:
        if has_request_context():
            request = get_request()
            scheme, host = scheme or request.scheme, request.host
        else:
            server_name = self.config.get("SERVER_NAME")
            if not server_name:
                raise BuildError(
                    endpoint,
                    "an external URL outside a request needs config['SERVER_NAME'] "
                    "(and PREFERRED_URL_SCHEME).",
                )
            scheme, host = scheme or self.config["PREFERRED_URL_SCHEME"], server_name
        if self.pipeline.router.is_websocket(endpoint):
            scheme = _WEBSOCKET_SCHEMES.get(scheme, scheme)
        return f"{scheme}://{host}"

    # -- serving --------------------------------------------------------------------------

    # PERF: the WSGI adapter function is the method itself, saving a call per request.
    #: The WSGI entry point: ``gunicorn module:app``.
    __call__ = wsgi_app

    @cached_property
    def asgi(self) -> ASGIAdapter:
        """The ASGI application: ``uvicorn module:app.asgi``."""
        from cupola.asgi import ASGIAdapter
        from cupola.websockets import serve_websocket

        return ASGIAdapter(self, serve_websocket)

    def make_response(self, rv: Any) -> Response:
        """Coerce a view-style return value into a :class:`Response`."""
        return to_response(rv)

    # -- resources and the command line ---------------------------------------------------

    def open_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = None
    ) -> IO[Any]:
        """Open a file of the app, relative to ``root_path``, for reading.

        Args:
            resource: A path relative to the app's folder, e.g. ``"schema.sql"``.
            mode: ``"rb"`` (the default), ``"r"`` or ``"rt"``.
            encoding: The text encoding, for text modes.

        Raises:
            ValueError: For a mode that writes.
        """
        return _open_for_reading(self.root_path, resource, mode, encoding)

    def open_instance_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = None
    ) -> IO[Any]:
        """Open a file relative to ``instance_path`` (writing allowed)."""
        path = os.path.join(self.instance_path, resource)
        if "b" in mode:
            return open(path, mode)  # the caller closes it
        return open(path, mode, encoding=encoding or "utf-8")

    @cached_property
    def cli(self) -> AppGroup:
        """The app's click group: ``@app.cli.command("init-db")`` or ``add_command``.

        Its commands run inside an app context and are reachable as
        ``cupola --app module init-db``.
        """
        from cupola.cli.appgroup import AppGroup

        return AppGroup(self, name=self.name)

    def test_cli_runner(self, **kwargs: Any) -> CliRunner:
        """A click test runner that invokes :attr:`cli`: ``runner.invoke(args=["init-db"])``."""
        from cupola.cli.appgroup import CliRunner

        return CliRunner(self, **kwargs)

    # -- contexts and testing -------------------------------------------------------------

    def app_context(self) -> AppContext:
        """An application context: ``with app.app_context(): …``."""
        return AppContext(self)

    def test_request_context(self, path: str = "/", **kwargs: Any) -> RequestContext:
        """A request context for ``path``, as if a request were being handled.

        Args:
            path: The path, optionally with a query string.
            **kwargs: ``method``, ``headers``, ``query``, ``json``, ``data``, ``content``,
                ``base_url`` as for the test client.
        """
        from cupola.testing import RequestContext

        return RequestContext(self, path, **kwargs)

    def test_client(self, protocol: Literal["wsgi", "asgi"] = "wsgi", **kwargs: Any) -> TestClient:
        """A client that sends requests to this app in-process.

        Args:
            protocol: Drive the WSGI callable or ``app.asgi``.
            **kwargs: Passed to :class:`~cupola.testing.TestClient`.

        Raises:
            ImproperlyConfigured: For an unknown protocol.
        """
        from cupola.testing import TestClient

        if protocol not in ("wsgi", "asgi"):
            raise ImproperlyConfigured(f"protocol must be 'wsgi' or 'asgi', not {protocol!r}.")
        return TestClient(self, protocol=protocol, **kwargs)


def _open_for_reading(root: str, resource: str, mode: str, encoding: str | None) -> IO[Any]:
    if mode not in ("r", "rt", "rb"):
        raise ValueError(
            f"open_resource() only reads: mode must be 'r', 'rt' or 'rb', not {mode!r}."
        )
    path = os.path.join(root, resource)
    if mode == "rb":
        return open(path, mode)  # the caller closes it
    return open(path, mode, encoding=encoding or "utf-8")


#: The app handling the current request, or of the active app context.
#: NOTE: the same proxy as ``cupola.context.current_app``, typed with the class: the context
#: module sits below this one and knows the app only as a ``cupola.types.Application``.
current_app = cast(Cupola, app_proxy)
