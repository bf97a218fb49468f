"""Composing an app's registrations into its pipeline, once.

Walks the app and its (nested) blueprints, joins URL prefixes and endpoint names, composes
each route's hooks and error handlers, decides which routes need an event loop, and fills
the router. Everything here runs when the app is built, never per request.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from types import FunctionType
from typing import TYPE_CHECKING, Any

from jinja2 import TemplateNotFound

from cupola.bootstrap import bootstrap_route
from cupola.concurrency import is_async_callable
from cupola.errors import ErrorPages
from cupola.exceptions import HTTPException, ImproperlyConfigured
from cupola.hooks import compose
from cupola.http.forms import FormLimits
from cupola.middleware import Middleware, MiddlewareStack, instantiate
from cupola.pipeline import Pipeline
from cupola.plans import Plan, Route, StackPlanner
from cupola.routing import Router, Rule
from cupola.scaffold import RouteSpec, Scaffold, is_unbound
from cupola.signals import request_hooks
from cupola.static import CachePolicy, StaticView
from cupola.templating import render

if TYPE_CHECKING:
    from cupola.app import Cupola
    from cupola.blueprints import Blueprint

_Entry = tuple[RouteSpec, str, str, list[Scaffold], "str | None"]


def wants_request(view: Callable[..., Any]) -> bool:
    """Whether the view declares a parameter named ``request``."""
    try:
        return "request" in inspect.signature(view).parameters
    except (TypeError, ValueError):
        return False


def sole_parameter(view: Callable[..., Any]) -> str | None:
    """The name of a plain function's one parameter, when it may be passed by position.

    A function whose only parameter is positional-or-keyword, with no ``*args`` or
    ``**kwargs``, gets the same call either way; anything else gives ``None``.
    """
    if type(view) is not FunctionType:
        return None
    code = view.__code__
    if (
        code.co_argcount != 1
        or code.co_posonlyargcount
        or code.co_kwonlyargcount
        or code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS)
    ):
        return None
    return code.co_varnames[0]


def join_rule(prefix: str | None, rule: str) -> str:
    """Join a blueprint prefix and a rule as Flask does."""
    if not prefix:
        return rule
    if not rule:
        return prefix
    return prefix.rstrip("/") + "/" + rule.lstrip("/")


def _static_spec(scaffold: Scaffold, policy: CachePolicy) -> RouteSpec | None:
    folder = scaffold.static_path
    if folder is None or scaffold.static_url_path is None or not os.path.isdir(folder):
        return None
    rule = scaffold.static_url_path.rstrip("/") + "/<path:filename>"
    return RouteSpec(rule, "static", StaticView(folder, policy), frozenset({"GET"}))


def _walk(app: Cupola, policy: CachePolicy) -> Iterator[_Entry]:
    chain: list[Scaffold] = [app]
    for spec in app.routes:
        yield spec, spec.rule, spec.endpoint, chain, None
    static = _static_spec(app, policy)
    if static is not None:
        yield static, static.rule, "static", chain, None
    bootstrap = bootstrap_route(app.config, policy)
    if bootstrap is not None:
        yield bootstrap, bootstrap.rule, bootstrap.endpoint, chain, None
    names: set[str] = set()
    for blueprint, options in app.blueprints:
        yield from _walk_blueprint(blueprint, options, "", "", chain, names, policy)


def _walk_blueprint(
    blueprint: Blueprint,
    options: dict[str, Any],
    parent_prefix: str,
    parent_name: str,
    parent_chain: list[Scaffold],
    names: set[str],
    policy: CachePolicy,
) -> Iterator[_Entry]:
    name = options.get("name", blueprint.name)
    dotted = f"{parent_name}.{name}" if parent_name else name
    if dotted in names:
        raise ImproperlyConfigured(
            f"A blueprint named {dotted!r} is already registered; pass name= to register "
            "it again under another name."
        )
    names.add(dotted)
    prefix = join_rule(parent_prefix, options.get("url_prefix", blueprint.url_prefix) or "")
    chain = [*parent_chain, blueprint]
    for spec in blueprint.routes:
        yield spec, join_rule(prefix, spec.rule), f"{dotted}.{spec.endpoint}", chain, dotted
    static = _static_spec(blueprint, policy)
    if static is not None:
        yield static, join_rule(prefix, static.rule), f"{dotted}.static", chain, dotted
    for child, child_options in blueprint.blueprints:
        yield from _walk_blueprint(child, child_options, prefix, dotted, chain, names, policy)


def assemble(app: Cupola) -> Pipeline:
    """Build the pipeline of ``app`` from its current registrations."""
    # NOTE: the whole app, not a protocol: it is walked as the root Scaffold (its routes,
    # hooks, error handlers and static folder), which a protocol would have to restate.
    config = app.config
    # Middleware of the previous build that registered itself as an extension (sessions)
    # must not outlive a rebuild that no longer installs it.
    for key in [key for key, value in app.extensions.items() if isinstance(value, Middleware)]:
        del app.extensions[key]
    app.session_loader = None  # the session middleware registers itself again, if installed
    debug = bool(config.get("DEBUG"))
    instances = instantiate(app, [*config.get("MIDDLEWARE", ()), *app.middleware])
    toolbar = None
    if debug:  # NOTE: the debug package is imported only when DEBUG is on
        from cupola.debug.toolbar.middleware import DebugToolbarMiddleware

        toolbar = DebugToolbarMiddleware(app)
        instances = toolbar.instrument(instances)
    stack = MiddlewareStack(instances)
    stack_async = any(is_async_callable(hook) for hook in stack.callables())
    planner = StackPlanner(instances)
    outer = request_hooks(app)

    def make_route(
        endpoint: str | None, view: Callable[..., Any], chain: list[Scaffold], bp: str | None
    ) -> Route:
        hooks = compose(chain, outer)
        needs_loop = stack_async or is_async_callable(view)
        needs_loop = needs_loop or any(is_async_callable(f) for f in hooks.callables())
        view_is_async = is_async_callable(view)
        route = Route(endpoint, view, bp, wants_request(view), hooks, needs_loop, view_is_async)
        if not route.pass_request:
            route.sole_parameter = sole_parameter(view)
        return route

    def plan(route: Route, route_stack: MiddlewareStack, *, unmatched: bool = False) -> None:
        """Compose the route's steps: its own middleware hooks, its hooks, their form."""
        hooks_async = stack_async or any(is_async_callable(f) for f in route.hooks.callables())
        route.plan = Plan(route_stack, route.hooks, sync=not hooks_async, unmatched=unmatched)

    router = Router(app.url_converters)
    policy = CachePolicy.from_config(config)
    chains: dict[str | None, list[Scaffold]] = {None: [app]}
    entries = [(*entry, entry[3][-1].view_for(entry[0])) for entry in _walk(app, policy)]
    # NOTE: a rule with an endpoint name only, and no view for it, only builds URLs: it
    # matches after every other rule (Flask's add_url_rule("/", endpoint="index")).
    entries.sort(key=lambda entry: is_unbound(entry[-1]))
    for spec, rule, endpoint, chain, blueprint, view in entries:
        chains.setdefault(blueprint, chain)
        route = make_route(endpoint, view, chain, blueprint)
        route.rule = Rule(
            rule,
            endpoint=endpoint,
            methods=spec.methods,
            target=route,
            websocket=spec.websocket,
            **spec.options,
        )
        plan(route, planner.stack_for(route))
        router.add(route.rule)
    unmatched = make_route(None, _no_view, [app], None)
    plan(unmatched, planner.stack_for(None), unmatched=True)
    propagate = config.get("PROPAGATE_EXCEPTIONS")
    return Pipeline(
        router,
        stack,
        unmatched,
        debug=debug,
        propagate=bool(config.get("TESTING")) if propagate is None else bool(propagate),
        executor=_executor(app),
        form_limits=FormLimits(
            max_form_memory_size=config.get("MAX_FORM_MEMORY_SIZE"),
            max_form_parts=config.get("MAX_FORM_PARTS"),
            max_form_files=config.get("MAX_FORM_FILES"),
        ),
        chains=chains,
        error_pages=_error_pages(app, debug),
        websocket_tap=toolbar.tap_websocket if toolbar is not None else None,
    )


def _error_pages(app: Cupola, debug: bool) -> ErrorPages:
    """The error pages: the app's ``ERROR_TEMPLATE`` when it has one, the debug page with DEBUG."""
    debug_page = None
    if debug:
        from cupola.debug.errorpage import debug_error_response

        debug_page = debug_error_response
    name = app.config.get("ERROR_TEMPLATE")
    if not name:
        return ErrorPages(None, debug_page)
    env = app.jinja_env
    try:
        env.loader.get_source(env, name)  # type: ignore[union-attr]  # the app's env has one
    except TemplateNotFound:
        return ErrorPages(None, debug_page)

    def render_template(exc: HTTPException) -> str:
        return render(name, code=exc.code, name=exc.name, description=exc.description, error=exc)

    return ErrorPages(render_template, debug_page)


def _no_view() -> None:
    """Stands in for the view of requests that matched no route; never called."""


def _executor(app: Cupola) -> ThreadPoolExecutor:
    executor: ThreadPoolExecutor | None = app.extensions.get("cupola.executor")
    if executor is None:
        executor = ThreadPoolExecutor(
            max_workers=int(app.config.get("ASGI_THREADS") or 40), thread_name_prefix="cupola"
        )
        app.extensions["cupola.executor"] = executor
    return executor
