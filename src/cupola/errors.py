"""Error handlers: registered per app or blueprint, found by status code or exception class.

Lookup walks the matched view's blueprints from the innermost outwards, then the app. Within
one of them, as in Flask, a handler for a subclass of the status's exception (``class
BookNotFound(NotFound)``) wins over the handler for the status code, which wins over other
class handlers; among class handlers the most specific class (earliest in the MRO) wins.
"""

from __future__ import annotations

import traceback
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


def http_error_response(exc: HTTPException) -> Response:
    """The default page for an :class:`HTTPException`: status, phrase and description."""
    if isinstance(exc, RequestRedirect):
        body = b""
    else:
        body = _PAGE.format(
            code=exc.code, name=escape(exc.name), description=escape(exc.description)
        ).encode()
    return Response(body, exc.code, exc.headers or None)


def server_error_response(exc: BaseException, *, debug: bool) -> Response:
    """The default 500 page; with ``debug`` it shows the traceback, otherwise nothing."""
    error = InternalServerError()
    description = escape(error.description)
    if debug:
        trace = "".join(traceback.format_exception(exc))
        description += f"</p><pre>{escape(trace)}</pre><p>"
    body = _PAGE.format(code=500, name=escape(error.name), description=description)
    return Response(body, 500)


_PAGE = (
    "<!doctype html>\n<html lang=en>\n<title>{code} {name}</title>\n"
    "<h1>{name}</h1>\n<p>{description}</p>\n"
)
