"""What both runners of the lifecycle share: the pipeline's settings and the error choice."""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from functools import partial
from typing import Any

from cupola.errors import ErrorPages, find_handler
from cupola.exceptions import HTTPException, InternalServerError
from cupola.http.request import Request
from cupola.http.response import Response
from cupola.plans import Route, call_view

logger = logging.getLogger("cupola.app")

#: A phase's response, and the exception no handler claimed (for teardown hooks).
Outcome = tuple[Response, BaseException | None]


class LifecycleBase:
    """The settings the runners read, and how an exception is answered.

    Attributes:
        unmatched: The route standing for requests no rule matched (app hooks only).
        propagate: Re-raise unhandled exceptions instead of answering 500 (tests).
        error_pages: The pages for errors no handler claims.
        executor: Worker threads for sync views under ASGI.
    """

    unmatched: Route
    propagate: bool
    error_pages: ErrorPages
    executor: Executor

    def _error_handler(
        self, route: Route, exc: Exception
    ) -> tuple[Callable[[Any], Any] | None, BaseException, BaseException | None]:
        """Pick the handler for ``exc``: ``(handler or None, its argument, unhandled)``.

        An exception no handler claims is "unhandled": it is logged, answered with 500
        (through a 500 handler if any) and passed to ``teardown_request`` hooks.
        """
        chain = route.hooks.error_handlers
        handler = find_handler(chain, exc)
        if handler is not None or isinstance(exc, HTTPException):
            return handler, exc, None
        # NOTE: as in Flask, only exceptions no handler claims propagate (TESTING) or log.
        if self.propagate:
            raise exc
        logger.error("Exception on request", exc_info=exc)
        if self.error_pages.debug_page is not None:  # DEBUG: the debug page wins over 500s
            return None, exc, exc
        server_error = InternalServerError()
        server_error.original_exception = exc  # type: ignore[attr-defined]  # as in Flask
        return find_handler(chain, server_error), server_error, exc

    def _handler_failed(self, error: Exception) -> tuple[Response, BaseException]:
        """An error handler raised: answer 500 (as Flask does), or re-raise when testing."""
        if self.propagate:
            raise error
        logger.error("Exception in an error handler", exc_info=error)
        return self.error_pages.server_error(error), error

    def _default_error_response(self, exc: Exception) -> Response:
        if isinstance(exc, HTTPException):
            return self.error_pages.http_error(exc)
        return self.error_pages.server_error(exc)

    def _call_view_in_thread(self, request: Request, route: Route) -> Awaitable[Any]:
        """Run a sync view in a worker thread, so that it never blocks the loop.

        Used when a route is async only through its hooks or middleware.
        """
        call = partial(contextvars.copy_context().run, call_view, route, request)
        return asyncio.get_running_loop().run_in_executor(self.executor, call)


__all__ = ["LifecycleBase", "Outcome", "logger"]
