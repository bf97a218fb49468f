"""``db.session``: one SQLAlchemy session per request or app context.

The session belongs to the active context (the ``contextvars``-based one ``request`` and
``g`` use), so it is right under threads and asyncio alike, and a sync view that an async
route runs in a worker thread sees the same session as the route's hooks. The request's
teardown closes it; an app context or test request context that ends without a teardown
closes it when its ``g`` is released, so no connection is ever left checked out.

A closed session holds no connection, no transaction and no objects, so teardown keeps it
for the next context instead of building a new one (``Session()`` and its first events cost
about a tenth of a one-row request), unless it was changed in a way that could leak into
the next request: its ``info``, its options, or listeners on the session itself.
"""

from __future__ import annotations

import operator
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker
from sqlalchemy.util import ScopedRegistry

from cupola.context import get_app_context

__all__ = ["ContextRegistry", "ContextScopedSession"]

S = TypeVar("S")

#: Closed sessions kept for reuse per engine, at most (more are only there under a burst).
IDLE_SESSIONS = 32

#: The session state a request may change, which a reused session must have as new.
#: ``_close_state``: with ``close_resets_only=False`` a closed session cannot be used again.
_options = operator.attrgetter(
    "autoflush",
    "expire_on_commit",
    "autobegin",
    "twophase",
    "join_transaction_mode",
    "enable_baked_queries",
    "binds",
    "_query_cls",
    "_close_state",
)


class ContextRegistry(ScopedRegistry[S]):
    """Sessions by active context, keyed by the identity of that context's ``g``.

    Args:
        createfunc: Creates the session of a context on first use.
        close_on_release: Close a session left open when its context is released (an
            ``AsyncSession`` cannot be closed there, only forgotten).
    """

    __slots__ = ("close_on_release",)

    registry: dict[int, S]

    def __init__(self, createfunc: Callable[[], S], *, close_on_release: bool = True) -> None:
        super().__init__(createfunc, no_scope)
        self.close_on_release = close_on_release

    def __call__(self) -> S:
        """Return the session of the active context, creating it on first use.

        Raises:
            RuntimeError: Outside an app or request context.
        """
        g = get_app_context().g
        key = id(g)
        session = self.registry.get(key)
        if session is None:
            session = self.registry[key] = self.createfunc()
            # The entry goes when the context's g does, closing the session if still open.
            weakref.finalize(g, self._release, key)
        return session

    def has(self) -> bool:
        """Whether the active context has a session."""
        return id(get_app_context().g) in self.registry

    def set(self, obj: S) -> None:
        """Make ``obj`` the session of the active context."""
        g = get_app_context().g
        self.registry[id(g)] = obj
        weakref.finalize(g, self._release, id(g))

    def clear(self) -> None:
        """Forget the session of the active context (``remove()`` closes it first)."""
        self.registry.pop(id(get_app_context().g), None)

    def pop(self) -> S | None:
        """Forget and return the session of the active context, if it has one."""
        return self.registry.pop(id(get_app_context().g), None)

    def _release(self, key: int) -> None:
        session = self.registry.pop(key, None)
        if session is not None and self.close_on_release:
            session.close()  # type: ignore[attr-defined]  # a Session here


def no_scope() -> None:
    """Stands in for the scope function; the registry finds the context itself."""


class ContextScopedSession(scoped_session[Session]):
    """A ``scoped_session`` whose scope is the active Cupola context.

    It proxies every ``Session`` method (``db.session.add(...)``, ``.execute(...)``,
    ``.commit()``); ``db.session()`` returns the session itself.

    Args:
        session_factory: Makes the sessions.
        bind: Returns the engine of the current app, for each new session.
    """

    def __init__(self, session_factory: sessionmaker[Session], bind: Callable[[], Engine]) -> None:
        super().__init__(session_factory)
        self._bind = bind
        self.registry: ContextRegistry[Session] = ContextRegistry(self._checkout)
        # NOTE: by app, as the engines are: a kept session holds its engine, not its app.
        self._idle: weakref.WeakKeyDictionary[Any, list[Session]] = weakref.WeakKeyDictionary()
        self._new_options: tuple[Any, ...] | None = None
        self._blank: Session | None = None
        self._empty: _EmptyListeners | None = None

    def __call__(self, **kw: Any) -> Session:
        """The context's session; ``kw`` configures it when it does not exist yet."""
        if kw and not self.registry.has():
            kw.setdefault("bind", self._bind())
        return super().__call__(**kw)

    def bound_engine(self) -> Engine:
        """The engine new sessions are bound to (the current app's)."""
        return self._bind()

    def blank(self) -> Session:
        """A session as the factory makes it, made once and never used.

        What every new session is like: its options, and the listeners of its class.
        """
        if self._blank is None:
            self._blank = self.session_factory()
        return self._blank

    def remove(self) -> None:
        """Close the context's session, if it has one, and forget it."""
        # PERF: one registry lookup instead of scoped_session's three, once per request.
        session = self.registry.pop()
        if session is not None:
            session.close()
            self._keep(session)

    def _checkout(self) -> Session:
        idle = self._idle.get(get_app_context().app)
        if idle:
            try:
                return idle.pop()  # atomic: two threads never get the same session
            except IndexError:
                pass
        return self.session_factory(bind=self._bind())

    def _keep(self, session: Session) -> None:
        """Keep a closed ``session`` for reuse when nothing of its request would leak."""
        if session.__dict__.get("info") or session.bind is not self._bind():
            return
        if self._new_options is None:
            self._new_options = _options(self.blank())
        if _options(session) != self._new_options or self._has_own_listeners(session):
            return
        app = get_app_context().app
        idle = self._idle.get(app)
        if idle is None:
            idle = self._idle.setdefault(app, [])
        if len(idle) < IDLE_SESSIONS:
            idle.append(session)

    def _has_own_listeners(self, session: Session) -> bool:
        """Whether ``event.listen(session, ...)`` added listeners to this session itself."""
        dispatch: Any = session.dispatch
        by_event = dispatch._empty_listeners
        empty = self._empty
        if empty is None or empty.by_event is not by_event:
            empty = self._empty = _EmptyListeners(by_event)
        return empty.differ_in(dispatch)


class _EmptyListeners:
    """The shared empty listeners of a session class's events, and a reader of those slots.

    NOTE: each event's slot of a session's dispatcher holds its class's shared empty
    listener until a listener is added to that session itself.
    """

    __slots__ = ("by_event", "listeners", "read")

    def __init__(self, by_event: dict[str, Any]) -> None:
        self.by_event = by_event
        self.read = operator.attrgetter(*by_event)
        self.listeners = tuple(by_event.values())

    def differ_in(self, dispatch: Any) -> bool:
        """Whether a slot of ``dispatch`` holds something else (one tuple compared)."""
        return bool(self.read(dispatch) != self.listeners)
