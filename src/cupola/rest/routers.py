"""Routers: the URLs of registered viewsets, as a Cupola ``Blueprint``.

``router.register("books", BookViewSet)`` then ``app.register_blueprint(
router.as_blueprint(url_prefix="/api"))`` routes ``/api/books/`` (list, create),
``/api/books/<pk>/`` (retrieve, update, partial update, destroy) and the viewset's
``@action`` methods. ``DefaultRouter`` adds the API root at ``/api/``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from sqlalchemy import inspect

from cupola.blueprints import Blueprint
from cupola.exceptions import BuildError, ImproperlyConfigured
from cupola.importing import import_string
from cupola.rest import views
from cupola.rest.response import Response
from cupola.rest.reverse import reverse

__all__ = [
    "APIRootView",
    "BaseRouter",
    "DefaultRouter",
    "DynamicRoute",
    "Route",
    "SimpleRouter",
    "URLRule",
]


class Route(NamedTuple):
    """A route of every viewset: ``url`` with ``{prefix}``, ``{lookup}``, ``{trailing_slash}``."""

    url: str
    mapping: Mapping[str, str]
    name: str
    detail: bool
    initkwargs: Mapping[str, Any]


class DynamicRoute(NamedTuple):
    """The template of the routes of ``@action`` methods (``{url_path}``, ``{url_name}``)."""

    url: str
    name: str
    detail: bool
    initkwargs: Mapping[str, Any]


class URLRule(NamedTuple):
    """One rule of :attr:`BaseRouter.urls`: ``app.add_url_rule(rule, endpoint, view_func)``."""

    rule: str
    endpoint: str
    view_func: Any


class BaseRouter:
    """A registry of viewsets by URL prefix and basename."""

    def __init__(self) -> None:
        self.registry: list[tuple[str, Any, str]] = []

    def register(self, prefix: str, viewset: Any, basename: str | None = None) -> None:
        """Route ``viewset`` under ``prefix``; its route names start with ``basename``.

        Raises:
            ImproperlyConfigured: The basename is taken, or cannot be worked out.
        """
        if basename is None:
            basename = self.get_default_basename(viewset)
        if self.is_already_registered(basename):
            raise ImproperlyConfigured(
                f'Router with basename "{basename}" is already registered. Please provide a '
                f'unique basename for viewset "{viewset}"'
            )
        self.registry.append((prefix.strip("/"), viewset, basename))

    def is_already_registered(self, new_basename: str) -> bool:
        """Whether a viewset is registered with ``new_basename``."""
        return any(basename == new_basename for _, _, basename in self.registry)

    def get_default_basename(self, viewset: Any) -> str:
        """The basename of a viewset registered without one.

        Raises:
            NotImplementedError: Subclasses implement it.
        """
        raise NotImplementedError("get_default_basename must be overridden")

    def get_urls(self) -> list[URLRule]:
        """The rules of every registered viewset.

        Raises:
            NotImplementedError: Subclasses implement it.
        """
        raise NotImplementedError("get_urls must be overridden")

    @property
    def urls(self) -> list[URLRule]:
        """The rules, for ``app.add_url_rule(rule.rule, rule.endpoint, rule.view_func)``."""
        return self.get_urls()

    def as_blueprint(
        self, url_prefix: str | None = None, name: str = "api", import_name: str | None = None
    ) -> Blueprint:
        """A blueprint holding the routes; endpoints are ``"<name>.<basename>-list"``….

        A variable in ``url_prefix`` (``"/api/<version>"``) reaches the views' keyword
        arguments. Build the blueprint after configuring the app's ``REST`` settings.

        Args:
            url_prefix: The prefix of every route.
            name: The blueprint's name (the endpoints' prefix).
            import_name: ``__name__`` of the app's module (defaults to this module).
        """
        blueprint = Blueprint(name, import_name or __name__, url_prefix=url_prefix)
        for rule in self.get_urls():
            blueprint.add_url_rule(rule.rule, rule.endpoint, rule.view_func)
        return blueprint


def _join(*parts: str) -> str:
    return "/" + "/".join(part for part in parts if part)


class SimpleRouter(BaseRouter):
    """Routes ``{prefix}/`` (list and list actions) and ``{prefix}/{lookup}/`` (detail).

    Args:
        trailing_slash: End every route with ``/`` (REST framework's default).

    Example:
        >>> router = SimpleRouter()  # doctest: +SKIP
        >>> router.register("books", BookViewSet)  # doctest: +SKIP
        >>> app.register_blueprint(router.as_blueprint(url_prefix="/api"))  # doctest: +SKIP
    """

    routes: list[Route | DynamicRoute] = [  # REST framework's class attribute
        Route(
            url="{prefix}{trailing_slash}",
            mapping={"get": "list", "post": "create"},
            name="{basename}-list",
            detail=False,
            initkwargs={"suffix": "List"},
        ),
        DynamicRoute(
            url="{prefix}/{url_path}{trailing_slash}",
            name="{basename}-{url_name}",
            detail=False,
            initkwargs={},
        ),
        Route(
            url="{prefix}/{lookup}{trailing_slash}",
            mapping={
                "get": "retrieve",
                "put": "update",
                "patch": "partial_update",
                "delete": "destroy",
            },
            name="{basename}-detail",
            detail=True,
            initkwargs={"suffix": "Instance"},
        ),
        DynamicRoute(
            url="{prefix}/{lookup}/{url_path}{trailing_slash}",
            name="{basename}-{url_name}",
            detail=True,
            initkwargs={},
        ),
    ]

    def __init__(self, trailing_slash: bool = True) -> None:
        self.trailing_slash = "/" if trailing_slash else ""
        super().__init__()

    def get_default_basename(self, viewset: Any) -> str:
        """The lower-cased class name of the viewset's model (``Book`` → ``"book"``).

        Raises:
            ImproperlyConfigured: The viewset has neither ``queryset`` nor ``model``.
        """
        model = getattr(viewset, "model", None)
        queryset = getattr(viewset, "queryset", None)
        if model is None and queryset is not None:
            from cupola.rest.filters import statement_model

            model = statement_model(queryset)
        if model is None:
            raise ImproperlyConfigured(
                "`basename` argument not specified, and could not automatically determine "
                "the name from the viewset, as it does not have a `.queryset` attribute."
            )
        return str(inspect(model).class_.__name__.lower())

    def get_routes(self, viewset: Any) -> list[Route]:
        """The routes of ``viewset``: the fixed ones and one per ``@action``.

        Raises:
            ImproperlyConfigured: An ``@action`` reuses the name of a standard action.
        """
        known = {
            action
            for route in self.routes
            if isinstance(route, Route)
            for action in route.mapping.values()
        }
        extra = viewset.get_extra_actions()
        clashing = [action.__name__ for action in extra if action.__name__ in known]
        if clashing:
            raise ImproperlyConfigured(
                "Cannot use the @action decorator on the following methods, as they are "
                f"existing routes: {', '.join(clashing)}"
            )
        routes: list[Route] = []
        for route in self.routes:
            if isinstance(route, DynamicRoute):
                routes.extend(
                    self._get_dynamic_route(route, action)
                    for action in extra
                    if action.detail == route.detail
                )
            else:
                routes.append(route)
        return routes

    def _get_dynamic_route(self, route: DynamicRoute, action: Any) -> Route:
        initkwargs = {**route.initkwargs, **action.kwargs}
        return Route(
            url=route.url.replace("{url_path}", action.url_path.strip("/")),
            mapping=action.mapping,
            name=route.name.replace("{url_name}", action.url_name),
            detail=route.detail,
            initkwargs=initkwargs,
        )

    def get_method_map(self, viewset: Any, method_map: Mapping[str, str]) -> dict[str, str]:
        """``method_map`` restricted to the actions ``viewset`` has."""
        return {method: action for method, action in method_map.items() if hasattr(viewset, action)}

    def get_lookup_rule(self, viewset: Any, lookup_prefix: str = "") -> str:
        """The detail URL's variable: ``<lookup:pk>`` (any text without ``/`` or ``.``).

        ``lookup_value_converter`` on the viewset picks another converter (``"int"``).
        """
        lookup_field = getattr(viewset, "lookup_field", "pk")
        kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
        converter = getattr(viewset, "lookup_value_converter", "lookup")
        return f"<{converter}:{lookup_prefix}{kwarg}>"

    def get_urls(self) -> list[URLRule]:
        """One rule per route of every registered viewset, in registration order."""
        rules: list[URLRule] = []
        for prefix, viewset, basename in self.registry:
            lookup = self.get_lookup_rule(viewset)
            for route in self.get_routes(viewset):
                mapping = self.get_method_map(viewset, route.mapping)
                if not mapping:
                    continue
                path = route.url.format(prefix=prefix, lookup=lookup, trailing_slash="")
                rule = _join(*path.split("/"))
                if rule != "/":
                    rule += self.trailing_slash
                initkwargs = {**route.initkwargs, "basename": basename, "detail": route.detail}
                view = viewset.as_view(mapping, **initkwargs)
                rules.append(URLRule(rule, route.name.format(basename=basename), view))
        return rules


class APIRootView(views.APIView):
    """The default basic root view for DefaultRouter"""  # noqa: D415  # REST framework's words

    # NOTE: the docstring is the view's description (OPTIONS, the browsable API), REST
    # framework's word for word. The view answers {prefix: absolute URL of its list}.

    _ignore_model_permissions = True
    schema = None
    #: Prefix → endpoint of its list route (without the blueprint).
    api_root_dict: dict[str, str] | None = None

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """The links, in registration order, for the request's version."""
        links: dict[str, str] = {}
        blueprint = getattr(request, "blueprint", None)
        for key, url_name in (self.api_root_dict or {}).items():
            endpoint = f"{blueprint}.{url_name}" if blueprint else url_name
            try:
                links[key] = reverse(
                    endpoint, kwargs=kwargs, request=request, format=kwargs.get("format")
                )
            except BuildError:  # a viewset without a list route
                continue
        return Response(links)


class DefaultRouter(SimpleRouter):
    """``SimpleRouter`` plus the API root view at the prefix itself (``/api/``).

    Args:
        trailing_slash: End every route with ``/``.
        root_renderers: Renderer classes (or dotted paths) of the API root (default: the
            app's ``DEFAULT_RENDERER_CLASSES``).
    """

    include_root_view = True
    root_view_name = "api-root"
    APIRootView = APIRootView

    def __init__(self, trailing_slash: bool = True, root_renderers: Any = None) -> None:
        self.root_renderers = root_renderers
        super().__init__(trailing_slash=trailing_slash)

    def get_api_root_view(self) -> Any:
        """The API root's view function."""
        list_name = self.routes[0].name
        root = {
            prefix: list_name.format(basename=basename) for prefix, _, basename in self.registry
        }
        initkwargs: dict[str, Any] = {"api_root_dict": root}
        if self.root_renderers is not None:
            initkwargs["renderer_classes"] = [
                import_string(r) if isinstance(r, str) else r for r in self.root_renderers
            ]
        return self.APIRootView.as_view("api_root", **initkwargs)

    def get_urls(self) -> list[URLRule]:
        """The viewsets' rules, then the API root's (``/``)."""
        rules = super().get_urls()
        if self.include_root_view:
            rules.append(URLRule("/", self.root_view_name, self.get_api_root_view()))
        return rules
