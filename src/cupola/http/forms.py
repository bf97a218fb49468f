"""Form bodies: urlencoded and ``multipart/form-data`` parsing under limits, and uploads.

:func:`parse_form` picks the parser from the ``Content-Type``. Multipart bodies are read
in chunks and pushed through the ``multipart`` package's parser, chosen over
``python-multipart`` for being faster on typical forms; file parts spool to disk past a
size. A limit breach is a 413 and a malformed body a 400 (DESIGN §7).
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from dataclasses import dataclass
from tempfile import SpooledTemporaryFile
from types import TracebackType
from typing import IO, Any

import multipart  # type: ignore[import-untyped]  # the package ships no type information

from cupola.exceptions import BadRequest, RequestEntityTooLarge
from cupola.http.body import RequestBody
from cupola.http.headers import Headers
from cupola.http.mediatypes import parse_options_header
from cupola.http.multidict import ImmutableMultiDict
from cupola.http.urls import parse_fields

_CHUNK_SIZE = 64 * 1024
# Shared by bodies without a form: immutable, so sharing is safe.
NO_FIELDS: ImmutableMultiDict[str] = ImmutableMultiDict()
NO_FILES: ImmutableMultiDict[UploadFile] = ImmutableMultiDict()
# RFC 2046 §5.1.1: 1 to 70 characters from bchars, not ending with a space.
_BOUNDARY = re.compile(r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]")
# Characters Windows refuses in file names; ':' would also open an NTFS alternate stream.
_WINDOWS_RESERVED = str.maketrans(dict.fromkeys('<>:"|?*', "_"))
_WINDOWS_DEVICES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{port}{digit}" for port in ("COM", "LPT") for digit in "123456789¹²³"]
)
# Unicode categories dropped from file names: controls, format characters (such as the
# right-to-left override that disguises extensions), surrogates, private use,
# unassigned code points, and line and paragraph separators.
_DROPPED_CATEGORIES = frozenset(["Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"])
# Control characters other than HTAB, refused in a part's headers (RFC 9110 §5.5).
_PART_HEADER_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]").search


@dataclass(frozen=True, slots=True)
class FormLimits:
    """Limits applied while parsing a form body; ``None`` disables a limit.

    Attributes:
        max_form_memory_size: Total bytes of non-file field values, and the most bytes
            of a whole urlencoded body (``MAX_FORM_MEMORY_SIZE``).
        max_form_parts: Most urlencoded fields or multipart parts (``MAX_FORM_PARTS``).
        max_form_files: Most file parts (``MAX_FORM_FILES``).
        max_part_header_size: Longest header line of a multipart part, in bytes.
        spool_max_size: Bytes of a file part kept in memory before it moves to disk.
    """

    max_form_memory_size: int | None = 500_000
    max_form_parts: int | None = 1000
    max_form_files: int | None = 100
    max_part_header_size: int = 8192
    spool_max_size: int = 1024 * 1024


def secure_filename(name: str) -> str:
    r"""Reduce a client-supplied file name to a safe base name.

    Directories (``/`` or ``\``), control and format characters, characters Windows
    refuses, and leading or trailing dots and spaces are removed; Windows device names
    such as ``CON`` or ``lpt1.txt`` get a ``_`` prefix. Unicode letters are kept
    (normalised to NFC).

    Args:
        name: The file name as sent by the client.

    Returns:
        A name safe to join to a directory, or ``""`` when nothing usable is left.

    Example:
        >>> secure_filename("../../etc/passwd")
        'passwd'
        >>> secure_filename("C:\\Users\\Zoë\\con.txt")
        '_con.txt'
    """
    name = unicodedata.normalize("NFC", name)
    name = "".join(c for c in name if unicodedata.category(c) not in _DROPPED_CATEGORIES)
    name = name.replace("\\", "/").rpartition("/")[2]
    name = name.translate(_WINDOWS_RESERVED).strip(" .")
    # Windows ignores the extension and trailing spaces: "nul .txt" is the NUL device.
    # NFKC folds look-alikes (full-width letters, superscript digits) to what they stand for.
    stem = unicodedata.normalize("NFKC", name.partition(".")[0]).rstrip(" ").upper()
    if stem in _WINDOWS_DEVICES:
        name = "_" + name
    return name


class UploadFile:
    """A file sent in a multipart form.

    Args:
        name: The form field name.
        stream: A seekable binary file holding the content; it is rewound.
        raw_filename: The file name as the client sent it, if any.
        content_type: The part's ``Content-Type``; ``application/octet-stream`` if
            missing.
        headers: The part's headers.

    Attributes:
        name: The form field name.
        filename: :func:`secure_filename` of the client's file name (``""`` if none).
        raw_filename: The client's file name, unsanitised; never use it as a path.
        content_type: The part's ``Content-Type`` header value.
        headers: The part's headers.
        stream: The content: a spooled temporary file when parsed from a request.
        size: The content length in bytes.
    """

    __slots__ = ("content_type", "filename", "headers", "name", "raw_filename", "size", "stream")

    def __init__(
        self,
        name: str,
        stream: IO[bytes],
        *,
        raw_filename: str | None = None,
        content_type: str | None = None,
        headers: Headers | None = None,
    ) -> None:
        self.name = name
        self.stream = stream
        self.raw_filename = raw_filename
        self.filename = secure_filename(raw_filename) if raw_filename else ""
        self.content_type = content_type or "application/octet-stream"
        self.headers = headers if headers is not None else Headers()
        self.size = stream.seek(0, os.SEEK_END)
        stream.seek(0)

    def read(self, size: int = -1) -> bytes:
        """Read up to ``size`` bytes (all that is left by default)."""
        return self.stream.read(size)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """Move the read position, as :meth:`io.IOBase.seek`; return the new position."""
        return self.stream.seek(offset, whence)

    def save(self, dst: str | os.PathLike[str] | IO[bytes], buffer_size: int = 64 * 1024) -> None:
        """Write the whole content to a path or a binary file object.

        The copy starts at the beginning of the content, whatever was read before.

        Args:
            dst: A file path (created or truncated) or a writable binary file.
            buffer_size: Bytes copied at a time.
        """
        self.stream.seek(0)
        if isinstance(dst, str | os.PathLike):
            with open(dst, "wb") as target:
                shutil.copyfileobj(self.stream, target, buffer_size)
        else:
            shutil.copyfileobj(self.stream, dst, buffer_size)

    def close(self) -> None:
        """Close the stream, deleting its temporary file if there is one."""
        self.stream.close()

    def __enter__(self) -> UploadFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"<UploadFile {self.name!r}: {self.filename!r}"
            f" ({self.content_type}, {self.size} bytes)>"
        )


def form_too_large() -> RequestEntityTooLarge:
    """The 413 for form data over ``MAX_FORM_MEMORY_SIZE``."""
    return RequestEntityTooLarge("The form data is too large (limit: MAX_FORM_MEMORY_SIZE).")


def parse_urlencoded(data: bytes, limits: FormLimits) -> ImmutableMultiDict[str]:
    """Parse an ``application/x-www-form-urlencoded`` body.

    Args:
        data: The whole body.
        limits: The limits to enforce.

    Returns:
        The form fields.

    Raises:
        RequestEntityTooLarge: The body exceeds ``max_form_memory_size`` or has more
            than ``max_form_parts`` fields.
        BadRequest: A value is not valid UTF-8.
    """
    if limits.max_form_memory_size is not None and len(data) > limits.max_form_memory_size:
        raise form_too_large()
    try:
        return ImmutableMultiDict.from_lists(parse_fields(data, limits.max_form_parts))
    except UnicodeError:
        raise BadRequest("The form data is not valid UTF-8.") from None


class _MultipartForm:
    """Collects parser events into fields and files, enforcing limits as data arrives."""

    def __init__(self, limits: FormLimits) -> None:
        self.limits = limits
        self.fields: list[tuple[str, str]] = []
        self.files: list[tuple[str, UploadFile]] = []
        self._parts = 0
        self._memory = 0
        self._segment: Any = None
        self._value = bytearray()
        self._spool: SpooledTemporaryFile[bytes] | None = None

    def start(self, segment: Any) -> None:
        limits = self.limits
        self._parts += 1
        if limits.max_form_parts is not None and self._parts > limits.max_form_parts:
            raise RequestEntityTooLarge("The form has too many parts (limit: MAX_FORM_PARTS).")
        # The parser reports a missing name as "", like an empty one; tell them apart.
        if (
            not segment.name
            and "name" not in parse_options_header(segment["Content-Disposition"])[1]
        ):
            raise BadRequest("A multipart part has no name in its Content-Disposition header.")
        self._segment = segment
        if segment.filename is not None:
            if limits.max_form_files is not None and len(self.files) >= limits.max_form_files:
                raise RequestEntityTooLarge("The form has too many files (limit: MAX_FORM_FILES).")
            # The spool outlives this call: it becomes the UploadFile's stream.
            self._spool = SpooledTemporaryFile(max_size=limits.spool_max_size)  # noqa: SIM115

    def data(self, chunk: bytes) -> None:
        if self._spool is not None:
            self._spool.write(chunk)
            return
        self._memory += len(chunk)
        limit = self.limits.max_form_memory_size
        if limit is not None and self._memory > limit:
            raise RequestEntityTooLarge(
                "The form fields are too large (limit: MAX_FORM_MEMORY_SIZE)."
            )
        self._value += chunk

    def end(self) -> None:
        segment = self._segment
        if self._spool is None:
            try:
                value = self._value.decode()
            except UnicodeDecodeError:
                raise BadRequest("A multipart field value is not valid UTF-8.") from None
            self.fields.append((segment.name, value))
            self._value.clear()
            return
        upload = UploadFile(
            segment.name,
            self._spool,
            raw_filename=segment.filename,
            content_type=segment.header("Content-Type"),
            headers=_part_headers(segment.headerlist),
        )
        self._spool = None
        self.files.append((segment.name, upload))

    def discard(self) -> None:
        """Close every file collected so far, after an error."""
        for _, upload in self.files:
            upload.close()
        if self._spool is not None:
            self._spool.close()


def _part_headers(pairs: list[tuple[str, str]]) -> Headers:
    """A part's headers, as request data: UTF-8 file names pass, control characters do not.

    NOTE: not the response-header check, which refuses what latin-1 cannot carry: browsers
    send file names as raw UTF-8 in ``filename=`` (HTML's multipart encoding), so
    ``文件.txt`` must pass. A ``filename*=`` parameter (which RFC 7578 §4.2 forbids in form
    data) is left in the header and never read.
    """
    for name, value in pairs:
        if _PART_HEADER_CONTROL(name) is not None or _PART_HEADER_CONTROL(value) is not None:
            raise BadRequest(f"The multipart header {name!r} has a forbidden character.")
    return Headers.from_trusted(list(pairs))


def _check_boundary(boundary: str | None) -> str:
    if not boundary:
        raise BadRequest("The multipart/form-data request has no boundary.")
    if len(boundary) > 70:
        raise BadRequest("The multipart boundary is longer than 70 characters.")
    if not _BOUNDARY.fullmatch(boundary):
        raise BadRequest("The multipart boundary contains invalid characters.")
    return boundary


def _feed(stream: IO[bytes], parser: Any, form: _MultipartForm) -> None:
    try:
        while chunk := stream.read(_CHUNK_SIZE):
            for event in parser.parse(chunk):
                if event is None:
                    form.end()
                elif isinstance(event, multipart.MultipartSegment):
                    form.start(event)
                else:
                    form.data(event)
    except multipart.ParserLimitReached:
        # Header size and count are the only parser limits set.
        raise BadRequest("A multipart part has headers over the size limit.") from None
    except multipart.MultipartError as exc:
        raise BadRequest(f"Invalid multipart body: {exc.args[0]}.") from None
    try:
        parser.close()
    except multipart.MultipartError:
        raise BadRequest(
            "The multipart body is truncated: its final boundary is missing."
        ) from None


def parse_multipart(
    stream: IO[bytes], boundary: str | None, limits: FormLimits
) -> tuple[ImmutableMultiDict[str], ImmutableMultiDict[UploadFile]]:
    """Parse a ``multipart/form-data`` body, reading it in 64 KiB chunks.

    A part with a ``filename`` parameter, even an empty one, is a file; other parts
    are fields, decoded as UTF-8 whatever ``charset`` they declare (browsers send the
    page's encoding, which should be UTF-8). File parts larger than
    ``limits.spool_max_size`` are written to a temporary file.

    Args:
        stream: The body; the caller bounds its length.
        boundary: The ``boundary`` parameter of the ``Content-Type`` header.
        limits: The limits to enforce.

    Returns:
        The fields and the files, each keyed by field name.

    Raises:
        BadRequest: A missing or invalid boundary, a part header over
            ``max_part_header_size``, a malformed part or a truncated body, or a field
            value that is not UTF-8.
        RequestEntityTooLarge: More than ``max_form_parts`` parts or
            ``max_form_files`` files, or field values over ``max_form_memory_size``.
    """
    parser = multipart.PushMultipartParser(
        _check_boundary(boundary), max_header_size=limits.max_part_header_size
    )
    form = _MultipartForm(limits)
    try:
        _feed(stream, parser, form)
    except BaseException:
        form.discard()
        raise
    return ImmutableMultiDict(form.fields), ImmutableMultiDict(form.files)


def _read_at_most(stream: IO[bytes], limit: int | None) -> bytes:
    """Read the stream to its end, or stop once it holds more than ``limit`` bytes."""
    data = bytearray()
    while limit is None or len(data) <= limit:
        size = _CHUNK_SIZE if limit is None else min(_CHUNK_SIZE, limit + 1 - len(data))
        chunk = stream.read(size)
        if not chunk:
            break
        data += chunk
    return bytes(data)


_URLENCODED = "application/x-www-form-urlencoded"


def parse_form(
    content_type: str | None, body: RequestBody | IO[bytes], limits: FormLimits
) -> tuple[ImmutableMultiDict[str], ImmutableMultiDict[UploadFile]]:
    """Parse a form body according to its ``Content-Type``.

    Args:
        content_type: The request's ``Content-Type`` header, or ``None``.
        body: The body, read whole (a request's) or as a stream; the caller bounds its
            length (``MAX_CONTENT_LENGTH``).
        limits: The limits to enforce.

    Returns:
        The fields and the files; both empty for a body that is not a form.

    Raises:
        BadRequest: The body is malformed (see :func:`parse_multipart`).
        RequestEntityTooLarge: The body exceeds one of ``limits``.
    """
    # PERF: the header browsers send for a plain form needs no parsing.
    if content_type != _URLENCODED:
        media_type, params = parse_options_header(content_type)
        if media_type == "multipart/form-data":
            stream = body.stream() if isinstance(body, RequestBody) else body
            return parse_multipart(stream, params.get("boundary"), limits)
        if media_type != _URLENCODED:
            return NO_FIELDS, NO_FILES
    limit = limits.max_form_memory_size
    # PERF: a request's in-memory body is parsed from its own bytes, with no copy.
    data = body.read_at_most(limit) if isinstance(body, RequestBody) else _read_at_most(body, limit)
    return parse_urlencoded(data, limits), NO_FILES
