"""Jinja2 templates: one environment per app, built once, with app and blueprint loaders.

Templates are looked up in the app's ``templates/`` folder first, then in each blueprint's,
in registration order, and Cupola's own (``cupola/forms.html``) last. Autoescaping is on for
every template (whatever its extension: ``.svg``, ``.jinja``, ``.HTML``…) and for template
strings, except the names ending in a suffix of ``TEMPLATES_UNESCAPED_SUFFIXES``
(``(".txt",)``, compared without case). ``url_for``, ``request``,
``g``, ``session``, ``get_flashed_messages``, ``csrf_token``, ``csrf_input`` and ``config`` are
globals; context processors add more. :class:`TemplateResponse` defers rendering until the
pipeline has run ``process_template_response``.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, Template
from jinja2.runtime import Context, new_context

from cupola.bootstrap import bootstrap_folder
from cupola.context import current_app, g, get_request, has_request_context, request, session
from cupola.csrf import csrf_input, csrf_token
from cupola.exceptions import ImproperlyConfigured
from cupola.http.headers import HeadersInput
from cupola.http.response import Response
from cupola.sessions.flash import get_flashed_messages
from cupola.signals import before_render_template, template_rendered
from cupola.types import Application

if TYPE_CHECKING:
    from collections.abc import Iterator

    from cupola.scaffold import Scaffold


class TemplatingApp(Application, Protocol):
    """The application as templating sees it: its folders, environment and URLs."""

    @property
    def jinja_env(self) -> Environment:
        """The app's Jinja environment."""

    def iter_scaffolds(self) -> Iterator[Scaffold]:
        """The app, then every registered blueprint."""

    def scaffold_chain(self, blueprint: str | None) -> list[Scaffold]:
        """The app and the blueprints a dotted blueprint name goes through."""

    def url_for(self, endpoint: str, **values: Any) -> str:
        """Build the URL of ``endpoint``."""


# Every name a plain dict answers as an attribute: its class's (a dict has no ``__dict__``).
_DICT_ATTRIBUTES = frozenset(dir({}))


class CupolaTemplate(Template):
    """A Jinja template whose context starts from a flat copy of its globals."""

    def new_context(
        self,
        vars: dict[str, Any] | None = None,  # Jinja's parameter name
        shared: bool = False,
        locals: Mapping[str, Any] | None = None,  # Jinja's parameter name
    ) -> Context:
        """Make the render context as Jinja does, from the same globals."""
        # PERF: a template's globals are a ChainMap over the environment's, which Jinja
        # copies into each context key by key in Python; a flat dict copies at C speed.
        # The ChainMap is flattened per render, so later changes to the globals still show.
        globals: Any = self.globals
        if type(globals) is ChainMap:
            flat: dict[str, Any] = {}
            for mapping in reversed(globals.maps):
                flat.update(mapping)
            globals = flat
        return new_context(self.environment, self.name, self.blocks, vars, shared, globals, locals)


class CupolaEnvironment(Environment):
    """The app's Jinja environment: Jinja's, with a fast ``row.name`` on plain dicts."""

    template_class = CupolaTemplate

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Get an attribute of ``obj``, else its item, as Jinja does."""
        # PERF: ``row.name`` on a dict (a query row, decoded JSON) is the common case, and
        # Jinja tries the attribute first, paying for a raised AttributeError each time. A
        # plain dict's only attributes are its class's: any other key reads the same.
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


def create_environment(app: TemplatingApp) -> Environment:
    """Build the Jinja environment of ``app`` from its current registrations."""
    folders = [s.template_path for s in app.iter_scaffolds() if s.template_path is not None]
    auto_reload = app.config.get("TEMPLATES_AUTO_RELOAD")
    env = CupolaEnvironment(
        # Cupola's own templates (cupola/forms.html) come last: an app may override them.
        loader=ChoiceLoader(
            [*(FileSystemLoader(folder) for folder in folders), PackageLoader("cupola")]
        ),
        # PERF: a constant autoescape compiles to direct escaping; a per-name function
        # (select_autoescape) makes every output check at run time (about 8% of a render).
        # Templates that must not be escaped are rendered by a text overlay instead.
        autoescape=True,
        auto_reload=app.debug if auto_reload is None else bool(auto_reload),
    )
    env.globals.update(
        url_for=app.url_for,
        request=request,
        g=g,
        session=session,
        get_flashed_messages=get_flashed_messages,
        csrf_token=csrf_token,
        csrf_input=csrf_input,
        config=app.config,
        cupola_bootstrap=bootstrap_folder(app.config) is not None,
    )
    if app.debug:  # NOTE: the debug toolbar's templates panel records every render
        from cupola.debug.toolbar.panels.templates import RecordedTemplate

        env.template_class = RecordedTemplate
    for scaffold in app.iter_scaffolds():
        env.filters.update(scaffold.template_filters)
        env.globals.update(scaffold.template_globals)
    # Shares loader, filters and globals; only escaping (and the template cache) differ.
    app.extensions[_TEXT_ENV] = env.overlay(autoescape=False)
    app.extensions[_UNESCAPED] = _unescaped_suffixes(app.config["TEMPLATES_UNESCAPED_SUFFIXES"])
    return env


_TEXT_ENV = "cupola.templating.text"
_UNESCAPED = "cupola.templating.unescaped"


def _unescaped_suffixes(setting: Any) -> tuple[str, ...]:
    """``TEMPLATES_UNESCAPED_SUFFIXES`` as lower-case suffixes.

    Raises:
        ImproperlyConfigured: When it is not a list or tuple of strings.
    """
    if isinstance(setting, str) or not all(isinstance(item, str) for item in setting or ()):
        raise ImproperlyConfigured(
            "TEMPLATES_UNESCAPED_SUFFIXES must be a tuple of name suffixes such as "
            f"('.txt',), not {setting!r}."
        )
    return tuple(item.lower() for item in setting or ())


def environment_for(app: TemplatingApp, template_name: str) -> Environment:
    """The environment that renders ``template_name``: escaping unless its suffix is listed.

    NOTE: escaping is the default for every name (an ``.svg`` or ``.jinja`` template is
    served as HTML as often as an ``.html`` one); only the names the app lists opt out.
    """
    env = app.jinja_env
    suffixes: tuple[str, ...] = app.extensions[_UNESCAPED]
    if not suffixes or not template_name.lower().endswith(suffixes):
        return env
    text: Environment = app.extensions[_TEXT_ENV]
    return text


def _template_context(app: TemplatingApp, context: Mapping[str, Any]) -> dict[str, Any]:
    """Context processors' values (app's, then the current blueprint chain's), then ``context``."""
    merged: dict[str, Any] = {}
    blueprint = get_request().blueprint if has_request_context() else None
    for scaffold in app.scaffold_chain(blueprint):
        for processor in scaffold.context_processors:
            merged.update(processor())
    merged.update(context)
    return merged


def render(template_name: str, **context: Any) -> str:
    """Render a template of the current app with ``context``.

    Args:
        template_name: A path relative to a templates folder, e.g. ``"books/list.html"``.
        **context: Variables for the template.

    Returns:
        The rendered text; return it from a view to send it as HTML.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a ContextProxy
    template = environment_for(app, template_name).get_template(template_name)
    return _render_template(app, template, _template_context(app, context))


def render_string(source: str, **context: Any) -> str:
    """Render a template given as a string, autoescaped, with the app's globals."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a ContextProxy
    template = app.jinja_env.from_string(source)
    return _render_template(app, template, _template_context(app, context))


def _render_template(app: TemplatingApp, template: Template, context: dict[str, Any]) -> str:
    """Render, with the ``before_render_template`` and ``template_rendered`` signals."""
    if before_render_template.receivers:
        before_render_template.send(app, template=template, context=context)
    text: str = template.render(context)
    if template_rendered.receivers:
        template_rendered.send(app, template=template, context=context)
    return text


class TemplateResponse(Response):
    """A response rendered late: after middleware's ``process_template_response``.

    ``template_name`` and ``context`` stay mutable until the pipeline renders it.

    Args:
        template_name: The template to render.
        context: Variables for the template.
        status: The status code.
        headers: Extra headers.
    """

    __slots__ = ("context", "is_rendered", "template_name")
    _renders_late = True

    def __init__(
        self,
        template_name: str,
        context: Mapping[str, Any] | None = None,
        status: int = 200,
        headers: HeadersInput | None = None,
    ) -> None:
        super().__init__(b"", status, headers)
        self.template_name = template_name
        self.context = dict(context or {})
        self.is_rendered = False

    def render(self) -> TemplateResponse:
        """Render now (the pipeline calls this); later calls do nothing."""
        if not self.is_rendered:
            self.body = render(self.template_name, **self.context).encode()
            self.is_rendered = True
        return self
