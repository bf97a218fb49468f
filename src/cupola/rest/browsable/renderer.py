"""The browsable API: REST responses as HTML pages for people with a browser.

The page shows the endpoint's name and description, the request and the response (status,
headers, the data pretty-printed and escaped), links to the other formats and to the next
and previous pages, login and logout links, and forms built from the view's serializer: an
HTML form and a raw-data form for ``POST`` on a list, ``PUT``/``PATCH`` on a detail, and
small ``OPTIONS``/``DELETE`` buttons. Browser forms only POST: a hidden ``_method`` field
carries the real method, and Cupola's CSRF token goes with each form. It all works without
JavaScript.
"""

from __future__ import annotations

from functools import cache
from http import HTTPStatus
from importlib import resources
from typing import Any
from urllib.parse import urlencode

import jinja2
from markupsafe import Markup

from cupola.csrf import csrf_input
from cupola.exceptions import ImproperlyConfigured
from cupola.rest import exceptions
from cupola.rest.browsable.forms import (
    CONTENT_OVERRIDE,
    CONTENT_TYPE_OVERRIDE,
    METHOD_OVERRIDE,
    form_fields,
    raw_content,
    show_form_for_method,
)
from cupola.rest.renderers import BaseRenderer, JSONRenderer


@cache
def _environment() -> jinja2.Environment:
    """The templates shipped with the browsable API (loaded once)."""
    folder = resources.files(__package__).joinpath("templates")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return env


@cache
def stylesheet() -> str:
    """The page's stylesheet (``static/browsable.css``), inlined into every page."""
    text: str = resources.files(__package__).joinpath("static/browsable.css").read_text("utf-8")
    return text


def _with_query(request: Any, **params: str | None) -> str:
    """The request's path with ``params`` set in (``None``: removed from) its query."""
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k not in params]
    pairs += [(k, v) for k, v in params.items() if v is not None]
    query = urlencode(pairs)
    path: str = request.path
    return path + (f"?{query}" if query else "")


class BrowsableAPIRenderer(BaseRenderer):
    """``text/html`` for browsers: the response as a page with forms.

    Attributes:
        template: The page's template in ``cupola/rest/browsable/templates``.
        login_url: Where the "Log in" link points (default: the app's ``LOGIN_URL``, a
            path or an endpoint name); ``?next=`` brings the user back.
        logout_url: Where the "Log out" button posts (default: the app's ``LOGOUT_URL``
            when set, else no button).

    Extension points: :meth:`get_context` (the page's variables) and :meth:`render_page`.
    """

    media_type = "text/html"
    format = "api"
    charset = "utf-8"
    template = "api.html"
    login_url: str | None = None
    logout_url: str | None = None

    def get_default_renderer(self, view: Any) -> BaseRenderer:
        """The view's first renderer that is not for browsers, which renders the data."""
        for renderer_class in view.renderer_classes:
            if not issubclass(renderer_class, BrowsableAPIRenderer) and (
                renderer_class.media_type != "text/html"
            ):
                renderer: BaseRenderer = renderer_class()
                return renderer
        return JSONRenderer()

    def get_content(self, data: Any, renderer_context: dict[str, Any]) -> str:
        """The data as the default renderer writes it, indented."""
        if data is None:
            return ""
        renderer = self.get_default_renderer(renderer_context["view"])
        content = renderer.render(data, renderer.media_type, {**renderer_context, "indent": 4})
        if isinstance(content, bytes):
            content = content.decode("utf-8", "replace")
        return content

    # -- the page -----------------------------------------------------------------------------

    def get_context(
        self, data: Any, accepted_media_type: str | None, renderer_context: dict[str, Any]
    ) -> dict[str, Any]:
        """The page's variables: name, description, request, response, links and forms."""
        view = renderer_context["view"]
        request = renderer_context["request"]
        response = renderer_context["response"]
        status = response.status_code
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = ""
        context: dict[str, Any] = {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "request": request,
            "response": response,
            "status_line": f"HTTP {status} {phrase}".strip(),
            "headers": list(response.headers.items()),
            "content": self.get_content(data, renderer_context),
            "formats": self.get_format_links(view, request),
            "pages": self.get_page_links(data),
            "allowed_methods": list(view.allowed_methods),
            "stylesheet": Markup(stylesheet()),
        }
        context.update(self.get_user_context(request))
        context.update(self.get_forms(view, request, response))
        return context

    def get_format_links(self, view: Any, request: Any) -> list[tuple[str, str]]:
        """``(format, url)`` for each of the view's renderers."""
        links = []
        for renderer_class in view.renderer_classes:
            name = getattr(renderer_class, "format", "")
            if name and not issubclass(renderer_class, BrowsableAPIRenderer):
                links.append((name, _with_query(request, format=name)))
        return links

    def get_page_links(self, data: Any) -> list[tuple[str, str]]:
        """``(label, url)`` of the previous and next pages of a paginated answer."""
        if not isinstance(data, dict):
            return []
        links = []
        for key, label in (("previous", "« Previous"), ("next", "Next »")):
            url = data.get(key)
            if isinstance(url, str) and url:
                links.append((label, url))
        return links

    def get_user_context(self, request: Any) -> dict[str, Any]:
        """``user``, ``login_url`` and ``logout_url`` for the page's header."""
        user = getattr(request, "user", None)
        authenticated = bool(getattr(user, "is_authenticated", False))
        config = request.app.config
        login = self.login_url or config.get("LOGIN_URL")
        logout = self.logout_url or config.get("LOGOUT_URL")
        login_url = self._resolve(request, login)
        if login_url:
            login_url += "?" + urlencode({"next": request.full_path.rstrip("?")})
        name = ""
        if authenticated:
            name = str(getattr(user, "username", None) or getattr(user, "email", None) or user)
        return {
            "user_name": name,
            "authenticated": authenticated,
            "login_url": None if authenticated else login_url,
            "logout_url": self._resolve(request, logout) if authenticated else None,
        }

    def _resolve(self, request: Any, target: str | None) -> str | None:
        if not target:
            return None
        if "/" in target:
            return target
        try:
            return str(request.app.url_for(target))
        except Exception:  # NOTE: an endpoint the app does not have: no link
            return None

    # -- forms ---------------------------------------------------------------------------------

    def get_forms(self, view: Any, request: Any, response: Any) -> dict[str, Any]:
        """The HTML and raw-data forms, and the OPTIONS/DELETE buttons."""
        forms: dict[str, Any] = {
            "csrf_field": self.get_csrf_field(request),
            "method_field": METHOD_OVERRIDE,
            "content_field": CONTENT_OVERRIDE,
            "content_type_field": CONTENT_TYPE_OVERRIDE,
            "html_forms": [],
            "raw_form": None,
            "show_options": "OPTIONS" in view.allowed_methods,
            "show_delete": False,
            "action_url": request.full_path.rstrip("?"),
        }
        if response.status_code >= 500 or getattr(view, "get_serializer", None) is None:
            return forms
        obj = self.get_object(view, response)
        detail = obj is not None
        methods = ["PUT", "PATCH"] if detail else ["POST"]
        shown = [m for m in methods if show_form_for_method(view, m, request, obj)]
        forms["show_delete"] = detail and show_form_for_method(view, "DELETE", request, obj)
        if not shown:
            return forms
        failed = response.status_code == 400 and request.method in shown
        for method in shown:
            forms["html_forms"].append(self.get_html_form(view, request, response, method, obj))
        serializer = self._serializer(view, obj)
        values = self._submitted(request) if failed else (serializer.data if serializer else {})
        if serializer is not None:
            media_types = [parser.media_type for parser in view.parser_classes]
            forms["raw_form"] = {
                "methods": shown,
                "media_types": media_types,
                "content": raw_content(serializer, values),
            }
        return forms

    def get_object(self, view: Any, response: Any) -> Any:
        """The object a detail view shows, or ``None`` (list views, errors)."""
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
        if not lookup or lookup not in (getattr(view, "kwargs", None) or {}):
            return None
        if response.status_code >= 400 and response.status_code != 400:
            return None
        try:
            return view.get_object()
        except exceptions.APIException:
            return None

    def _serializer(self, view: Any, obj: Any) -> Any:
        try:
            return view.get_serializer(obj) if obj is not None else view.get_serializer()
        except Exception:  # NOTE: a serializer that needs more than the view gives
            return None

    def _submitted(self, request: Any) -> Any:
        try:
            return request.data
        except exceptions.APIException:
            return {}

    def get_html_form(
        self, view: Any, request: Any, response: Any, method: str, obj: Any
    ) -> dict[str, Any]:
        """One HTML form: its method, fields (values and errors) and encoding."""
        serializer = self._serializer(view, obj)
        failed = response.status_code == 400 and request.method == method
        errors = response.data if failed and isinstance(response.data, dict) else {}
        if serializer is None:
            return {"method": method, "fields": [], "errors": [], "multipart": False}
        values = self._submitted(request) if failed else serializer.data
        cutoff = view.settings.get("HTML_SELECT_CUTOFF") if hasattr(view, "settings") else 1000
        fields = form_fields(serializer, values, errors, cutoff)
        general = errors.get("non_field_errors") or errors.get("detail") or []
        return {
            "method": method,
            "fields": fields,
            "errors": [str(e) for e in (general if isinstance(general, list) else [general])],
            "multipart": any(f.widget == "file" for f in fields),
        }

    def get_csrf_field(self, request: Any) -> Markup:
        """A hidden input with Cupola's CSRF token (empty without sessions)."""
        try:
            return csrf_input()
        except (RuntimeError, KeyError, AttributeError, ImproperlyConfigured):
            return Markup("")  # no sessions (no SECRET_KEY): no session logins either

    # -- drawing -----------------------------------------------------------------------------

    def render_page(self, context: dict[str, Any]) -> str:
        """Draw the page from :meth:`get_context`'s variables."""
        return _environment().get_template(self.template).render(context)

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> str:
        """Render the page."""
        context = renderer_context or {}
        return self.render_page(self.get_context(data, accepted_media_type, context))


__all__ = ["BrowsableAPIRenderer", "stylesheet"]
