"""ViewSets: one class for the list and detail endpoints of a resource, routed by a router.

A viewset names actions (``list``, ``create``, ``retrieve``, ``update``,
``partial_update``, ``destroy`` and ``@action`` methods) rather than HTTP methods;
``as_view({"get": "list", "post": "create"})`` binds methods to actions for one URL.
Routers (:mod:`cupola.rest.routers`) do that binding for every route.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from cupola.exceptions import ImproperlyConfigured
from cupola.rest import generics, mixins, views
from cupola.rest.decorators import MethodMapper
from cupola.rest.request import Request
from cupola.rest.reverse import reverse

__all__ = [
    "GenericViewSet",
    "ModelViewSet",
    "ReadOnlyModelViewSet",
    "ViewSet",
    "ViewSetMixin",
]


def _is_extra_action(attr: Any) -> bool:
    return isinstance(getattr(attr, "mapping", None), MethodMapper)


def _check_attr_name(func: Any, name: str) -> Any:
    if func.__name__ != name:
        raise ImproperlyConfigured(
            f"Expected function (`{func.__name__}`) to match its attribute name (`{name}`). "
            "If using a decorator, ensure the inner function is decorated with "
            f"`functools.wraps`, or that `{func.__name__}.mapping` is updated accordingly."
        )
    return func


class ViewSetMixin:
    """Binds HTTP methods to actions when the view function is built.

    MRO: ViewSetMixin → object (first base of the viewset classes).

    Attributes:
        action: The action of the current request (``"list"``, ``"restock"``,
            ``"metadata"`` for OPTIONS), ``None`` for a method the URL does not map.
        basename, detail, suffix, name, description: Set by the router for each route.
    """

    # Set per route through as_view()'s keyword arguments.
    basename: str | None = None
    detail: bool | None = None
    suffix: str | None = None
    name: str | None = None
    description: str | None = None

    action: str | None = None
    action_map: dict[str, str]

    @classmethod
    def as_view(
        cls, actions: Mapping[str, str] | None = None, **initkwargs: Any
    ) -> Callable[..., Any]:
        """The Cupola view function answering ``actions`` (``{"get": "list"}``).

        Args:
            actions: HTTP method (lower-case) → action name.
            **initkwargs: Attributes set on each instance.

        Raises:
            TypeError: Without ``actions``, with ``name`` and ``suffix`` both, or with a
                keyword argument that is a method name or no attribute of the class.
        """
        if not actions:
            raise TypeError(
                "The `actions` argument must be provided when calling `.as_view()` on a "
                "ViewSet. For example `.as_view({'get': 'list'})`"
            )
        view_cls: Any = cls
        try:
            view_cls.check_initkwargs(initkwargs)
        except ImproperlyConfigured as exc:
            raise TypeError(str(exc)) from None
        if "name" in initkwargs and "suffix" in initkwargs:
            raise TypeError(
                f"{cls.__name__}() received both `name` and `suffix`, which are mutually "
                "exclusive arguments."
            )
        action_map = dict(actions)
        if "get" in action_map and "head" not in action_map:
            action_map["head"] = action_map["get"]

        def setup(self: Any, request: Any, kwargs: dict[str, Any]) -> None:
            self.action_map = action_map
            for method, action in action_map.items():
                setattr(self, method, getattr(self, action))

        is_async = view_cls.has_async_handlers(list(action_map.values()))
        # The default endpoint: one per set of actions ("BookViewSet_list_create").
        name = "_".join([cls.__name__, *dict.fromkeys(actions.values())])
        view = view_cls.build_view(name, initkwargs, is_async=is_async, setup=setup)
        view.actions = action_map
        return view  # type: ignore[no-any-return]

    def initialize_request(self, request: Any, *args: Any, **kwargs: Any) -> Request:
        """The REST request, with :attr:`action` set for its method."""
        rest_request: Request = super().initialize_request(request, *args, **kwargs)  # type: ignore[misc]
        method = rest_request.method.lower()
        self.action = "metadata" if method == "options" else self.action_map.get(method)
        return rest_request

    def reverse_action(self, url_name: str, *args: Any, **kwargs: Any) -> str:
        """The URL of another route of this viewset, absolute for the current request.

        Example:
            >>> self.reverse_action("detail", kwargs={"pk": 1})  # doctest: +SKIP
        """
        view: Any = self
        endpoint = f"{self.basename}-{url_name}"
        blueprint = getattr(view.request, "blueprint", None)
        if blueprint:
            endpoint = f"{blueprint}.{endpoint}"
        kwargs.setdefault("request", view.request)
        return reverse(endpoint, *args, **kwargs)

    @classmethod
    def get_extra_actions(cls) -> list[Any]:
        """The ``@action`` methods of the class, by name.

        Raises:
            ImproperlyConfigured: A decorated function's name differs from its attribute's.
        """
        return [
            _check_attr_name(method, name)
            for name, method in inspect.getmembers(cls, _is_extra_action)
        ]

    def get_extra_action_url_map(self) -> dict[str, str]:
        """Names and URLs of this viewset's extra actions of the same kind (list or detail)."""
        view: Any = self
        found: dict[str, str] = {}
        if self.detail is None:
            return found
        for action in self.get_extra_actions():
            if action.detail != self.detail:
                continue
            url_name = f"{self.basename}-{action.url_name}"
            blueprint = getattr(view.request, "blueprint", None)
            endpoint = f"{blueprint}.{url_name}" if blueprint else url_name
            try:
                found[action.kwargs.get("name") or action.__name__] = reverse(
                    endpoint, kwargs=dict(view.kwargs), request=view.request
                )
            except Exception:  # NOTE: a route not built here is left out
                continue
        return found


class ViewSet(ViewSetMixin, views.APIView):  # type: ignore[misc]  # as_view(actions)
    """A viewset with no actions of its own: define ``list``, ``retrieve``, ….

    MRO: ViewSet → ViewSetMixin → APIView.
    """


class GenericViewSet(ViewSetMixin, generics.GenericAPIView):  # type: ignore[misc]  # as_view(actions)
    """A viewset with ``GenericAPIView``'s data hooks and no actions of its own.

    MRO: GenericViewSet → ViewSetMixin → GenericAPIView → APIView.
    """


class ReadOnlyModelViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, GenericViewSet):  # type: ignore[misc]  # as_view(actions)
    """``list`` and ``retrieve``.

    MRO: ReadOnlyModelViewSet → RetrieveModelMixin → ListModelMixin → GenericViewSet →
    ViewSetMixin → GenericAPIView → APIView (REST framework's hierarchy, kept for parity).
    """


class ModelViewSet(  # type: ignore[misc]  # as_view(actions), as REST framework's
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    GenericViewSet,
):
    """``list``, ``create``, ``retrieve``, ``update``, ``partial_update`` and ``destroy``.

    MRO: ModelViewSet → CreateModelMixin → RetrieveModelMixin → UpdateModelMixin →
    DestroyModelMixin → ListModelMixin → GenericViewSet → ViewSetMixin → GenericAPIView →
    APIView (REST framework's hierarchy, kept for parity).
    """
