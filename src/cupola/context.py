"""Context locals: ``request``, ``session``, ``g`` and ``current_app``.

One :class:`contextvars.ContextVar` holds the active context: the :class:`Request` being
handled, or an :class:`AppContext` outside requests. Context variables follow both threads
and asyncio tasks, so the proxies are correct under either server. The pipeline sets the
variable once per request and resets it when the request ends.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar, Token
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, cast

from cupola import signals

T = TypeVar("T")

if TYPE_CHECKING:
    from cupola.http.request import Request
    from cupola.sessions.base import Session
    from cupola.types import Application


class AppGlobals:
    """``g``: a namespace for data that lives as long as one request or app context."""

    def get(self, name: str, default: Any = None) -> Any:
        """Return attribute ``name``, or ``default``."""
        return self.__dict__.get(name, default)

    def pop(self, name: str, *default: Any) -> Any:
        """Remove and return attribute ``name`` (``KeyError`` without a default)."""
        return self.__dict__.pop(name, *default)

    def setdefault(self, name: str, default: Any = None) -> Any:
        """Return attribute ``name``, setting it to ``default`` first when missing."""
        return self.__dict__.setdefault(name, default)

    def __contains__(self, name: str) -> bool:
        return name in self.__dict__

    def __iter__(self) -> Iterator[str]:
        return iter(self.__dict__)

    def __repr__(self) -> str:
        return f"<g {self.__dict__!r}>"


class AppContext:
    """The application context: ``current_app`` and ``g`` without a request.

    Use ``with app.app_context():`` in scripts, CLI commands and tests. Leaving it runs the
    app's ``teardown_appcontext`` hooks (last registered first) with the exception that
    ended the block, if any.
    """

    __slots__ = ("_g", "_tokens", "app")

    _g: AppGlobals

    def __init__(self, app: Application) -> None:
        self.app = app
        self._tokens: list[Token[AppContext | Request]] = []

    @property
    def g(self) -> AppGlobals:
        """This context's ``g``."""
        try:
            return self._g
        except AttributeError:
            self._g = AppGlobals()
            return self._g

    def push(self) -> None:
        """Make this context the active one."""
        self._tokens.append(_active.set(self))
        if signals.appcontext_pushed.receivers:
            signals.appcontext_pushed.send(self.app)

    def pop(self, exc: BaseException | None = None) -> None:
        """Run the teardown hooks, then restore the context active before :meth:`push`.

        Args:
            exc: The exception that ends the context, passed to the hooks.
        """
        try:
            if len(self._tokens) == 1:  # the outermost push of this context ends
                for teardown in self.app.teardown_appcontext_funcs[::-1]:
                    teardown(exc)
                signals.appcontext_tearing_down.send(self.app, exc=exc)
        finally:
            _active.reset(self._tokens.pop())
            if signals.appcontext_popped.receivers:
                signals.appcontext_popped.send(self.app)

    def __enter__(self) -> AppContext:
        self.push()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.pop(exc)


_active: ContextVar[AppContext | Request] = ContextVar("cupola.context")


# PERF: the pipeline calls these once per request; bound methods avoid a wrapper call.
#: Make a request the active context; returns the token that restores the previous one.
activate = _active.set
#: Restore the context active before :func:`activate`, given its token.
deactivate = _active.reset


def active_context() -> AppContext | Request | None:
    """The active context, or ``None``."""
    return _active.get(None)


def set_active(context: AppContext | Request | None) -> None:
    """Make ``context`` active without a token.

    For contexts that end in another order than they began (the test client keeps the
    last request's context of each client in a ``with`` block); everything else uses
    :func:`activate` and :func:`deactivate`.
    """
    _active.set(context)  # type: ignore[arg-type]  # None reads as no context


def _outside(what: str) -> RuntimeError:
    return RuntimeError(
        f"Working outside of {what} context: use it inside a view, a hook, "
        f"`with app.{'test_request' if what == 'request' else 'app'}_context():`, "
        "or a test client request."
    )


def get_app_context() -> AppContext | Request:
    """Return the active context (a request also serves as the app context)."""
    ctx = _active.get(None)
    if ctx is None:
        raise _outside("application")
    return ctx


def get_request() -> Request:
    """Return the request being handled."""
    ctx = _active.get(None)
    if ctx is None or isinstance(ctx, AppContext):
        raise _outside("request")
    return ctx


def has_request_context() -> bool:
    """Whether a request is being handled in this thread or task."""
    ctx = _active.get(None)
    return ctx is not None and not isinstance(ctx, AppContext)


def has_app_context() -> bool:
    """Whether an application (or request) context is active."""
    return _active.get(None) is not None


def stream_with_context(iterable: Iterable[T]) -> Iterator[T]:
    r"""Keep the current request active while a streamed body is produced.

    A streamed response's iterable runs after the view has returned, outside the request;
    wrapped in this, it sees ``request``, ``session`` and ``g`` as the view did.
    ``teardown_appcontext`` hooks have already run by then: open what the stream needs
    inside it.

    Args:
        iterable: The body (a generator); a generator function may be decorated instead.

    Example:
        >>> @app.get("/rows")  # doctest: +SKIP
        ... def rows():
        ...     def generate():
        ...         yield f"for {request.args['who']}\n"
        ...     return stream_with_context(generate())
    """
    if callable(iterable) and not hasattr(iterable, "__iter__"):
        function = iterable

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Iterator[T]:
            return stream_with_context(function(*args, **kwargs))

        return wrapper  # type: ignore[return-value]  # the decorator form
    return _Streamed(get_app_context(), iter(iterable))


class _Streamed(Iterator[T]):
    """An iterator that reactivates a context around each step (:func:`stream_with_context`)."""

    __slots__ = ("_context", "_iterator")

    def __init__(self, context: AppContext | Request, iterator: Iterator[T]) -> None:
        self._context = context
        self._iterator = iterator

    def __next__(self) -> T:
        token = _active.set(self._context)
        try:
            return next(self._iterator)
        finally:
            _active.reset(token)

    def close(self) -> None:
        """Close the wrapped generator (the server calls this when the body ends)."""
        close = getattr(self._iterator, "close", None)
        if close is not None:
            token = _active.set(self._context)
            try:
                close()
            finally:
                _active.reset(token)


class ContextProxy:
    """Forwards attribute access and common operators to the object ``get`` returns."""

    __slots__ = ("_get",)

    def __init__(self, get: Callable[[], Any]) -> None:
        object.__setattr__(self, "_get", get)

    def _get_current_object(self) -> Any:
        """Return the proxied object itself (e.g. to pass it to another thread)."""
        return self._get()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._get(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._get(), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self._get(), name)

    def __getitem__(self, key: Any) -> Any:
        return self._get()[key]

    def __setitem__(self, key: Any, value: Any) -> None:
        self._get()[key] = value

    def __delitem__(self, key: Any) -> None:
        del self._get()[key]

    def __contains__(self, key: Any) -> bool:
        return key in self._get()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __bool__(self) -> bool:
        try:
            return bool(self._get())
        except RuntimeError:
            return False

    def __eq__(self, other: object) -> bool:
        return bool(self._get() == other)

    def __ne__(self, other: object) -> bool:
        return bool(self._get() != other)

    __hash__ = None  # type: ignore[assignment]  # proxies compare by the object they point to

    def __repr__(self) -> str:
        try:
            return repr(self._get())
        except RuntimeError:
            return f"<unbound {type(self).__name__}>"

    def __str__(self) -> str:
        return str(self._get())


def _current_app() -> Application:
    return get_app_context().app


def _g() -> AppGlobals:
    return get_app_context().g


def _session() -> Session:
    return get_request().session


request: Request = cast("Request", ContextProxy(get_request))
#: The app of the active context. Typed here as the :class:`~cupola.types.Application` this
#: module knows; ``cupola.current_app`` is the same proxy, typed as the ``Cupola`` class.
current_app: Application = cast("Application", ContextProxy(_current_app))
g: AppGlobals = cast(AppGlobals, ContextProxy(_g))
session: Session = cast("Session", ContextProxy(_session))
