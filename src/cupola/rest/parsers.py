"""Parsers: turn a request body into ``request.data``, chosen by its ``Content-Type``.

Each parser names the ``media_type`` it reads and implements ``parse(stream, media_type,
parser_context)``. They reuse Cupola's bounded readers: JSON with DESIGN §7's limits (depth,
``NaN``, surrogates), forms with ``MAX_FORM_MEMORY_SIZE``, ``MAX_FORM_PARTS`` and
``MAX_FORM_FILES``; the whole body is already capped by ``MAX_CONTENT_LENGTH``.
"""

from __future__ import annotations

import json
from typing import IO, TYPE_CHECKING, Any, ClassVar

from cupola.exceptions import BadRequest
from cupola.http import json as jsonlib
from cupola.http.forms import FormLimits, UploadFile, parse_multipart, parse_urlencoded
from cupola.http.mediatypes import parse_options_header
from cupola.http.multidict import ImmutableMultiDict
from cupola.rest.exceptions import ParseError
from cupola.rest.request import DataAndFiles

if TYPE_CHECKING:
    from cupola.rest.renderers import BaseRenderer


class BaseParser:
    """Base class of parsers: set ``media_type`` and implement :meth:`parse`.

    Example:
        >>> class PlainTextParser(BaseParser):
        ...     media_type = "text/plain"
        ...     def parse(self, stream, media_type=None, parser_context=None):
        ...         return stream.read().decode()
    """

    media_type: ClassVar[str] = ""

    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: dict[str, Any] | None = None,
    ) -> Any:
        """Parse the body read from ``stream``; return the data or a :class:`DataAndFiles`.

        Each parser implements it.

        Args:
            stream: The body, as a binary file object.
            media_type: The request's ``Content-Type``.
            parser_context: ``view``, ``args``, ``kwargs``, ``request`` and ``encoding``.

        Raises:
            ParseError: When the body is malformed (400).
            NotImplementedError: On this base class.
        """
        raise NotImplementedError(".parse() must be overridden.")


def _strict_constant(value: str) -> Any:
    raise ValueError(f"Out of range float values are not JSON compliant: {value!r}")


def _json_error(document: bytes, fallback: str) -> str:
    """The reason a JSON body was refused, worded as Python's decoder words it.

    Only run for a body already refused, so the second parse costs nothing on success.
    """
    try:
        json.loads(document.decode("utf-8"), parse_constant=_strict_constant)
    except (ValueError, RecursionError) as exc:
        return fallback if isinstance(exc, RecursionError) else str(exc)
    return fallback  # refused by a limit Python's decoder lacks (depth, huge numbers)


class JSONParser(BaseParser):
    """``application/json`` bodies; a malformed one is 400 ``JSON parse error - <reason>``."""

    media_type = "application/json"
    renderer_class: ClassVar[type[BaseRenderer] | None] = None

    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: dict[str, Any] | None = None,
    ) -> Any:
        """Parse a JSON document.

        Raises:
            ParseError: When it is not valid JSON or breaks a limit.
        """
        document = stream.read()
        try:
            return jsonlib.loads(document)
        except BadRequest as exc:
            reason = _json_error(document, exc.description)
            raise ParseError(f"JSON parse error - {reason}") from None


class FormParser(BaseParser):
    """``application/x-www-form-urlencoded`` bodies, as a multi-dict of fields."""

    media_type = "application/x-www-form-urlencoded"

    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: dict[str, Any] | None = None,
    ) -> ImmutableMultiDict[str]:
        """Parse the fields.

        Raises:
            ParseError: When a value is not UTF-8.
            RequestEntityTooLarge: Over ``MAX_FORM_MEMORY_SIZE`` or ``MAX_FORM_PARTS``.
        """
        request = (parser_context or {}).get("request")
        try:
            if request is not None:
                form: ImmutableMultiDict[str] = request._request.form
                return form  # parsed (and bounded) once by the Cupola request
            return parse_urlencoded(stream.read(), FormLimits())
        except BadRequest as exc:
            raise ParseError(f"Form parse error - {exc.description}") from None


class MultiPartParser(BaseParser):
    """``multipart/form-data`` bodies: fields in ``data``, uploads in ``files``."""

    media_type = "multipart/form-data"

    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: dict[str, Any] | None = None,
    ) -> DataAndFiles:
        """Parse the parts.

        Raises:
            ParseError: A missing boundary, a malformed or truncated body.
            RequestEntityTooLarge: Past ``MAX_FORM_PARTS``, ``MAX_FORM_FILES`` or
                ``MAX_FORM_MEMORY_SIZE``.
        """
        request = (parser_context or {}).get("request")
        try:
            if request is not None:
                # NOTE: the Cupola request parses (within its limits) and later closes the
                # uploads; its form is the same body.
                cupola_request = request._request
                return DataAndFiles(cupola_request.form, cupola_request.files)
            boundary = parse_options_header(media_type)[1].get("boundary")
            return DataAndFiles(*parse_multipart(stream, boundary, FormLimits()))
        except BadRequest as exc:
            raise ParseError(f"Multipart form parse error - {exc.description}") from None


class FileUploadParser(BaseParser):
    """A raw body as one uploaded file, ``request.data["file"]``.

    The file name comes from the URL's ``filename`` value, else from the
    ``Content-Disposition`` header's ``filename*`` or ``filename`` parameter.
    """

    media_type = "*/*"
    errors: ClassVar[dict[str, str]] = {
        "no_filename": (
            "Missing filename. Request should include a Content-Disposition header "
            "with a filename parameter."
        ),
    }

    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: dict[str, Any] | None = None,
    ) -> DataAndFiles:
        """Store the body in a spooled temporary file.

        Raises:
            ParseError: When no file name is given.
        """
        filename = self.get_filename(stream, media_type, parser_context)
        if not filename:
            raise ParseError(self.errors["no_filename"])
        # NOTE: the upload reads the body's own stream (no copy); the request releases it.
        upload = UploadFile("file", stream, raw_filename=filename, content_type=media_type)
        return DataAndFiles({}, ImmutableMultiDict([("file", upload)]))

    def get_filename(
        self, stream: IO[bytes], media_type: str | None, parser_context: dict[str, Any] | None
    ) -> str | None:
        """The upload's file name, or ``None``."""
        context = parser_context or {}
        kwargs = context.get("kwargs") or {}
        if "filename" in kwargs:
            return str(kwargs["filename"])
        request = context.get("request")
        disposition = request.headers.get("content-disposition") if request is not None else None
        params = parse_options_header(disposition)[1]
        return params.get("filename*") or params.get("filename")


__all__ = ["BaseParser", "FileUploadParser", "FormParser", "JSONParser", "MultiPartParser"]
