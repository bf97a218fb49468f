"""The request lifecycle for routes whose callables are all sync.

Generated from ``cupola/lifecycle_async.py`` by ``scripts/unasync.py``: do not edit; edit
the source and run the script. The steps are described there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cupola.context import activate, deactivate
from cupola.http.response import Response
from cupola.lifecycle_base import LifecycleBase, Outcome, logger
from cupola.plans import call_view, render_late
from cupola.returns import to_response

if TYPE_CHECKING:
    from cupola.http.headers import DefaultHeaders
    from cupola.http.request import Request
    from cupola.plans import Plan, Route


class SyncLifecycle(LifecycleBase):
    """The lifecycle of a route whose callables are all sync."""

    def run_sync(self, request: Request, route: Route) -> Response:
        """Run the whole lifecycle of ``route`` for ``request``.

        A phase of a route whose steps are all sync is a plain call (see
        :class:`~cupola.plans.Plan`), and the async runner awaits a phase that returns a
        coroutine; ``out`` holds what a phase gave. The view phase runs in this frame,
        without a call of its own.
        """
        token = activate(request)
        plan = route.plan
        stack = plan.stack
        response: Response | None = None
        entered, unhandled = stack.count, None
        try:
            # PERF: a request for a host found allowed before skips a host check alone.
            if stack.request and request.host_header not in stack.host_gate:
                out = plan.enter(self, request, plan)
                response, entered, unhandled = out
            if response is None:
                try:
                    out = plan.before_view(self, request, route, plan) if plan.gated else None
                    if out is None:
                        # PERF: a view without arguments is called directly (a call fewer).
                        bare = not (request.view_args or route.pass_request)
                        out = route.view() if bare else call_view(route, request)
                    # PERF: a view that returns a plain Response needs no coercion call.
                    response = out if type(out) is Response else to_response(out)
                except Exception as exc:
                    response, unhandled = self._exception_phase_sync(request, route, exc)
                if plan.hooks.after or response._renders_late:
                    out = plan.finish(self, request, route, response, unhandled)
                    response, unhandled = out
            fixed = stack.fixed_only
            if fixed is not None and entered == stack.count and request.loaded_session is None:
                fixed.add_to(response.headers.pairs)  # PERF: all the phase does: no call
            elif stack.response:
                out = plan.leave(self, request, plan, response, entered, unhandled)
                response, unhandled = out
            # NOTE: a TemplateResponse from an error handler outside the view phase (or from
            # an after_request hook) is rendered here; it must never go out with an empty body.
            if response._renders_late:
                render_late(response)
            return response
        except BaseException as exc:
            unhandled = exc
            raise
        finally:
            if plan.hooks.teardown:
                # NOTE: always this runner's own: a sync hook may return a coroutine to be
                # awaited here (the database's teardown closes an async session so).
                self._teardown_phase_sync(plan, unhandled)
            deactivate(token)
            if request.loaded_body is not None:  # PERF: nothing to release unless it was read
                request.close()

    def _request_phase_sync(
        self, request: Request, plan: Plan
    ) -> tuple[Response | None, int, BaseException | None]:
        """Middleware ``process_request``: ``(response or None, entered, unhandled)``."""
        entered = 0
        try:
            for entered, hook in plan.stack.request:
                result = hook(request)
                if result is not None:
                    return render_late(to_response(result)), entered + 1, None
        except Exception as exc:
            # The failing middleware was not entered; only the app's handlers apply.
            response, unhandled = self._handle_exception_sync(self.unmatched, exc)
            return response, entered, unhandled
        return None, plan.stack.count, None

    def _before_view_sync(self, request: Request, route: Route, plan: Plan) -> Any:
        """``process_view`` then ``before_request`` hooks: the first answer, or ``None``.

        For a request no rule matched, its :attr:`~cupola.http.request.Request.rejection`
        is raised once no hook has answered.
        """
        for view_hook in plan.stack.view:
            result = view_hook(request, route.view, request.view_args)
            if result is not None:
                return result
        for before in plan.hooks.before:
            result = before()
            if result is not None:
                return result
        if route is self.unmatched:  # no hook answered: the request's own error stands
            raise request.rejection  # type: ignore[misc]  # set when unmatched
        return None

    def _finish_phase_sync(
        self, request: Request, route: Route, response: Response, unhandled: BaseException | None
    ) -> Outcome:
        """Rendering a template response, then ``after_request`` hooks."""
        try:
            if response._renders_late:
                response, failed = self._render_sync(request, route, response)
                unhandled = unhandled or failed
            for after in route.plan.hooks.after:
                response = after(response)
        except Exception as exc:
            return self._handle_exception_sync(route, exc)
        return response, unhandled

    def _response_phase_sync(
        self,
        request: Request,
        plan: Plan,
        response: Response,
        entered: int,
        unhandled: BaseException | None,
    ) -> Outcome:
        """Middleware ``process_response`` (reverse), for the middleware entered only.

        When every middleware was entered, the outermost hooks that only add fixed headers
        add them last, and the innermost that only save a session are skipped while none
        was loaded (see :class:`~cupola.middleware.MiddlewareStack`).
        """
        stack = plan.stack
        final: tuple[DefaultHeaders, ...] = ()
        if entered != stack.count:
            hooks = stack.entered_response_hooks(entered)
        else:
            final = stack.final_headers
            live = request.loaded_session is not None
            hooks = stack.response_hooks if live else stack.sessionless_hooks
        try:
            for hook in hooks:
                response = hook(request, response)
        except Exception as exc:
            return self._handle_exception_sync(self.unmatched, exc)
        for defaults in final:
            defaults.add_to(response.headers.pairs)
        return response, unhandled

    def _teardown_phase_sync(self, plan: Plan, unhandled: BaseException | None) -> None:
        """``teardown_request`` hooks; their errors are logged, never raised."""
        for teardown in plan.hooks.teardown:
            try:
                teardown(unhandled)
            except Exception:
                logger.exception("Error in a teardown_request hook")

    def _render_sync(self, request: Request, route: Route, response: Response) -> Outcome:
        """``process_template_response`` hooks, then rendering; its errors are the view's."""
        for hook in route.plan.stack.template_response:
            response = hook(request, response)
        try:
            return render_late(response), None
        except Exception as exc:
            response, unhandled = self._exception_phase_sync(request, route, exc)
            return render_late(response), unhandled

    def _exception_phase_sync(
        self,
        request: Request,
        route: Route,
        exc: Exception,
    ) -> Outcome:
        """Middleware ``process_exception`` (reverse), then the error handlers."""
        if route is self.unmatched:  # no view was resolved: nothing for process_exception
            return self._handle_exception_sync(route, exc)
        for hook in route.plan.stack.exception:
            result = hook(request, exc)
            if result is not None:
                return to_response(result), None
        return self._handle_exception_sync(route, exc)

    def _handle_exception_sync(self, route: Route, exc: Exception) -> Outcome:
        """The route's error handler for ``exc``, or the default error page."""
        handler, argument, unhandled = self._error_handler(route, exc)
        if handler is None:
            return self._default_error_response(exc), unhandled
        try:
            result = handler(argument)
            return to_response(result), unhandled
        except Exception as error:
            return self._handler_failed(error)


__all__ = ["SyncLifecycle"]
