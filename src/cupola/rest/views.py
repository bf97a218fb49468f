"""``APIView``: a class-based view with REST policies, and the default exception handler.

Each request runs the checks in REST framework's order (content negotiation, version,
authentication, permissions, throttles, then the method's handler); errors become
``{"detail": …}`` responses through the ``EXCEPTION_HANDLER`` setting. Policies the class
does not set come from the current app's REST settings, read per request from the settings
resolved once for the app, never at class definition. ``as_view`` builds a Cupola view
function once per registration.

NOTE: past 600 lines on purpose: ``APIView`` keeps REST framework's hooks as its own
methods (one short method each), so that subclasses override them where they expect them.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING, Any, ClassVar

from cupola import exceptions as core
from cupola.context import get_app_context, has_app_context
from cupola.exceptions import HTTPException, ImproperlyConfigured
from cupola.http.response import Response as CupolaResponse
from cupola.rest import exceptions
from cupola.rest.browsable.overrides import apply_form_overrides
from cupola.rest.request import Request, is_form_media_type
from cupola.rest.response import Response
from cupola.rest.settings import ResolvedSettings, SettingDefault, current_settings

if TYPE_CHECKING:
    from cupola.http.request import Request as CupolaRequest

HTTP_METHOD_NAMES = ("get", "post", "put", "patch", "delete", "head", "options", "trace")


def get_view_name(view: Any) -> str:
    """The name of ``view`` for OPTIONS and the browsable API (``VIEW_NAME_FUNCTION``).

    ``view.name`` if set; else the class name without a trailing ``View`` or ``ViewSet``,
    split into words (``BookListView`` → ``"Book List"``), plus ``view.suffix`` if set.
    """
    name = getattr(view, "name", None)
    if name is not None:
        return str(name)
    name = type(view).__name__
    for trailing in ("View", "ViewSet"):
        if name.endswith(trailing) and name != trailing:
            name = name[: -len(trailing)]
    name = re.sub(r"(((?<=[a-z])[A-Z])|([A-Z](?![A-Z]|$)))", r" \1", name).strip()
    name = " ".join(name.split("_")).title()
    suffix = getattr(view, "suffix", None)
    return f"{name} {suffix}" if suffix else name


def get_view_description(view: Any, html: bool = False) -> str:
    """The description of ``view`` (``VIEW_DESCRIPTION_FUNCTION``): its docstring, dedented.

    ``view.description`` wins when set. With ``html``, the text is escaped and wrapped in a
    paragraph.
    """
    description = getattr(view, "description", None)
    if description is None:
        description = type(view).__doc__ or ""
    text = _dedent(str(description))
    if html:
        return "<p>" + escape(text).replace("\n", "<br />") + "</p>"
    return text


def _dedent(text: str) -> str:
    # Unlike textwrap.dedent, the first line (next to the opening quotes) is ignored.
    lines = [line for line in text.splitlines()[1:] if line.lstrip()]
    if lines:
        spaces = min(len(line) - len(line.lstrip(" ")) for line in lines)
        tabs = min(len(line) - len(line.lstrip("\t")) for line in lines)
        indent = " " * spaces or "\t" * tabs
        if indent:
            text = re.sub("^" + indent, "", text, flags=re.MULTILINE)
    return text.strip()


def _from_core(exc: HTTPException) -> exceptions.APIException:
    """The REST form of a core HTTP error raised in a REST view (``abort(404)``…)."""
    default = exc.description == type(exc).description
    if isinstance(exc, core.NotFound):
        return exceptions.NotFound(None if default else exc.description)
    if isinstance(exc, core.Forbidden):
        return exceptions.PermissionDenied(None if default else exc.description)
    converted = exceptions.APIException(exc.description)
    converted.status_code = exc.code  # type: ignore[misc]  # this instance's status
    converted.code = exc.code  # type: ignore[misc]
    converted.headers = list(exc.headers)
    return converted


def set_rollback() -> None:
    """Undo the request's database writes when ``DATABASE_ATOMIC_REQUESTS`` is on.

    A handled REST error is a response, not a raise, so the atomic request would otherwise
    commit what the view wrote before failing.
    """
    if not has_app_context():
        return
    app = get_app_context().app
    if not app.config.get("DATABASE_ATOMIC_REQUESTS"):
        return
    # NOTE: imported here: apps without a database never load SQLAlchemy for REST errors.
    from cupola.db.database import EXTENSION, Database

    database = app.extensions.get(EXTENSION)
    if isinstance(database, Database) and database.session.registry.has():
        database.session.rollback()


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    """The default ``EXCEPTION_HANDLER``: a response for REST and HTTP errors, else ``None``.

    The body is ``{"detail": message}``, or the detail itself when it is a list or dict
    (validation errors). ``WWW-Authenticate`` and ``Retry-After`` are added when the error
    carries them; with ``DATABASE_ATOMIC_REQUESTS`` the request's writes are rolled back.
    ``None`` lets the error propagate (a 500).

    Args:
        exc: The exception the view raised.
        context: ``view``, ``args``, ``kwargs`` and ``request``.
    """
    if isinstance(exc, HTTPException) and not isinstance(exc, exceptions.APIException):
        if exc.code < 400:
            return None  # a redirect raised by routing code is not an error
        exc = _from_core(exc)
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = dict(exc.headers)
    if exc.auth_header:
        headers["WWW-Authenticate"] = exc.auth_header
    if exc.wait:
        headers["Retry-After"] = str(int(exc.wait))
    detail = exc.detail
    data = detail if isinstance(detail, list | dict) else {"detail": detail}
    set_rollback()
    return Response(data, status=exc.status_code, headers=headers)


class APIView:
    """A class-based view with REST policies: define ``get``, ``post``, … handlers.

    Handlers take ``(self, request, **kwargs)`` with the REST request and the URL values,
    and return a :class:`~cupola.rest.response.Response`; they may be ``async def``.
    Register with ``app.add_url_rule("/books/", view_func=BookList.as_view("books"))``.

    Attributes:
        renderer_classes: Renderers to negotiate (``DEFAULT_RENDERER_CLASSES``).
        parser_classes: Parsers for ``request.data`` (``DEFAULT_PARSER_CLASSES``).
        authentication_classes: Tried in order (``DEFAULT_AUTHENTICATION_CLASSES``).
        permission_classes: All must allow (``DEFAULT_PERMISSION_CLASSES``).
        throttle_classes: All must allow (``DEFAULT_THROTTLE_CLASSES``).
        content_negotiation_class: ``DEFAULT_CONTENT_NEGOTIATION_CLASS``.
        metadata_class: Answers OPTIONS (``DEFAULT_METADATA_CLASS``); ``None``: 405.
        versioning_class: ``DEFAULT_VERSIONING_CLASS`` (``None``: no versioning).

    Example:
        >>> class Ping(APIView):
        ...     def get(self, request):
        ...         return Response({"ping": "pong"})
    """

    # NOTE: annotated as the values they hold; the descriptors read the current app's
    # settings, so nothing is resolved when a subclass is defined.
    renderer_classes: Sequence[type[Any]] = SettingDefault("DEFAULT_RENDERER_CLASSES")  # type: ignore[assignment]
    parser_classes: Sequence[type[Any]] = SettingDefault("DEFAULT_PARSER_CLASSES")  # type: ignore[assignment]
    authentication_classes: Sequence[type[Any]] = SettingDefault(  # type: ignore[assignment]
        "DEFAULT_AUTHENTICATION_CLASSES"
    )
    throttle_classes: Sequence[type[Any]] = SettingDefault("DEFAULT_THROTTLE_CLASSES")  # type: ignore[assignment]
    permission_classes: Sequence[type[Any]] = SettingDefault("DEFAULT_PERMISSION_CLASSES")  # type: ignore[assignment]
    content_negotiation_class: type[Any] = SettingDefault(  # type: ignore[assignment]
        "DEFAULT_CONTENT_NEGOTIATION_CLASS"
    )
    metadata_class: type[Any] | None = SettingDefault("DEFAULT_METADATA_CLASS")  # type: ignore[assignment]
    versioning_class: type[Any] | None = SettingDefault("DEFAULT_VERSIONING_CLASS")  # type: ignore[assignment]

    http_method_names: ClassVar[Sequence[str]] = HTTP_METHOD_NAMES
    schema: Any = None

    request: Request
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    headers: dict[str, str]
    format_kwarg: str | None
    response: Any
    _allowed_methods: list[str]

    def __init__(self, **kwargs: Any) -> None:
        for key, value in kwargs.items():
            setattr(self, key, value)

    # -- registration -------------------------------------------------------------------------

    @classmethod
    def as_view(cls, name: str | None = None, **initkwargs: Any) -> Callable[..., Any]:
        """Return the Cupola view function for this class.

        Args:
            name: The function's name, the default endpoint (the class name if omitted).
            **initkwargs: Attributes set on each instance (they must exist on the class).

        Raises:
            ImproperlyConfigured: For an unknown or reserved keyword argument, or a class
                mixing sync and async handlers.
        """
        cls.check_initkwargs(initkwargs)
        return cls.build_view(name or cls.__name__, initkwargs, is_async=cls.has_async_handlers())

    @classmethod
    def check_initkwargs(cls, initkwargs: Mapping[str, Any]) -> None:
        """Refuse keyword arguments that are method names or not attributes of the class.

        Raises:
            ImproperlyConfigured: Naming the argument.
        """
        for key in initkwargs:
            if key in cls.http_method_names:
                raise ImproperlyConfigured(
                    f"The method name {key} is not accepted as a keyword argument to "
                    f"{cls.__name__}.as_view()."
                )
            if not hasattr(cls, key):
                raise ImproperlyConfigured(
                    f"{cls.__name__}.as_view() received an invalid keyword {key!r}: it only "
                    "accepts arguments that are already attributes of the class."
                )

    @classmethod
    def has_async_handlers(cls, names: Sequence[str] | None = None) -> bool:
        """Whether the handlers (of ``names``, default: all methods) are ``async def``.

        ``options`` and ``head`` inherited from :class:`APIView` suit either kind.

        Raises:
            ImproperlyConfigured: When the class mixes sync and async handlers.
        """
        kinds = set()
        for name in names if names is not None else cls.http_method_names:
            handler = getattr(cls, name, None)
            if handler is None or getattr(APIView, name, None) is handler:
                continue
            kinds.add(inspect.iscoroutinefunction(handler))
        if len(kinds) > 1:
            raise ImproperlyConfigured(
                f"{cls.__name__} mixes sync and async handlers; make them all one kind."
            )
        return kinds == {True}

    @classmethod
    def build_view(
        cls,
        name: str,
        initkwargs: Mapping[str, Any],
        *,
        is_async: bool,
        setup: Callable[[APIView, CupolaRequest, dict[str, Any]], None] | None = None,
    ) -> Callable[..., Any]:
        """Build the view function (shared by :meth:`as_view` and viewsets' ``as_view``).

        Args:
            name: The function's name.
            initkwargs: Attributes of each new instance.
            is_async: Build an ``async def`` view.
            setup: Called as ``setup(view, request, kwargs)`` on each new instance before
                dispatch (viewsets bind their actions to methods there).

        Example:
            A viewset's ``as_view(actions)`` binds each method to its action::

                def bind(view, request, kwargs):
                    for method, name in actions.items():
                        setattr(view, method, getattr(view, name))
                return cls.build_view(name, initkwargs, is_async=False, setup=bind)
        """
        # PERF: the allowed methods depend on the class, the initkwargs and setup(), all
        # fixed for this view function: worked out on its first request, then reused.
        allowed: list[str] = []

        def instance(request: CupolaRequest, kwargs: dict[str, Any]) -> APIView:
            self = cls(**initkwargs)
            if setup is not None:
                setup(self, request, kwargs)
            if not allowed:
                allowed.extend(self.allowed_methods)
            self._allowed_methods = allowed
            return self

        view: Callable[..., Any]
        if is_async:

            async def view(request: CupolaRequest, **kwargs: Any) -> Any:
                return await instance(request, kwargs).async_dispatch(request, **kwargs)

        else:

            def view(request: CupolaRequest, **kwargs: Any) -> Any:
                return instance(request, kwargs).dispatch(request, **kwargs)

        return _describe_view(view, cls, name, initkwargs)

    # -- the request lifecycle ------------------------------------------------------------------

    def dispatch(self, request: CupolaRequest, *args: Any, **kwargs: Any) -> Any:
        """Run the checks and the handler; turn errors into responses; finalize."""
        self.args, self.kwargs = args, kwargs
        rest_request = self.initialize_request(request, *args, **kwargs)
        self.request = rest_request
        self.headers = self.default_response_headers
        try:
            self.initial(rest_request, *args, **kwargs)
            response = self.get_handler(rest_request.method)(rest_request, *args, **kwargs)
        except Exception as exc:
            response = self.handle_exception(exc)
        self.response = self.finalize_response(rest_request, response, *args, **kwargs)
        return self.response

    async def async_dispatch(self, request: CupolaRequest, *args: Any, **kwargs: Any) -> Any:
        """:meth:`dispatch` for ``async def`` handlers (the policies run as in ``dispatch``)."""
        self.args, self.kwargs = args, kwargs
        rest_request = self.initialize_request(request, *args, **kwargs)
        self.request = rest_request
        self.headers = self.default_response_headers
        try:
            self.initial(rest_request, *args, **kwargs)
            response = self.get_handler(rest_request.method)(rest_request, *args, **kwargs)
            if inspect.isawaitable(response):
                response = await response
        except Exception as exc:
            response = self.handle_exception(exc)
        self.response = self.finalize_response(rest_request, response, *args, **kwargs)
        return self.response

    def initialize_request(self, request: CupolaRequest, *args: Any, **kwargs: Any) -> Request:
        """Wrap the Cupola request in a REST :class:`~cupola.rest.request.Request`."""
        self._settings = current_settings()
        self.format_kwarg = None
        return Request(
            request,
            parsers=self.get_parsers(),
            authenticators=self.get_authenticators(),
            negotiator=self.get_content_negotiator(),
            parser_context=self.get_parser_context(request),
            settings=self._settings,
        )

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """Negotiate, determine the version, authenticate, check permissions and throttles.

        A browser form's ``_method``/``_content`` fields are applied first (form POSTs only).
        """
        if request.method == "POST" and is_form_media_type(request.content_type):
            apply_form_overrides(request)
        self.format_kwarg = self.get_format_suffix(**kwargs)
        request.accepted_renderer, request.accepted_media_type = self.perform_content_negotiation(
            request
        )
        request.version, request.versioning_scheme = self.determine_version(
            request, *args, **kwargs
        )
        self.perform_authentication(request)
        self.check_permissions(request)
        self.check_throttles(request)

    def get_handler(self, method: str) -> Callable[..., Any]:
        """The handler of ``method`` (``head`` falls back to ``get``), else a 405 raiser."""
        name = method.lower()
        if name in self.http_method_names:
            handler = getattr(self, name, None)
            if handler is None and name == "head":
                handler = getattr(self, "get", None)
            if handler is not None:
                return handler  # type: ignore[no-any-return]  # a bound method
        return self.http_method_not_allowed

    def finalize_response(
        self, request: Request, response: Any, *args: Any, **kwargs: Any
    ) -> CupolaResponse:
        """Set the renderer and the view's headers (``Allow``, ``Vary``), then render.

        A handler's ``dict`` or ``list`` is taken as ``Response(data)``.

        Raises:
            TypeError: When the handler returned something else than a response.
        """
        if type(response) is dict or type(response) is list:
            response = Response(response)
        if not isinstance(response, CupolaResponse):
            raise TypeError(
                "Expected a `Response` to be returned from the view, but received a "
                f"`{type(response).__name__}`."
            )
        if isinstance(response, Response):
            if request.accepted_renderer is None:
                request.accepted_renderer, request.accepted_media_type = (
                    self.perform_content_negotiation(request, force=True)
                )
            response.accepted_renderer = request.accepted_renderer
            response.accepted_media_type = request.accepted_media_type
            response.renderer_context = self.get_renderer_context()
        headers = dict(self.headers)
        vary = headers.pop("Vary", None)
        for key, value in headers.items():
            response.headers[key] = value
        if vary is not None:
            _add_vary(response, vary)
        if isinstance(response, Response):
            response.render()
        return response

    def handle_exception(self, exc: Exception) -> CupolaResponse:
        """Answer ``exc`` through the exception handler, or re-raise it.

        A 401 gets ``WWW-Authenticate`` from the first authentication class; without one,
        it becomes a 403.
        """
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            auth_header = self.get_authenticate_header(self.request)
            if auth_header:
                exc.auth_header = auth_header
            else:
                exc.status_code = exc.code = 403  # type: ignore[misc]  # this instance only
        handler = self.get_exception_handler()
        response = handler(exc, self.get_exception_handler_context())
        if response is None:
            self.raise_uncaught_exception(exc)
        if isinstance(response, Response):
            response.exception = True
        return response  # type: ignore[no-any-return]  # the handler's response

    def raise_uncaught_exception(self, exc: Exception) -> None:
        """Re-raise an error no handler answered (the app then answers 500)."""
        raise exc

    # -- policies ---------------------------------------------------------------------------

    @property
    def settings(self) -> ResolvedSettings:
        """The REST settings this request runs with."""
        settings: ResolvedSettings | None = self.__dict__.get("_settings")
        return settings if settings is not None else current_settings()

    @property
    def allowed_methods(self) -> list[str]:
        """The methods this view answers, upper-case, in REST framework's order."""
        known: list[str] | None = self.__dict__.get("_allowed_methods")
        if known is not None:
            return known
        return [
            m.upper()
            for m in self.http_method_names
            if hasattr(self, m) or (m == "head" and hasattr(self, "get"))
        ]

    @property
    def default_response_headers(self) -> dict[str, str]:
        """``Allow``, and ``Vary: Accept`` when more than one renderer is offered."""
        headers = {"Allow": ", ".join(self.allowed_methods)}
        if len(self.renderer_classes) > 1:
            headers["Vary"] = "Accept"
        return headers

    def http_method_not_allowed(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        """Raise the 405 for a method without a handler."""
        raise exceptions.MethodNotAllowed(request.method)

    def permission_denied(
        self, request: Request, message: str | None = None, code: str | None = None
    ) -> None:
        """Raise 401 when no authentication class accepted the request, else 403."""
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated()
        raise exceptions.PermissionDenied(detail=message, code=code)

    def throttled(self, request: Request, wait: float | None) -> None:
        """Raise the 429, saying how long to wait."""
        raise exceptions.Throttled(wait)

    def get_authenticate_header(self, request: Request) -> str | None:
        """The ``WWW-Authenticate`` value of the first authentication class, if any."""
        authenticators = self.get_authenticators()
        if authenticators:
            header: str | None = authenticators[0].authenticate_header(request)
            return header
        return None

    def get_parser_context(self, http_request: Any) -> dict[str, Any]:
        """What parsers receive: ``view``, ``args`` and ``kwargs``."""
        return {"view": self, "args": self.args, "kwargs": self.kwargs}

    def get_renderer_context(self) -> dict[str, Any]:
        """What renderers receive: ``view``, ``args``, ``kwargs`` and ``request``."""
        return {
            "view": self,
            "args": getattr(self, "args", ()),
            "kwargs": getattr(self, "kwargs", {}),
            "request": getattr(self, "request", None),
        }

    def get_exception_handler_context(self) -> dict[str, Any]:
        """What the exception handler receives: ``view``, ``args``, ``kwargs``, ``request``."""
        return self.get_renderer_context()

    def get_view_name(self) -> str:
        """The view's name, through the ``VIEW_NAME_FUNCTION`` setting."""
        return str(self.settings.get("VIEW_NAME_FUNCTION")(self))

    def get_view_description(self, html: bool = False) -> str:
        """The view's description, through the ``VIEW_DESCRIPTION_FUNCTION`` setting."""
        return str(self.settings.get("VIEW_DESCRIPTION_FUNCTION")(self, html))

    def get_format_suffix(self, **kwargs: Any) -> str | None:
        """The ``format`` URL value (``FORMAT_SUFFIX_KWARG``), as in ``/books.json``."""
        name = self.settings.get("FORMAT_SUFFIX_KWARG")
        return kwargs.get(name) if name else None

    def get_renderers(self) -> list[Any]:
        """New instances of :attr:`renderer_classes`."""
        return [renderer() for renderer in self.renderer_classes]

    def get_parsers(self) -> list[Any]:
        """New instances of :attr:`parser_classes`."""
        return [parser() for parser in self.parser_classes]

    def get_authenticators(self) -> list[Any]:
        """New instances of :attr:`authentication_classes`."""
        return [auth() for auth in self.authentication_classes]

    def get_permissions(self) -> list[Any]:
        """New instances of :attr:`permission_classes`."""
        return [permission() for permission in self.permission_classes]

    def get_throttles(self) -> list[Any]:
        """New instances of :attr:`throttle_classes`."""
        return [throttle() for throttle in self.throttle_classes]

    def get_content_negotiator(self) -> Any:
        """The negotiation instance (one per view instance)."""
        negotiator = self.__dict__.get("_negotiator")
        if negotiator is None:
            negotiator = self._negotiator = self.content_negotiation_class()
        return negotiator

    def get_exception_handler(self) -> Callable[..., Any]:
        """The ``EXCEPTION_HANDLER`` setting's function."""
        handler: Callable[..., Any] = self.settings.get("EXCEPTION_HANDLER")
        return handler

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[Any, str]:
        """Pick ``(renderer, media type)``; with ``force``, fall back to the first renderer."""
        renderers = self.get_renderers()
        try:
            result: tuple[Any, str] = self.get_content_negotiator().select_renderer(
                request, renderers, self.format_kwarg
            )
        except Exception:
            if force:
                return renderers[0], renderers[0].media_type
            raise
        return result

    def perform_authentication(self, request: Request) -> None:
        """Authenticate now (override with ``pass`` to authenticate on first use)."""
        request.user  # noqa: B018  # the property runs the authentication classes

    def check_permissions(self, request: Request) -> None:
        """Refuse the request unless every permission's ``has_permission`` allows it."""
        for permission in self.get_permissions():
            if not permission.has_permission(request, self):
                self.permission_denied(
                    request,
                    message=getattr(permission, "message", None),
                    code=getattr(permission, "code", None),
                )

    def check_object_permissions(self, request: Request, obj: Any) -> None:
        """Refuse access to ``obj`` unless every ``has_object_permission`` allows it."""
        for permission in self.get_permissions():
            if not permission.has_object_permission(request, self, obj):
                self.permission_denied(
                    request,
                    message=getattr(permission, "message", None),
                    code=getattr(permission, "code", None),
                )

    def check_throttles(self, request: Request) -> None:
        """Raise 429 when a throttle refuses, with the longest wait any of them gives."""
        waits = [
            throttle.wait()
            for throttle in self.get_throttles()
            if not throttle.allow_request(request, self)
        ]
        if waits:
            known = [wait for wait in waits if wait is not None]
            self.throttled(request, max(known) if known else None)

    def determine_version(self, request: Request, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
        """``(version, scheme)`` from :attr:`versioning_class`, or ``(None, None)``."""
        if self.versioning_class is None:
            return None, None
        scheme = self.versioning_class()
        return scheme.determine_version(request, *args, **kwargs), scheme

    # -- handlers -------------------------------------------------------------------------------

    def options(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Describe the view (``metadata_class``); 405 when it is ``None``."""
        if self.metadata_class is None:
            return self.http_method_not_allowed(request, *args, **kwargs)  # type: ignore[no-any-return]
        data = self.metadata_class().determine_metadata(request, self)
        return Response(data, status=200)


def _describe_view(
    view: Callable[..., Any], cls: type[APIView], name: str, initkwargs: Mapping[str, Any]
) -> Callable[..., Any]:
    """Name the view function and set what registration and introspection read."""
    view.__name__ = view.__qualname__ = name
    view.__doc__ = cls.__doc__
    view.__module__ = cls.__module__
    attributes = {
        "view_class": cls,
        "view_initkwargs": dict(initkwargs),
        "cls": cls,
        "initkwargs": dict(initkwargs),
        # Every method reaches the view, which answers 405 itself (with its Allow).
        "methods": frozenset(m.upper() for m in HTTP_METHOD_NAMES),
        # SessionAuthentication enforces CSRF itself; other schemes need none.
        "csrf_exempt": True,
    }
    for key, value in attributes.items():
        setattr(view, key, value)
    return view


def _add_vary(response: CupolaResponse, vary: str) -> None:
    """Add the names in ``vary`` to the response's ``Vary``, keeping those already there."""
    existing = response.headers.get("Vary")
    if not existing:
        response.headers["Vary"] = vary
        return
    names = [name.strip() for name in existing.split(",") if name.strip()]
    known = {name.lower() for name in names}
    if "*" in known:
        return
    names += [name.strip() for name in vary.split(",") if name.strip().lower() not in known]
    response.headers["Vary"] = ", ".join(names)


__all__ = [
    "APIView",
    "exception_handler",
    "get_view_description",
    "get_view_name",
    "set_rollback",
]
