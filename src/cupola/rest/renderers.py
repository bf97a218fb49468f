"""Renderers: turn a response's data into bytes of the negotiated media type.

Each renderer names its ``media_type``, ``format`` (for ``?format=``) and ``charset`` and
implements ``render(data, accepted_media_type, renderer_context)``. :class:`JSONRenderer`
is compact by default and indents for ``Accept: application/json; indent=4``. The HTML
renderers use the app's Jinja templates. :class:`BrowsableAPIRenderer` (from
:mod:`cupola.rest.browsable`) draws pages with forms for browsers.
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from typing import TYPE_CHECKING, Any, ClassVar, cast

import orjson

from cupola.context import get_app_context
from cupola.exceptions import ImproperlyConfigured
from cupola.http.mediatypes import parse_options_header
from cupola.rest.settings import current_settings
from cupola.templating import render as render_template

if TYPE_CHECKING:
    from cupola.app import Cupola

_LINE_SEPARATORS = ("\u2028".encode(), "\u2029".encode())


class BaseRenderer:
    """Base class of renderers: set ``media_type`` and ``format``, implement :meth:`render`.

    Attributes:
        media_type: The media type produced, sent as ``Content-Type``.
        format: The short name ``?format=`` selects, such as ``"json"``.
        charset: Added to ``Content-Type`` (``None`` for none).
    """

    media_type: ClassVar[str] = ""
    format: ClassVar[str] = ""
    charset: ClassVar[str | None] = "utf-8"
    render_style: ClassVar[str] = "text"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes | str:
        """Render ``data``.

        Args:
            data: The response's data.
            accepted_media_type: The media type negotiation chose (with its parameters).
            renderer_context: ``view``, ``args``, ``kwargs``, ``request`` and ``response``.
        """
        raise NotImplementedError("Renderer class requires .render() to be implemented")


def _default(obj: Any) -> Any:
    """JSON for the types the REST encoder knows beyond orjson's own."""
    if isinstance(obj, decimal.Decimal):
        return float(obj)
    if isinstance(obj, datetime.timedelta):
        return str(obj.total_seconds())
    if isinstance(obj, bytes):
        return obj.decode()
    if isinstance(obj, uuid.UUID):
        return str(obj)
    if isinstance(obj, set | frozenset | tuple):
        return list(obj)
    if hasattr(obj, "tolist"):
        return obj.tolist()
    to_json = getattr(obj, "__json__", None)
    if to_json is not None:
        return to_json()
    if hasattr(obj, "keys") and hasattr(obj, "__getitem__"):
        return dict(obj)
    if hasattr(obj, "__iter__"):
        return list(obj)
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


def _encode_datetime(obj: Any) -> Any:
    if isinstance(obj, datetime.datetime):
        text = obj.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(obj, datetime.date | datetime.time):
        return obj.isoformat()
    return _default(obj)


class _Encoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        return _encode_datetime(o)


class JSONRenderer(BaseRenderer):
    """``application/json`` (no charset: JSON is UTF-8 by definition, RFC 8259 §8.1).

    Compact by default (``COMPACT_JSON``), non-ASCII kept as is (``UNICODE_JSON``);
    ``indent=N`` in the accepted media type (0 to 8) pretty-prints. U+2028 and U+2029 are
    always escaped, so the output is also valid JavaScript.
    """

    media_type = "application/json"
    format = "json"
    charset = None
    #: ``None``: from the ``UNICODE_JSON``, ``COMPACT_JSON`` and ``STRICT_JSON`` settings.
    ensure_ascii: bool | None = None
    compact: bool | None = None
    strict: bool | None = None

    def get_indent(
        self, accepted_media_type: str | None, renderer_context: dict[str, Any]
    ) -> int | None:
        """The indent asked for by ``; indent=N`` or by the context, or ``None``."""
        if accepted_media_type and ";" in accepted_media_type:  # parameters to read
            params = parse_options_header(accepted_media_type)[1]
            try:
                return max(min(int(params["indent"]), 8), 0) or None
            except (KeyError, ValueError):
                pass
        indent: int | None = renderer_context.get("indent")
        return indent

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        """Render ``data`` as JSON; ``None`` renders as an empty body."""
        if data is None:
            return b""
        context = renderer_context or {}
        indent = self.get_indent(accepted_media_type, context)
        settings = _settings(context)
        ensure_ascii = self.ensure_ascii
        if ensure_ascii is None:
            ensure_ascii = not settings.get("UNICODE_JSON")
        compact = settings.get("COMPACT_JSON") if self.compact is None else self.compact
        if indent is None and compact and not ensure_ascii:
            # PERF: the common case through orjson, several times faster than json.dumps.
            try:
                out = orjson.dumps(
                    data, default=_default, option=orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS
                )
            except TypeError:
                pass  # an integer beyond 64 bits, or a type only the fallback knows
            else:
                # PERF: find(), not `in`: bytes' `in` raises and clears a TypeError first.
                if out.find(b"\xe2\x80") != -1:
                    out = out.replace(_LINE_SEPARATORS[0], b"\\u2028")
                    out = out.replace(_LINE_SEPARATORS[1], b"\\u2029")
                return out
        strict = settings.get("STRICT_JSON") if self.strict is None else self.strict
        separators = (
            (",", ": ") if indent is not None else ((",", ":") if compact else (", ", ": "))
        )
        text = json.dumps(
            data,
            cls=_Encoder,
            indent=indent,
            ensure_ascii=ensure_ascii,
            allow_nan=not strict,
            separators=separators,
        )
        return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()


def _settings(renderer_context: dict[str, Any]) -> Any:
    request = renderer_context.get("request")
    settings = getattr(request, "_settings", None) if request is not None else None
    if settings is None:
        settings = current_settings()
    return settings


class TemplateHTMLRenderer(BaseRenderer):
    """HTML from one of the app's templates, with the response data as its context.

    The template is the response's ``template_name``, else this class's, else the view's
    ``get_template_names()`` or ``template_name``. Errors use ``<status>.html`` or
    ``api_exception.html`` when the app has one, else a plain "404 Not Found".
    """

    media_type = "text/html"
    format = "html"
    charset = "utf-8"
    template_name: str | None = None
    exception_template_names: ClassVar[list[str]] = ["%(status_code)s.html", "api_exception.html"]

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> str:
        """Render the template with ``data`` as its context."""
        context = renderer_context or {}
        response = context["response"]
        if response.exception:
            names = self.exception_names(response)
        else:
            names = self.get_template_names(response, context.get("view"))
        template_context = self.get_template_context(data, context)
        return self.render_first(names, template_context, context.get("request"), response)

    def render_first(
        self, names: list[str], data: dict[str, Any], request: Any, response: Any
    ) -> str:
        """Render the first of ``names`` that exists (an error falls back to plain text)."""
        env = cast("Cupola", get_app_context().app).jinja_env
        try:
            name = env.select_template(names).name or names[0]
        except Exception:
            if not response.exception:
                raise
            return f"{response.status_code} {response.status_text.title()}"
        return render_template(name, **{"request": request, **data})

    def exception_names(self, response: Any) -> list[str]:
        """The error templates tried for ``response``'s status."""
        return [
            name % {"status_code": response.status_code} for name in self.exception_template_names
        ]

    def get_template_context(self, data: Any, renderer_context: dict[str, Any]) -> dict[str, Any]:
        """The template's variables: the data (a list becomes ``details``)."""
        response = renderer_context["response"]
        if isinstance(data, list):
            return {"details": data, "status_code": response.status_code}
        context = dict(data or {})
        if response.exception:
            context["status_code"] = response.status_code
        return context

    def get_template_names(self, response: Any, view: Any) -> list[str]:
        """The template names to try.

        Raises:
            ImproperlyConfigured: When neither the response nor the view names one.
        """
        if response.template_name:
            return [response.template_name]
        if self.template_name:
            return [self.template_name]
        if hasattr(view, "get_template_names"):
            names: list[str] = view.get_template_names()
            return names
        if getattr(view, "template_name", None):
            return [view.template_name]
        raise ImproperlyConfigured(
            "Returned a template response with no `template_name` attribute set on either "
            "the view or response"
        )


class StaticHTMLRenderer(TemplateHTMLRenderer):
    """HTML given ready-made as the response data: ``Response("<p>Hello</p>")``."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> str:
        """Return ``data`` as is; errors render like :class:`TemplateHTMLRenderer`'s."""
        context = renderer_context or {}
        response = context.get("response")
        if response is not None and response.exception:
            names = self.exception_names(response)
            template_context = self.get_template_context(data, context)
            return self.render_first(names, template_context, context.get("request"), response)
        return str(data)


# NOTE: imported last: the browsable API's renderer builds on the classes above.
from cupola.rest.browsable.renderer import BrowsableAPIRenderer  # noqa: E402

__all__ = [
    "BaseRenderer",
    "BrowsableAPIRenderer",
    "JSONRenderer",
    "StaticHTMLRenderer",
    "TemplateHTMLRenderer",
]
