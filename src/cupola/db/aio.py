"""``db.async_session``: an ``AsyncSession`` per request or app context, for async views.

It needs an asyncio driver in ``DATABASE_URL`` (``sqlite+aiosqlite``, ``postgresql+psycopg``,
``postgresql+asyncpg``); ``db.session`` and migrations keep working on the same database
through the matching synchronous driver. Like ``db.session`` it belongs to the active
context; the request's teardown closes it, awaited on the event loop of the async view.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_scoped_session,
    async_sessionmaker,
)

from cupola.db.session import ContextRegistry, no_scope

__all__ = ["AsyncContextScopedSession"]


class AsyncContextScopedSession(async_scoped_session[AsyncSession]):
    """An ``async_scoped_session`` whose scope is the active Cupola context.

    Args:
        session_factory: Makes the sessions.
        bind: Returns the asyncio engine of the current app, for each new session.
    """

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], bind: Callable[[], AsyncEngine]
    ) -> None:
        super().__init__(session_factory, no_scope)
        self._bind = bind
        # NOTE: closing an AsyncSession needs the event loop, so a context released with
        # its session still open only forgets it; teardown or remove() closes it.
        self.registry: ContextRegistry[AsyncSession] = ContextRegistry(
            lambda: session_factory(bind=bind()), close_on_release=False
        )

    def __call__(self, **kw: Any) -> AsyncSession:
        """The context's session; ``kw`` configures it when it does not exist yet."""
        if kw and not self.registry.has():
            kw.setdefault("bind", self._bind())
        return super().__call__(**kw)

    def release(self) -> Coroutine[Any, Any, None] | None:
        """Forget the context's session; return the coroutine that closes it, if any."""
        session = self.registry.pop()
        return None if session is None else session.close()
