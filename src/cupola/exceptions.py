"""Exceptions: HTTP errors a view may raise, and configuration/build errors.

Every :class:`HTTPException` carries a ``code`` and a ``description``; the pipeline turns an
uncaught one into a response with that status. ``abort(code)`` raises the class registered
for the code. Errors that are the developer's, not the client's, derive from
:class:`CupolaError` instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any, ClassVar, NoReturn


class CupolaError(Exception):
    """Base class of errors that are the application's, not the client's."""


class ImproperlyConfigured(CupolaError):
    """The application is configured in a way that cannot work; the message names the fix."""


class BuildError(CupolaError, LookupError):
    """``url_for`` could not build a URL for an endpoint with the given values."""

    def __init__(self, endpoint: str, message: str) -> None:
        super().__init__(f"Could not build url for endpoint {endpoint!r}: {message}")
        self.endpoint = endpoint


class HTTPException(Exception):
    """An error that becomes an HTTP response with status :attr:`code`.

    Args:
        description: Text shown to the client; defaults to the class's description.
        headers: Extra response headers, for example ``Retry-After``.
    """

    code: ClassVar[int] = 500
    description: str = "The server could not complete the request."

    def __init__(
        self,
        description: str | None = None,
        *,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
    ) -> None:
        if description is not None:
            self.description = description
        self.headers: list[tuple[str, str]] = (
            list(headers.items()) if isinstance(headers, Mapping) else list(headers or ())
        )
        super().__init__(self.description)

    @property
    def name(self) -> str:
        """The status phrase, for example ``"Not Found"``."""
        return HTTPStatus(self.code).phrase

    def __str__(self) -> str:
        return f"{self.code} {self.name}: {self.description}"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code}: {self.description!r}>"


_REGISTRY: dict[int, type[HTTPException]] = {}


def _status(code: int, description: str) -> Any:
    """Class decorator: set ``code``/``description`` and register the class for ``abort``."""

    def register(cls: type[HTTPException]) -> type[HTTPException]:
        cls.code = code
        cls.description = description
        _REGISTRY.setdefault(code, cls)
        return cls

    return register


@_status(400, "The request could not be understood by the server.")
class BadRequest(HTTPException):
    """400: the request is malformed."""


class BadRequestKeyError(BadRequest, KeyError):
    """A query argument, form field or file the view indexed is missing: 400, not 500.

    Args:
        key: The missing name.
    """

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"The request has no field named {key!r}.")


class InvalidHeader(BadRequest, ValueError):
    """A header value contains CR, LF or NUL; raised when it is set, answered with 400."""

    description = "A header value contained a forbidden character (CR, LF or NUL)."


@_status(401, "Authentication is required to access this resource.")
class Unauthorized(HTTPException):
    """401: authentication is missing or wrong."""


@_status(403, "You don't have permission to access this resource.")
class Forbidden(HTTPException):
    """403: the client may not do this."""


@_status(404, "The requested URL was not found on the server.")
class NotFound(HTTPException):
    """404: no resource at this URL."""


@_status(405, "The method is not allowed for the requested URL.")
class MethodNotAllowed(HTTPException):
    """405: the URL exists but not for this method; the response lists the allowed ones.

    Args:
        valid_methods: Methods the URL accepts; sent in the ``Allow`` header.
        description: Text shown to the client.
    """

    def __init__(self, valid_methods: Iterable[str] = (), description: str | None = None) -> None:
        self.valid_methods = sorted(valid_methods)
        headers = [("Allow", ", ".join(self.valid_methods))] if self.valid_methods else None
        super().__init__(description, headers=headers)


@_status(406, "The resource cannot produce a representation the client accepts.")
class NotAcceptable(HTTPException):
    """406: content negotiation failed."""


@_status(408, "The server timed out waiting for the request.")
class RequestTimeout(HTTPException):
    """408: the client was too slow."""


@_status(409, "The request conflicts with the current state of the resource.")
class Conflict(HTTPException):
    """409: for example a duplicate key."""


@_status(410, "The requested resource is no longer available.")
class Gone(HTTPException):
    """410: the resource was removed for good."""


@_status(411, "A Content-Length header is required.")
class LengthRequired(HTTPException):
    """411: the body has no declared length."""


@_status(412, "A precondition in the request headers failed.")
class PreconditionFailed(HTTPException):
    """412: ``If-Match`` or ``If-Unmodified-Since`` did not hold."""


@_status(413, "The request body is too large.")
class RequestEntityTooLarge(HTTPException):
    """413: the body (or a form part) exceeds a configured limit."""


@_status(414, "The request URI is too long.")
class URITooLong(HTTPException):
    """414: the request target is too long."""


@_status(415, "The request body's media type is not supported.")
class UnsupportedMediaType(HTTPException):
    """415: for example ``request.json`` on a form body."""


@_status(416, "The requested range cannot be satisfied.")
class RangeNotSatisfiable(HTTPException):
    """416: the ``Range`` lies outside the resource.

    Args:
        length: Size of the complete resource, sent as ``Content-Range: bytes */length``.
        description: Text shown to the client.
    """

    def __init__(self, length: int | None = None, description: str | None = None) -> None:
        headers = [("Content-Range", f"bytes */{length}")] if length is not None else None
        super().__init__(description, headers=headers)


@_status(417, "The server cannot meet the Expect header.")
class ExpectationFailed(HTTPException):
    """417: unsupported ``Expect``."""


@_status(418, "I'm a teapot.")
class ImATeapot(HTTPException):
    """418: RFC 2324."""


@_status(422, "The request was well-formed but could not be processed.")
class UnprocessableEntity(HTTPException):
    """422: semantic errors in the body."""


@_status(426, "This resource must be reached through a different protocol.")
class UpgradeRequired(HTTPException):
    """426: for example a WebSocket route reached over plain HTTP."""


@_status(428, "This request must be conditional.")
class PreconditionRequired(HTTPException):
    """428: a conditional header is required."""


@_status(429, "Too many requests.")
class TooManyRequests(HTTPException):
    """429: the client is rate limited.

    Args:
        description: Text shown to the client.
        retry_after: Seconds until a retry may succeed, sent as ``Retry-After``.
    """

    def __init__(self, description: str | None = None, retry_after: int | None = None) -> None:
        headers = [("Retry-After", str(retry_after))] if retry_after is not None else None
        super().__init__(description, headers=headers)


@_status(431, "The request header fields are too large.")
class RequestHeaderFieldsTooLarge(HTTPException):
    """431: too many or too large headers."""


@_status(451, "The resource is unavailable for legal reasons.")
class UnavailableForLegalReasons(HTTPException):
    """451: withheld for legal reasons."""


@_status(500, "The server encountered an internal error and could not complete the request.")
class InternalServerError(HTTPException):
    """500: an unhandled error; its body reveals nothing unless debug is on."""


@_status(501, "The server does not support this action.")
class NotImplementedHTTP(HTTPException):
    """501: the method is not implemented by the server."""


@_status(502, "The upstream server sent an invalid response.")
class BadGateway(HTTPException):
    """502: an upstream failure."""


@_status(503, "The service is temporarily unavailable.")
class ServiceUnavailable(HTTPException):
    """503: try again later."""


@_status(504, "The upstream server did not answer in time.")
class GatewayTimeout(HTTPException):
    """504: an upstream timeout."""


class RequestRedirect(HTTPException):
    """Routing asks the client to repeat the request at :attr:`new_url` (308, method kept).

    Args:
        new_url: Where to go, for example the URL with the trailing slash added.
    """

    code = 308
    description = "The resource moved; the request should be repeated at the new URL."

    def __init__(self, new_url: str) -> None:
        self.new_url = new_url
        super().__init__(headers=[("Location", new_url)])


def abort(code: int, description: str | None = None) -> NoReturn:
    """Raise the :class:`HTTPException` subclass registered for ``code``.

    Args:
        code: An HTTP status code of 400 or above.
        description: Text shown to the client instead of the default.

    Raises:
        HTTPException: Always; ``LookupError`` for a code with no exception class.
    """
    try:
        cls = _REGISTRY[code]
    except KeyError:
        raise LookupError(f"no HTTPException is registered for status {code}") from None
    raise cls(description=description)
