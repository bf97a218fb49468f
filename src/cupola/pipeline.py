"""The request lifecycle, in DESIGN §2's order, for both protocols.

:meth:`Pipeline.run_sync` is the whole lifecycle in one place: middleware ``process_request``
(in order), ``process_view``, ``before_request`` hooks, the view, return-value coercion,
``process_template_response`` then rendering, ``after_request`` hooks, ``process_response``
(reverse), with ``process_exception`` and error handlers on failure and ``teardown_request``
hooks last. It does no I/O. A route whose callables are all sync runs through
:meth:`Pipeline.run_sync` (under WSGI directly, under ASGI in one worker-thread hop for the
whole sync part); a route with ``async def`` parts runs through :meth:`Pipeline.run_async`
on an event loop.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from functools import partial
from types import CoroutineType
from typing import TYPE_CHECKING, Any, Protocol, cast
from urllib.parse import quote

from cupola.context import activate, deactivate
from cupola.errors import ErrorPages, find_handler
from cupola.exceptions import (
    HTTPException,
    InternalServerError,
    NotFound,
    RequestRedirect,
    UpgradeRequired,
)
from cupola.hooks import RouteHooks
from cupola.http.forms import FormLimits
from cupola.http.request import Request
from cupola.http.response import Response
from cupola.middleware import MiddlewareStack
from cupola.returns import to_response
from cupola.routing import Router, Rule
from cupola.templating import TemplateResponse
from cupola.types import Application

if TYPE_CHECKING:
    from cupola.scaffold import Scaffold

logger = logging.getLogger("cupola.app")

#: Wraps a WebSocket connection's ASGI ``receive`` and ``send``: ``(request, receive, send)``
#: in, ``(receive, send)`` out.
WebSocketTap = Callable[[Request, Any, Any], tuple[Any, Any]]


@dataclass(slots=True)
class Route:
    """A view with everything that applies to it, composed once when the app is built."""

    endpoint: str | None
    view: Callable[..., Any]
    blueprint: str | None
    pass_request: bool
    hooks: RouteHooks
    needs_loop: bool
    view_is_async: bool = False
    rule: Rule | None = None
    # The view's one parameter, when passing it by position is the same call (see
    # cupola.assembly.sole_parameter); ``None`` otherwise.
    sole_parameter: str | None = None


async def _resolve(value: Any) -> Any:
    # PERF: an exact type check; sync callables never pay for an await.
    if type(value) is CoroutineType:
        return await value
    return value


class Pipeline:
    """The built request handler of one app.

    Args:
        router: The router holding every rule, each with a :class:`Route` as target.
        middleware: The compiled middleware stack.
        unmatched: The route standing for requests no rule matched (app hooks only).
        debug: Whether the app was built with ``DEBUG`` on.
        propagate: Re-raise unhandled exceptions instead of answering 500 (tests).
        executor: Worker threads for sync routes under ASGI.
        form_limits: Limits for parsing form bodies.
        chains: Each blueprint's dotted name mapped to its scaffolds, app first.
        error_pages: The pages for errors no handler claims (the debug page with ``DEBUG``).
        websocket_tap: With the debug toolbar, wraps a WebSocket connection's ``receive``
            and ``send`` to record its frames; ``None`` otherwise.
    """

    def __init__(
        self,
        router: Router,
        middleware: MiddlewareStack,
        unmatched: Route,
        *,
        debug: bool,
        propagate: bool,
        executor: Executor,
        form_limits: FormLimits,
        chains: Mapping[str | None, list[Scaffold]],
        error_pages: ErrorPages | None = None,
        websocket_tap: WebSocketTap | None = None,
    ) -> None:
        self.router = router
        self.middleware = middleware
        self.unmatched = unmatched
        self.debug = debug
        self.propagate = propagate
        self.executor = executor
        self.form_limits = form_limits
        self.chains = chains
        self.error_pages = error_pages or ErrorPages()
        self.websocket_tap = websocket_tap

    # -- entry points for the adapters ----------------------------------------------------

    def run_in_thread(self, request: Request, route: Route) -> Awaitable[Response]:
        """Run a sync route's whole lifecycle in one worker-thread hop (ASGI); await it."""
        loop = asyncio.get_running_loop()
        context = contextvars.copy_context()
        return loop.run_in_executor(self.executor, context.run, self.run_sync, request, route)

    def route(self, request: Request) -> Route:
        """Match the request; on failure return the unmatched route and keep the error.

        The error is raised where the view would run, so middleware and ``before_request``
        hooks see every request, as in Flask.
        """
        if request.rejection is not None:  # the adapter already refused the request
            return self.unmatched
        try:
            rule, request.view_args = self.router.match(request.path, request.method)
        except RequestRedirect as redirect:
            query = request.query_string
            location = request.root_path + quote(redirect.new_url, safe="/:@!$&'()*+,;=-._~")
            if query:
                location += "?" + query.decode("latin-1")
            request.rejection = RequestRedirect(location)
            return self.unmatched
        except NotFound as exc:
            request.rejection = self._upgrade_required(request.path) or exc
            return self.unmatched
        except HTTPException as exc:
            request.rejection = exc
            return self.unmatched
        route: Route = rule.target
        request._route = route
        if rule.automatic_options and request.method == "OPTIONS":
            return self._options_route(request, route)
        return route

    def _upgrade_required(self, path: str) -> UpgradeRequired | None:
        """426 for a plain HTTP request to a WebSocket route, ``None`` when there is none."""
        try:
            self.router.match(path, "GET", websocket=True)
        except HTTPException:
            return None
        # RFC 9110 §15.5.22: a 426 names the protocol to upgrade to.
        return UpgradeRequired(
            "This URL is a WebSocket endpoint: connect to it with a WebSocket client "
            "(ws:// or wss://) on an ASGI server (uvicorn module:app.asgi).",
            headers={"Upgrade": "websocket"},
        )

    def _options_route(self, request: Request, route: Route) -> Route:
        allow = ", ".join(self.router.allowed_methods(request.path))
        return replace(
            route,
            view=lambda **_: Response(headers={"Allow": allow}),
            pass_request=False,
            view_is_async=False,
            sole_parameter=None,
        )

    # -- the lifecycle, sync ----------------------------------------------------------------
    # NOTE: the lifecycle is written twice, once plain and once with awaits, in the same
    # shape. Driving the async one for sync routes would step a coroutine per layer and per
    # hook, each about 0.26 µs more than a plain call here (a plaintext request is about
    # 3.5 µs in all); Django's handler makes the same trade.

    def run_sync(  # noqa: C901  # PERF: the lifecycle inlined in one place
        self, request: Request, route: Route
    ) -> Response:
        """Run the lifecycle of a route whose callables are all sync."""
        token = activate(request)
        stack = self.middleware
        response: Response | None = None
        unhandled: BaseException | None = None
        entered = stack.count  # middleware below this index see process_response
        try:
            try:
                for index, hook in stack.request:
                    entered = index  # should the hook raise, it was not entered
                    result = hook(request)
                    if result is not None:
                        response, entered = _render(to_response(result)), index + 1
                        break
                else:
                    entered = stack.count
            except Exception as exc:
                # Outside the view phase only the app's own handlers apply.
                response, unhandled = self._handle_exception_sync(self.unmatched, exc)
            if response is None:
                try:
                    result = None
                    if route is not self.unmatched:
                        for view_hook in stack.view:
                            result = view_hook(request, route.view, request.view_args)
                            if result is not None:
                                break
                    if result is None:
                        for before in route.hooks.before:
                            result = before()
                            if result is not None:
                                break
                        else:
                            if route is self.unmatched:
                                raise request.rejection  # type: ignore[misc]  # set when unmatched
                            # PERF: call_view() inlined (a call fewer per request).
                            kwargs = request.view_args
                            if route.pass_request:
                                result = route.view(request=request, **kwargs)
                            elif not kwargs:
                                result = route.view()
                            elif len(kwargs) == 1 and route.sole_parameter in kwargs:
                                result = route.view(kwargs[route.sole_parameter])
                            else:
                                result = route.view(**kwargs)
                    # PERF: a view that returns a plain Response needs no coercion call.
                    response = result if type(result) is Response else to_response(result)
                except Exception as exc:
                    response, unhandled = self._exception_phase_sync(request, route, exc)
                try:
                    if response._renders_late:
                        response, failed = self._render_sync(request, route, response)
                        unhandled = unhandled or failed
                    for after in route.hooks.after:
                        response = after(response)
                except Exception as exc:
                    response, unhandled = self._handle_exception_sync(route, exc)
            try:
                for hook in (
                    stack.response_hooks
                    if entered == stack.count
                    else stack.entered_response_hooks(entered)
                ):
                    response = hook(request, response)
            except Exception as exc:
                response, unhandled = self._handle_exception_sync(self.unmatched, exc)
            # NOTE: a TemplateResponse from an error handler outside the view phase is
            # rendered here; it must never go out with an empty body.
            if response._renders_late:
                _render(response)
            return response
        except BaseException as exc:
            unhandled = exc
            raise
        finally:
            for teardown in route.hooks.teardown:
                try:
                    teardown(unhandled)
                except Exception:
                    logger.exception("Error in a teardown_request hook")
            deactivate(token)
            if request._body is not None:  # PERF: nothing to release unless it was read
                request.close()

    def _render_sync(
        self, request: Request, route: Route, response: Response
    ) -> tuple[Response, BaseException | None]:
        """``process_template_response`` hooks, then rendering; its errors are the view's."""
        for hook in self.middleware.template_response:
            response = hook(request, response)
        try:
            return _render(response), None
        except Exception as exc:
            response, unhandled = self._exception_phase_sync(request, route, exc)
            return _render(response), unhandled

    def _exception_phase_sync(
        self, request: Request, route: Route, exc: Exception
    ) -> tuple[Response, BaseException | None]:
        if route is self.unmatched:  # no view was resolved: nothing for process_exception
            return self._handle_exception_sync(route, exc)
        for hook in self.middleware.exception:
            result = hook(request, exc)
            if result is not None:
                return to_response(result), None
        return self._handle_exception_sync(route, exc)

    def _handle_exception_sync(
        self, route: Route, exc: Exception
    ) -> tuple[Response, BaseException | None]:
        handler, argument, unhandled = self._error_handler(route, exc)
        if handler is None:
            return self._default_error_response(exc), unhandled
        try:
            return to_response(handler(argument)), unhandled
        except Exception as error:
            return self._handler_failed(error)

    # -- the lifecycle, async ---------------------------------------------------------------

    async def run_async(  # noqa: C901  # PERF: the lifecycle inlined in one coroutine
        self, request: Request, route: Route
    ) -> Response:
        """Run the lifecycle of a route with ``async def`` parts, on the event loop.

        The same steps as :meth:`run_sync`, with each callable's result awaited when it is a
        coroutine.
        """
        # PERF: one coroutine for the whole lifecycle: each nested coroutine would add a
        # frame, a creation and a StopIteration per request.
        token = activate(request)
        stack = self.middleware
        response: Response | None = None
        unhandled: BaseException | None = None
        entered = stack.count  # middleware below this index see process_response
        try:
            try:
                for index, hook in stack.request:
                    entered = index  # should the hook raise, it was not entered
                    result = hook(request)
                    if type(result) is CoroutineType:  # PERF: no helper coroutine per hook
                        result = await result
                    if result is not None:
                        response, entered = _render(to_response(result)), index + 1
                        break
                else:
                    entered = stack.count
            except Exception as exc:
                # Outside the view phase only the app's own handlers apply.
                response, unhandled = await self._handle_exception_async(self.unmatched, exc)
            if response is None:
                try:
                    result = None
                    if route is not self.unmatched:
                        for view_hook in stack.view:
                            result = view_hook(request, route.view, request.view_args)
                            if type(result) is CoroutineType:
                                result = await result
                            if result is not None:
                                break
                    if result is None:
                        for before in route.hooks.before:
                            result = before()
                            if type(result) is CoroutineType:
                                result = await result
                            if result is not None:
                                break
                        else:
                            if route is self.unmatched:
                                raise request.rejection  # type: ignore[misc]  # set when unmatched
                            result = await (
                                call_view(route, request)
                                if route.view_is_async
                                else self._call_view_in_thread(request, route)
                            )
                    # PERF: a view that returns a plain Response needs no coercion call.
                    response = result if type(result) is Response else to_response(result)
                except Exception as exc:
                    response, unhandled = await self._exception_phase_async(request, route, exc)
                try:
                    if response._renders_late:
                        response, failed = await self._render_async(request, route, response)
                        unhandled = unhandled or failed
                    for after in route.hooks.after:
                        response = await _resolve(after(response))
                except Exception as exc:
                    response, unhandled = await self._handle_exception_async(route, exc)
            try:
                for hook in (
                    stack.response_hooks
                    if entered == stack.count
                    else stack.entered_response_hooks(entered)
                ):
                    response = hook(request, response)
                    if type(response) is CoroutineType:
                        response = await response
            except Exception as exc:
                response, unhandled = await self._handle_exception_async(self.unmatched, exc)
            # NOTE: a TemplateResponse from an error handler outside the view phase is
            # rendered here; it must never go out with an empty body.
            if response._renders_late:
                _render(response)
            return response
        except BaseException as exc:
            unhandled = exc
            raise
        finally:
            for teardown in route.hooks.teardown:
                try:
                    await _resolve(teardown(unhandled))
                except Exception:
                    logger.exception("Error in a teardown_request hook")
            deactivate(token)
            if request._body is not None:  # PERF: nothing to release unless it was read
                request.close()

    def _call_view_in_thread(self, request: Request, route: Route) -> Awaitable[Any]:
        """Run a sync view in a worker thread, so that it never blocks the loop.

        Used when a route is async only through its hooks or middleware.
        """
        call = partial(contextvars.copy_context().run, call_view, route, request)
        return asyncio.get_running_loop().run_in_executor(self.executor, call)

    async def _render_async(
        self, request: Request, route: Route, response: Response
    ) -> tuple[Response, BaseException | None]:
        for hook in self.middleware.template_response:
            response = await _resolve(hook(request, response))
        try:
            return _render(response), None
        except Exception as exc:
            response, unhandled = await self._exception_phase_async(request, route, exc)
            return _render(response), unhandled

    async def _exception_phase_async(
        self, request: Request, route: Route, exc: Exception
    ) -> tuple[Response, BaseException | None]:
        if route is self.unmatched:
            return await self._handle_exception_async(route, exc)
        for hook in self.middleware.exception:
            result = await _resolve(hook(request, exc))
            if result is not None:
                return to_response(result), None
        return await self._handle_exception_async(route, exc)

    async def _handle_exception_async(
        self, route: Route, exc: Exception
    ) -> tuple[Response, BaseException | None]:
        handler, argument, unhandled = self._error_handler(route, exc)
        if handler is None:
            return self._default_error_response(exc), unhandled
        try:
            return to_response(await _resolve(handler(argument))), unhandled
        except Exception as error:
            return self._handler_failed(error)

    # -- errors, shared by both ---------------------------------------------------------------

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


def call_view(route: Route, request: Request) -> Any:
    """Call the route's view with the request's view arguments (and the request, if asked).

    An async view's result is its coroutine.
    """
    # PERF: plain calls for no argument and for a view's sole parameter: a call with
    # ``**`` starts a new interpreter loop.
    kwargs = request.view_args
    if route.pass_request:
        return route.view(request=request, **kwargs)
    if not kwargs:
        return route.view()
    if len(kwargs) == 1 and route.sole_parameter in kwargs:
        return route.view(kwargs[route.sole_parameter])
    return route.view(**kwargs)


def _render(response: Response) -> Response:
    if response._renders_late:
        cast(TemplateResponse, response).render()
    return response


class ServedApp(Application, Protocol):
    """The application as the adapters see it: its pipeline and lifespan functions."""

    built_pipeline: Pipeline | None
    wsgi_started: bool
    startup_funcs: list[Callable[[], Any]]
    shutdown_funcs: list[Callable[[], Any]]

    @property
    def pipeline(self) -> Pipeline:
        """The built pipeline, building it when needed."""

    def build(self) -> Pipeline:
        """Compose every registration into the pipeline."""


__all__ = ["Pipeline", "Route", "ServedApp"]
