"""Error handlers: registered per app or blueprint, found by status code or exception class.

Lookup walks the matched view's blueprints from the innermost outwards, then the app. Within
one of them, as in Flask, a handler for a subclass of the status's exception (``class
BookNotFound(NotFound)``) wins over the handler for the status code, which wins over other
class handlers; among class handlers the most specific class (earliest in the MRO) wins.
Errors no handler claims get the pages of :class:`ErrorPages`, chosen when the app is built:
the app's ``ERROR_TEMPLATE`` or the built-in page, and the debug page with ``DEBUG`` on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from cupola.exceptions import (
    _REGISTRY,
    HTTPException,
    ImproperlyConfigured,
    InternalServerError,
    RequestRedirect,
)
from cupola.http.response import Response

ErrorHandler = Callable[[Any], Any]
logger = logging.getLogger("cupola.app")


class ErrorHandlerRegistry:
    """The error handlers of one app or blueprint."""

    __slots__ = ("by_class", "by_code")

    def __init__(self) -> None:
        self.by_code: dict[int, ErrorHandler] = {}
        self.by_class: dict[type[BaseException], ErrorHandler] = {}

    def register(self, key: int | type[BaseException], handler: ErrorHandler) -> None:
        """Register ``handler`` for a status code or an exception class.

        Raises:
            ImproperlyConfigured: For a code that is not an error status with an exception
                class, or a key that is not an exception class.
        """
        if isinstance(key, int):
            if key not in _REGISTRY:
                raise ImproperlyConfigured(
                    f"{key} is not an error status code Cupola knows; register a handler "
                    "for an exception class instead."
                )
            self.by_code[key] = handler
        elif isinstance(key, type) and issubclass(key, BaseException):
            if issubclass(key, HTTPException) and key in _REGISTRY.values():
                self.by_code[key.code] = handler
            else:
                self.by_class[key] = handler
        else:
            raise ImproperlyConfigured(
                f"errorhandler() takes a status code or an exception class, not {key!r}."
            )

    def __bool__(self) -> bool:
        return bool(self.by_code or self.by_class)


def find_handler(
    registries: Sequence[ErrorHandlerRegistry], exc: BaseException
) -> ErrorHandler | None:
    """Return the handler for ``exc`` from ``registries`` (innermost first), or ``None``."""
    code = exc.code if isinstance(exc, HTTPException) else None
    mro = type(exc).__mro__
    for registry in registries:
        if code is not None:
            for cls in mro:  # the classes carrying this code, most specific first
                if getattr(cls, "code", None) != code or cls is _REGISTRY.get(code):
                    break
                if cls in registry.by_class:
                    return registry.by_class[cls]
            if code in registry.by_code:
                return registry.by_code[code]
        for cls in mro:
            handler = registry.by_class.get(cls)
            if handler is not None:
                return handler
    return None


class ErrorPages:
    """The pages for errors no handler claims, chosen once when the app is built.

    Args:
        render_template: Renders the app's error template (``ERROR_TEMPLATE``) for an
            exception; ``None`` when the app has none, so the built-in page is used.
        debug_page: With ``DEBUG`` on, the debug error page for unhandled exceptions.
    """

    __slots__ = ("debug_page", "render_template")

    def __init__(
        self,
        render_template: Callable[[HTTPException], str] | None = None,
        debug_page: Callable[[BaseException], Response] | None = None,
    ) -> None:
        self.render_template = render_template
        self.debug_page = debug_page

    def http_error(self, exc: HTTPException) -> Response:
        """The page of an HTTP error: the app's error template, or the built-in page."""
        if self.render_template is not None and not isinstance(exc, RequestRedirect):
            try:
                body = self.render_template(exc)
            except Exception:
                # NOTE: an error page must not fail in turn (its layout may need the
                # database that just failed): the built-in page stands in.
                logger.exception("Error rendering the error template for %s", exc.code)
            else:
                return Response(body, exc.code, exc.headers or None)
        return http_error_response(exc)

    def server_error(self, exc: BaseException) -> Response:
        """The 500 page of an unhandled exception: the debug page with ``DEBUG`` on."""
        if self.debug_page is not None:
            return self.debug_page(exc)
        error = InternalServerError()
        error.original_exception = exc  # type: ignore[attr-defined]  # as in Flask
        return self.http_error(error)


def http_error_response(exc: HTTPException) -> Response:
    """The built-in page for an :class:`HTTPException`: status, phrase and description."""
    if isinstance(exc, RequestRedirect):
        body = b""
    else:
        body = error_page(exc.code, escape(exc.name), f"<p>{escape(exc.description)}</p>").encode()
    return Response(body, exc.code, exc.headers or None)


def error_page(code: int, name: str, content: str, *, style: str = "", wide: bool = False) -> str:
    """The built-in error layout around ``content`` (already escaped HTML).

    Args:
        code: The status code, shown above the title.
        name: The title (escaped HTML).
        content: The page's body (escaped HTML).
        style: More CSS, for pages built on this layout (the debug error page).
        wide: Use the full width of the window rather than a narrow column.
    """
    width = " wide" if wide else ""
    return (
        f"<!doctype html>\n<html lang=en>\n<meta charset=utf-8>\n"
        f'<meta name=viewport content="width=device-width, initial-scale=1">\n'
        f"<title>{code} {name}</title>\n<style>{PAGE_STYLE}{style}</style>\n"
        f'<body>\n<main class="cupola-error{width}">\n<p class=code>{code}</p>\n'
        f"<h1>{name}</h1>\n{content}\n</main>\n</body>\n</html>\n"
    )


#: The built-in error pages' stylesheet, shared by the debug error page.
PAGE_STYLE = """
:root{--ink:#1f2328;--muted:#656d76;--paper:#f6f7f9;--card:#fff;--rule:#d8dee4;
--accent:#b42318;--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
*{box-sizing:border-box}
body{margin:0;background:var(--paper);color:var(--ink);
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
.cupola-error{max-width:40rem;margin:12vh auto 2rem;padding:2rem 2.25rem;background:var(--card);
border:1px solid var(--rule);border-radius:10px;box-shadow:0 1px 3px rgba(31,35,40,.08)}
.cupola-error.wide{max-width:min(96vw,78rem);margin-top:1.5rem}
.cupola-error .code{margin:0;color:var(--accent);font:600 .85rem/1 var(--mono);
letter-spacing:.08em}
.cupola-error h1{margin:.35rem 0 .75rem;font-size:1.6rem;line-height:1.25}
.cupola-error p{margin:.5rem 0;color:var(--muted)}
.cupola-error pre{overflow:auto;padding:1rem;background:var(--paper);border-radius:6px;
font:13px/1.45 var(--mono)}
"""
