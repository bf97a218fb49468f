"""REST errors: the ``APIException`` family and the error details they carry.

A view raises ``NotFound()``, ``PermissionDenied("…")`` or ``ValidationError({"title": […]})``;
the REST view turns it into ``{"detail": "…"}`` (or the field-error dict) with its status.
Each class is also a :class:`cupola.exceptions.HTTPException` (and the core class of its
status, such as :class:`cupola.exceptions.NotFound`), so one raised outside a REST view still
answers with the right status, and ``app.errorhandler(404)`` sees it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar

from cupola import exceptions as core
from cupola.exceptions import HTTPException
from cupola.rest import status

Detail = Any
"""An :class:`ErrorDetail`, or a list or dict of details, nested to any depth."""


class ErrorDetail(str):
    """A message string that also carries a machine-readable ``code``.

    Equal to a plain string with the same text; equal to another detail only when the codes
    match too.

    Args:
        string: The message.
        code: The error code, such as ``"required"`` or ``"not_found"``.

    Example:
        >>> ErrorDetail("Not found.", code="not_found") == "Not found."
        True
    """

    code: str | None

    def __new__(cls, string: str, code: str | None = None) -> ErrorDetail:  # noqa: D102
        self = super().__new__(cls, string)
        self.code = code
        return self

    def __eq__(self, other: object) -> bool:
        equal = super().__eq__(other)
        if equal is NotImplemented:
            return NotImplemented
        if not equal:
            return False
        return self.code == other.code if isinstance(other, ErrorDetail) else True

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(str(self))

    def __repr__(self) -> str:
        return f"ErrorDetail(string={str(self)!r}, code={self.code!r})"


def as_details(data: Any, default_code: str | None = None) -> Detail:
    """Turn strings (and any other leaf) in nested lists and dicts into :class:`ErrorDetail`.

    A leaf that is already an :class:`ErrorDetail` keeps its code; tuples become lists.
    """
    if isinstance(data, list | tuple):
        return [as_details(item, default_code) for item in data]
    if isinstance(data, dict):
        return {key: as_details(value, default_code) for key, value in data.items()}
    return ErrorDetail(str(data), getattr(data, "code", default_code))


def get_codes(detail: Detail) -> Any:
    """The codes of ``detail``, in the same shape (``{"title": ["required"]}``)."""
    if isinstance(detail, list):
        return [get_codes(item) for item in detail]
    if isinstance(detail, dict):
        return {key: get_codes(value) for key, value in detail.items()}
    return detail.code


def get_full_details(detail: Detail) -> Any:
    """``detail`` with each message as ``{"message": …, "code": …}``, in the same shape."""
    if isinstance(detail, list):
        return [get_full_details(item) for item in detail]
    if isinstance(detail, dict):
        return {key: get_full_details(value) for key, value in detail.items()}
    return {"message": detail, "code": detail.code}


class APIException(HTTPException):
    """Base class of REST errors: a status, a detail and a code.

    Subclass it with ``status_code``, ``default_detail`` and ``default_code`` for an error
    of your own.

    Args:
        detail: The message, or a list or dict of messages; defaults to ``default_detail``.
        code: The code of each message; defaults to ``default_code``.

    Attributes:
        detail: The messages as :class:`ErrorDetail` (nested like the input).

    Example:
        >>> class ServiceUnavailable(APIException):
        ...     status_code = 503
        ...     default_detail = "Service temporarily unavailable, try again later."
        ...     default_code = "service_unavailable"
        >>> ServiceUnavailable().code
        503
    """

    status_code: ClassVar[int] = status.HTTP_500_INTERNAL_SERVER_ERROR
    code: ClassVar[int] = status.HTTP_500_INTERNAL_SERVER_ERROR
    default_detail: ClassVar[str] = "A server error occurred."
    default_code: ClassVar[str] = "error"
    #: ``WWW-Authenticate`` value a REST view adds to a 401 (set by the view).
    auth_header: str | None = None
    #: Seconds to wait, sent as ``Retry-After`` (set by :class:`Throttled`).
    wait: int | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # The core exception's ``code`` is the status: keep it in step with ``status_code``.
        cls.code = cls.status_code

    def __init__(self, detail: Any = None, code: str | None = None) -> None:
        self.detail = as_details(
            self.default_detail if detail is None else detail,
            self.default_code if code is None else code,
        )
        headers = [("Retry-After", str(self.wait))] if self.wait else None
        # NOTE: the core initialiser is named, not super(): a core class of the same status
        # (MethodNotAllowed, TooManyRequests) may sit next in the MRO with its own signature.
        HTTPException.__init__(self, self._description(), headers=headers)

    def _description(self) -> str:
        """Text for the plain error page shown when no REST view handles the error."""
        detail = self.detail
        if isinstance(detail, list) and len(detail) == 1 and isinstance(detail[0], str):
            detail = detail[0]
        return str(detail) if isinstance(detail, str) else str(self.default_detail)

    def __str__(self) -> str:
        return str(self.detail)

    def get_codes(self) -> Any:
        """The code of each message, nested like :attr:`detail`."""
        return get_codes(self.detail)

    def get_full_details(self) -> Any:
        """Each message with its code, nested like :attr:`detail`."""
        return get_full_details(self.detail)


class ValidationError(APIException, core.BadRequest):
    """400: input failed validation; the detail is always a list or a dict.

    Example:
        >>> ValidationError("Too short.").detail
        [ErrorDetail(string='Too short.', code='invalid')]
    """

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Invalid input."
    default_code = "invalid"

    def __init__(self, detail: Any = None, code: str | None = None) -> None:
        if detail is None:
            detail = self.default_detail
        if isinstance(detail, tuple):
            detail = list(detail)
        elif not isinstance(detail, Mapping | list):
            detail = [detail]
        elif isinstance(detail, Mapping) and not isinstance(detail, dict):
            detail = dict(detail)
        super().__init__(detail, code)


class ParseError(APIException, core.BadRequest):
    """400: the request body could not be parsed."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Malformed request."
    default_code = "parse_error"


class AuthenticationFailed(APIException, core.Unauthorized):
    """401 (or 403 without an authentication header): the credentials are wrong."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "Incorrect authentication credentials."
    default_code = "authentication_failed"


class NotAuthenticated(APIException, core.Unauthorized):
    """401 (or 403 without an authentication header): no credentials were given."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "Authentication credentials were not provided."
    default_code = "not_authenticated"


class PermissionDenied(APIException, core.Forbidden):
    """403: the user may not do this."""

    status_code = status.HTTP_403_FORBIDDEN
    default_detail = "You do not have permission to perform this action."
    default_code = "permission_denied"


class NotFound(APIException, core.NotFound):
    """404: no such resource."""

    status_code = status.HTTP_404_NOT_FOUND
    default_detail = "Not found."
    default_code = "not_found"


class MethodNotAllowed(APIException, core.MethodNotAllowed):
    """405: the view has no handler for the method.

    Args:
        method: The request's method, named in the message.
        detail: A message instead of ``Method "PUT" not allowed.``.
        code: The code instead of ``"method_not_allowed"``.
    """

    status_code = status.HTTP_405_METHOD_NOT_ALLOWED
    default_detail = 'Method "{method}" not allowed.'
    default_code = "method_not_allowed"

    def __init__(self, method: str, detail: Any = None, code: str | None = None) -> None:
        self.valid_methods: list[str] = []  # the REST view sends Allow itself
        super().__init__(
            self.default_detail.format(method=method) if detail is None else detail, code
        )


class NotAcceptable(APIException, core.NotAcceptable):
    """406: no renderer produces a media type the client accepts.

    Args:
        detail: A message instead of the default.
        code: A code instead of ``"not_acceptable"``.
        available_renderers: The renderers the view offers.
    """

    status_code = status.HTTP_406_NOT_ACCEPTABLE
    default_detail = "Could not satisfy the request Accept header."
    default_code = "not_acceptable"

    def __init__(
        self, detail: Any = None, code: str | None = None, available_renderers: Any = None
    ) -> None:
        self.available_renderers = available_renderers
        super().__init__(detail, code)


class UnsupportedMediaType(APIException, core.UnsupportedMediaType):
    """415: no parser reads the request's ``Content-Type``.

    Args:
        media_type: The request's media type, named in the message.
        detail: A message instead of the default.
        code: A code instead of ``"unsupported_media_type"``.
    """

    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    default_detail = 'Unsupported media type "{media_type}" in request.'
    default_code = "unsupported_media_type"

    def __init__(self, media_type: str, detail: Any = None, code: str | None = None) -> None:
        if detail is None:
            detail = self.default_detail.format(media_type=media_type)
        super().__init__(detail, code)


class Throttled(APIException, core.TooManyRequests):
    """429: too many requests; the message and ``Retry-After`` say how long to wait.

    Args:
        wait: Seconds until a request may succeed (rounded up), or ``None`` if unknown.
        detail: A message instead of "Request was throttled.".
        code: A code instead of ``"throttled"``.

    Example:
        >>> str(Throttled(wait=1.2))
        'Request was throttled. Expected available in 2 seconds.'
    """

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = "Request was throttled."
    default_code = "throttled"
    extra_detail_singular = "Expected available in {wait} second."
    extra_detail_plural = "Expected available in {wait} seconds."

    def __init__(
        self, wait: float | None = None, detail: Any = None, code: str | None = None
    ) -> None:
        message = self.default_detail if detail is None else str(detail)
        if wait is not None:
            self.wait = math.ceil(wait)
            extra = self.extra_detail_singular if self.wait == 1 else self.extra_detail_plural
            message = f"{message} {extra.format(wait=self.wait)}"
        super().__init__(message, code)


__all__ = [
    "APIException",
    "AuthenticationFailed",
    "ErrorDetail",
    "MethodNotAllowed",
    "NotAcceptable",
    "NotAuthenticated",
    "NotFound",
    "ParseError",
    "PermissionDenied",
    "Throttled",
    "UnsupportedMediaType",
    "ValidationError",
]
