"""Class-based views: one method per HTTP verb, turned into a view function by ``as_view``.

``HEAD`` falls back to ``get``; a verb the class does not define is answered with 405 (the
router already knows the allowed methods from the class). A class's handlers are either all
sync or all ``async def``, so the route runs on one side of the thread boundary.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from cupola.exceptions import ImproperlyConfigured, MethodNotAllowed

if TYPE_CHECKING:
    from cupola.http.request import Request

HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "trace")


class View:
    """Base class for class-based views.

    Define ``get(self, request, **kwargs)``, ``post(...)``, … and register with
    ``app.add_url_rule("/items", view_func=Items.as_view("items"))``. A new instance is
    created for every request, with the arguments given to :meth:`as_view`.

    Attributes:
        decorators: Decorators applied to the generated view function, in order.
        guards: Decorators put on the class itself (``@login_required`` on a ``View``),
            applied outside ``decorators``. Each class keeps its own, and :meth:`as_view`
            applies those of every class in the MRO, so a subclass that sets its own
            ``decorators`` (or ``guards``) cannot drop a parent's guard.

    Example:
        >>> class Items(View):
        ...     def get(self, request):
        ...         return {"items": []}
    """

    decorators: ClassVar[list[Callable[..., Any]]] = []
    guards: ClassVar[tuple[Callable[..., Any], ...]] = ()

    @classmethod
    def add_guard(cls, guard: Callable[..., Any]) -> None:
        """Guard every verb of this class and its subclasses with ``guard`` (a decorator)."""
        cls.guards = (*cls.__dict__.get("guards", ()), guard)

    @classmethod
    def allowed_methods(cls) -> frozenset[str]:
        """The verbs the class defines (``HEAD`` implied by ``get``)."""
        return frozenset(m.upper() for m in HTTP_METHODS if callable(getattr(cls, m, None)))

    def handler_for(self, method: str) -> Callable[..., Any]:
        """Return the method handling ``method``.

        Raises:
            MethodNotAllowed: When the class does not handle it.
        """
        handler = getattr(self, method.lower(), None)
        if handler is None and method == "HEAD":
            handler = getattr(self, "get", None)
        if handler is None:
            raise MethodNotAllowed(self.allowed_methods())
        return handler  # type: ignore[no-any-return]  # a bound method

    def dispatch(self, request: Request, **kwargs: Any) -> Any:
        """Call the handler for ``request.method`` with the request and path values."""
        return self.handler_for(request.method)(request, **kwargs)

    @classmethod
    def as_view(cls, name: str, *class_args: Any, **class_kwargs: Any) -> Callable[..., Any]:
        """Return a view function for the app's router.

        Args:
            name: The view's name (the default endpoint).
            *class_args: Positional arguments for the constructor, on every request.
            **class_kwargs: Keyword arguments for the constructor.

        Raises:
            ImproperlyConfigured: When the class mixes sync and async handlers or has none.
        """
        methods = cls.allowed_methods()
        if not methods:
            raise ImproperlyConfigured(f"{cls.__name__} defines no handler such as get().")
        kinds = {inspect.iscoroutinefunction(getattr(cls, m.lower())) for m in methods}
        if len(kinds) > 1:
            raise ImproperlyConfigured(
                f"{cls.__name__} mixes sync and async handlers; make them all one kind."
            )
        view: Callable[..., Any]
        if kinds == {True}:

            async def view(request: Request, **kwargs: Any) -> Any:
                return await cls(*class_args, **class_kwargs).dispatch(request, **kwargs)

        else:

            def view(request: Request, **kwargs: Any) -> Any:
                return cls(*class_args, **class_kwargs).dispatch(request, **kwargs)

        for decorator in cls.decorators:
            view = decorator(view)
        # NOTE: read from each class's own namespace, innermost (this class) first, so a
        # guard put on a base class wraps everything and no subclass attribute can hide it.
        for klass in cls.__mro__:
            for guard in klass.__dict__.get("guards", ()):
                view = guard(view)
        view.__name__ = name
        view.__qualname__ = name
        view.__doc__ = cls.__doc__
        view.view_class = cls  # type: ignore[union-attr]  # as in Flask
        view.methods = methods  # type: ignore[union-attr]  # read by add_url_rule
        return view
