"""Decorators: ``@api_view`` for function views, policy setters, and ``@action`` for viewsets.

``@api_view(["GET", "POST"])`` turns ``def f(request, **kwargs)`` into an ``APIView`` with
one handler per listed method (``async def`` functions too). The policy decorators
(``@permission_classes([...])`` …) go below ``@api_view``. ``@action`` marks a viewset
method as a routed extra action; routers read its ``detail``, ``url_path``, ``url_name``,
``mapping`` and ``kwargs``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from cupola.rest.views import HTTP_METHOD_NAMES, APIView

F = TypeVar("F", bound=Callable[..., Any])

_POLICIES = (
    "renderer_classes",
    "parser_classes",
    "authentication_classes",
    "throttle_classes",
    "permission_classes",
    "content_negotiation_class",
    "metadata_class",
    "versioning_class",
    "schema",
)


def api_view(http_method_names: Sequence[str] | None = None) -> Callable[[Callable[..., Any]], Any]:
    """Turn a function ``f(request, **kwargs)`` into a REST view answering the methods given.

    Args:
        http_method_names: The methods, such as ``["GET", "POST"]`` (default ``["GET"]``);
            OPTIONS is always answered.

    Returns:
        A decorator returning the view function, ready for ``app.add_url_rule``.

    Raises:
        TypeError: When used without parentheses or given something else than a list.

    Example:
        >>> @api_view(["GET"])
        ... def ping(request):
        ...     return Response({"ping": "pong"})
    """
    if callable(http_method_names):
        raise TypeError("@api_view missing list of allowed HTTP methods: use @api_view(['GET']).")
    methods = ["GET"] if http_method_names is None else http_method_names
    if not isinstance(methods, list | tuple):
        raise TypeError(f"@api_view expected a list of strings, received {type(methods).__name__}")
    names = {method.lower() for method in methods} | {"options"}

    def decorator(func: Callable[..., Any]) -> Any:
        handler = _handler(func)
        attributes: dict[str, Any] = {
            "__doc__": func.__doc__,
            "__module__": func.__module__,
            # NOTE: listed in the usual order, so that Allow does not depend on set order.
            "http_method_names": [name for name in HTTP_METHOD_NAMES if name in names],
            "throttle_scope": getattr(func, "throttle_scope", None),
        }
        attributes.update((m.lower(), handler) for m in methods)
        attributes.update(
            (policy, getattr(func, policy)) for policy in _POLICIES if hasattr(func, policy)
        )
        view_class: type[APIView] = type(func.__name__, (APIView,), attributes)
        view_class.__qualname__ = func.__qualname__
        return view_class.as_view(func.__name__)

    return decorator


def _handler(func: Callable[..., Any]) -> Callable[..., Any]:
    """The method calling ``func`` with the request and the URL values (async if it is)."""
    if inspect.iscoroutinefunction(func):

        async def async_handler(self: APIView, *args: Any, **kwargs: Any) -> Any:
            return await func(*args, **kwargs)

        return async_handler

    def handler(self: APIView, *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return handler


def _check_order(func: Any, name: str) -> None:
    view_class = getattr(func, "cls", None)
    if isinstance(view_class, type) and issubclass(view_class, APIView):
        raise TypeError(
            f"@{name} must come after (below) the @api_view decorator:\n\n"
            "    @api_view(['GET'])\n"
            f"    @{name}(...)\n"
            "    def my_view(request):\n"
            "        ..."
        )


def _policy(name: str) -> Callable[[Any], Callable[[F], F]]:
    def setter(value: Any) -> Callable[[F], F]:
        def decorator(func: F) -> F:
            _check_order(func, name)
            setattr(func, name, value)
            return func

        return decorator

    setter.__name__ = setter.__qualname__ = name
    setter.__doc__ = f"Set the view's ``{name}``; use below ``@api_view``."
    return setter


renderer_classes = _policy("renderer_classes")
parser_classes = _policy("parser_classes")
authentication_classes = _policy("authentication_classes")
throttle_classes = _policy("throttle_classes")
throttle_scope = _policy("throttle_scope")
permission_classes = _policy("permission_classes")
content_negotiation_class = _policy("content_negotiation_class")
metadata_class = _policy("metadata_class")
versioning_class = _policy("versioning_class")
schema = _policy("schema")


class MethodMapper(dict[str, str]):
    """An action's methods, each mapped to the name of the viewset method handling it.

    ``@restock.mapping.delete`` adds a method handled by another function of the viewset.
    """

    def __init__(self, action: Callable[..., Any], methods: Sequence[str]) -> None:
        super().__init__()
        self.action = action
        for method in methods:
            self[method] = action.__name__

    def _map(self, method: str, func: F) -> F:
        if method in self:
            raise ImproperlyConfiguredAction(
                f"Method '{method}' has already been mapped to '.{self[method]}'."
            )
        if func.__name__ == self.action.__name__:
            raise ImproperlyConfiguredAction(
                "Method mapping does not behave like the property decorator. You cannot use "
                "the same method name for each mapping declaration."
            )
        self[method] = func.__name__
        return func

    def get(self, func: F) -> F:  # type: ignore[override]  # a decorator, as in REST framework
        """Map GET to ``func``."""
        return self._map("get", func)

    def post(self, func: F) -> F:
        """Map POST to ``func``."""
        return self._map("post", func)

    def put(self, func: F) -> F:
        """Map PUT to ``func``."""
        return self._map("put", func)

    def patch(self, func: F) -> F:
        """Map PATCH to ``func``."""
        return self._map("patch", func)

    def delete(self, func: F) -> F:
        """Map DELETE to ``func``."""
        return self._map("delete", func)

    def head(self, func: F) -> F:
        """Map HEAD to ``func``."""
        return self._map("head", func)

    def options(self, func: F) -> F:
        """Map OPTIONS to ``func``."""
        return self._map("options", func)

    def trace(self, func: F) -> F:
        """Map TRACE to ``func``."""
        return self._map("trace", func)


class ImproperlyConfiguredAction(TypeError):
    """An ``@action`` or method mapping declared in a way that cannot work."""


def action(
    methods: Sequence[str] | None = None,
    detail: bool | None = None,
    url_path: str | None = None,
    url_name: str | None = None,
    **kwargs: Any,
) -> Callable[[F], F]:
    """Mark a viewset method as an extra action that routers expose.

    Args:
        methods: HTTP methods of the action (default ``["get"]``).
        detail: Required: ``True`` for ``/{prefix}/{pk}/{url_path}/``, ``False`` for
            ``/{prefix}/{url_path}/``.
        url_path: The URL segment (default: the function's name).
        url_name: The route name suffix (default: the name with ``_`` as ``-``).
        **kwargs: Attributes set on the view for this action (``permission_classes``…,
            ``name`` or ``suffix``).

    Raises:
        TypeError: When ``detail`` is missing, or ``name`` and ``suffix`` are both given.

    Example:
        >>> class BookViewSet(ViewSet):  # doctest: +SKIP
        ...     @action(detail=True, methods=["post"])
        ...     def restock(self, request, pk=None, **kwargs): ...
    """
    names = ["get"] if methods is None else [method.lower() for method in methods]
    if detail is None:
        raise ImproperlyConfiguredAction("@action() missing required argument: 'detail'")
    if "name" in kwargs and "suffix" in kwargs:
        raise ImproperlyConfiguredAction("`name` and `suffix` are mutually exclusive arguments.")

    def decorator(func: F) -> F:
        marked: Any = func
        marked.mapping = MethodMapper(func, names)
        marked.detail = detail
        marked.url_path = url_path or func.__name__
        marked.url_name = url_name or func.__name__.replace("_", "-")
        marked.kwargs = dict(kwargs)
        if "name" not in kwargs and "suffix" not in kwargs:
            marked.kwargs["name"] = func.__name__.replace("_", " ").capitalize()
        marked.kwargs["description"] = func.__doc__ or None
        return func

    return decorator


__all__ = [
    "MethodMapper",
    "action",
    "api_view",
    "authentication_classes",
    "content_negotiation_class",
    "metadata_class",
    "parser_classes",
    "permission_classes",
    "renderer_classes",
    "schema",
    "throttle_classes",
    "throttle_scope",
    "versioning_class",
]
