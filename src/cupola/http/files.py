"""Serving files from disk: :class:`FileResponse`.

A file response stats its file once, sets the validators (``ETag``, ``Last-Modified``) and
answers conditional and range requests itself (304, 412, 206, 416) using
:mod:`cupola.http.ranges`. It is a :class:`~cupola.http.response.StreamingResponse` over a
sync generator, so the adapters send it like any stream: the file is opened only when the
first chunk is pulled and is closed at the end or by :meth:`FileResponse.close`.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import stat
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import quote

from cupola.context import get_request, has_request_context
from cupola.exceptions import NotFound, PreconditionFailed
from cupola.http.headers import Headers, HeadersInput
from cupola.http.ranges import (
    evaluate_preconditions,
    http_date,
    if_range_matches,
    parse_range_header,
)
from cupola.http.response import StreamingResponse

# Characters that could break out of the quoted-string or confuse a client's file dialog.
_UNSAFE_NAME_RE = re.compile(r'[\x00-\x1f\x7f-\x9f"\\]')
# RFC 8187 §3.2.1 attr-char, minus ALPHA / DIGIT which quote() always keeps.
_ATTR_CHAR_SAFE = "!#$&+-.^_`|~"
# Compressed files: mimetypes reports the compression as an "encoding" (foo.tar.gz is
# ("application/x-tar", "gzip")), but we send the bytes as they are, so the type must be
# the compressed format's or a browser would try to read gzip data as a tar archive.
_ENCODING_TYPES = {
    "gzip": "application/gzip",
    "bzip2": "application/x-bzip2",
    "xz": "application/x-xz",
    "br": "application/x-brotli",
}
_TEXT_APPLICATION_TYPES = frozenset({"application/javascript", "application/xml"})
# RFC 9110 §15.4.5: a 304 carries no content and no representation metadata, except the
# validators and caching fields a cache needs to refresh what it stored.
_DROPPED_BY_304 = ("Content-Type", "Content-Length", "Content-Disposition")


class RequestHead(Protocol):
    """What a file response reads from the request: its method and headers."""

    @property
    def method(self) -> str:
        """The request method, upper case."""

    @property
    def headers(self) -> Headers:
        """The request headers."""


def guess_content_type(filename: str) -> str:
    """Guess a ``Content-Type`` from a file name.

    Args:
        filename: A file name or path; only its extension matters.

    Returns:
        The media type, with ``; charset=utf-8`` for text types, or
        ``application/octet-stream`` when the extension is unknown.

    Example:
        >>> guess_content_type("notes.txt")
        'text/plain; charset=utf-8'
    """
    media_type, encoding = mimetypes.guess_type(filename, strict=False)
    if encoding is not None:
        return _ENCODING_TYPES.get(encoding, "application/octet-stream")
    if media_type is None:
        return "application/octet-stream"
    if (
        media_type.startswith("text/")
        or media_type in _TEXT_APPLICATION_TYPES
        or media_type.endswith("+xml")
    ):
        return f"{media_type}; charset=utf-8"
    return media_type


def content_disposition(filename: str, *, as_attachment: bool = False) -> str:
    """Build a ``Content-Disposition`` value (RFC 6266) that is safe for any file name.

    Quotes, backslashes and control characters are dropped. A name that is not ASCII is
    sent as ``filename*=UTF-8''…`` (RFC 8187) with an ASCII approximation in ``filename``
    for clients that do not read the extended form.

    Args:
        filename: The name the client should save the file under.
        as_attachment: ``attachment`` (download) rather than ``inline`` (display).

    Returns:
        The header value.

    Example:
        >>> print(content_disposition("résumé.pdf", as_attachment=True))
        attachment; filename="resume.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf
    """
    disposition = "attachment" if as_attachment else "inline"
    name = _UNSAFE_NAME_RE.sub("", filename)
    if name.isascii():
        return f'{disposition}; filename="{name}"'
    extended = f"filename*=UTF-8''{quote(name, safe=_ATTR_CHAR_SAFE)}"
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = _UNSAFE_NAME_RE.sub("", fallback)
    if not fallback:
        # NOTE: a name with no ASCII approximation gets only the extended form, which
        # RFC 6266 §4.3 allows, rather than an empty filename="".
        return f"{disposition}; {extended}"
    return f'{disposition}; filename="{fallback}"; {extended}'


def file_etag(result: os.stat_result) -> str:
    """A strong ``ETag`` for a file: it changes when the file's inode, size or mtime does.

    The inode is hashed rather than shown, so the tag does not disclose file-system
    details (CVE-2003-1418).

    Args:
        result: The file's :func:`os.stat` result.

    Returns:
        A quoted entity-tag such as ``"1f4-3c9d6f0a81b2e457"``.
    """
    digest = hashlib.blake2b(
        f"{result.st_ino}:{result.st_mtime_ns}".encode(), digest_size=8
    ).hexdigest()
    return f'"{result.st_size:x}-{digest}"'


def _stat_file(path: str) -> os.stat_result:
    try:
        result = os.stat(path)
    except (OSError, ValueError):
        # NOTE: ValueError is a path with a NUL byte; every failure is "no such file" to
        # the client, so a permission problem or a symlink loop reveals nothing.
        raise NotFound() from None
    if not stat.S_ISREG(result.st_mode):
        raise NotFound()
    return result


def _as_datetime(value: datetime | float) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return datetime.fromtimestamp(value, UTC)


def _validator(etag: bool | str, result: os.stat_result) -> str | None:
    if isinstance(etag, str):
        return etag if etag.startswith(('"', 'W/"')) else f'"{etag}"'
    return file_etag(result) if etag else None


class FileResponse(StreamingResponse):
    """A response that streams a file from disk, with conditional and range support.

    When ``conditional`` is true and a request is known (``request``, or the request being
    handled), the response answers ``If-None-Match``/``If-Modified-Since`` with 304,
    ``If-Match``/``If-Unmodified-Since`` failures with 412, and a single byte ``Range`` with
    206 (subject to ``If-Range``). Only a 200 response is made conditional.

    Args:
        path: The file to send.
        status: The status code when the whole file is sent.
        headers: Extra headers. The file headers below are set after them.
        content_type: The ``Content-Type``; guessed from ``filename`` by default.
        filename: The name the client sees in ``Content-Disposition``; defaults to the
            file's own name.
        as_attachment: Ask the client to download the file rather than display it.
        etag: ``True`` for an ``ETag`` computed from the file, a string to use instead, or
            ``False`` for none.
        last_modified: The ``Last-Modified`` time; the file's mtime by default.
        max_age: Seconds clients may cache the file (``Cache-Control: max-age``); ``None``
            sends ``no-cache`` so that clients revalidate with the validators each time.
        conditional: Answer conditional and range requests.
        request: The request to answer; the current request by default.
        chunk_size: Bytes read from the file at a time.

    Attributes:
        path: The file's path.
        length: The number of body bytes that will be sent.
        range: The inclusive ``(start, end)`` byte positions of a 206, else ``None``.

    Raises:
        NotFound: When the file is missing, unreadable or not a regular file.
        PreconditionFailed: When ``If-Match`` or ``If-Unmodified-Since`` fails.
        RangeNotSatisfiable: When the requested range lies outside the file.

    Example:
        >>> FileResponse("report.pdf", as_attachment=True)  # doctest: +SKIP
    """

    __slots__ = ("chunk_size", "length", "path", "range")

    def __init__(
        self,
        path: str | os.PathLike[str],
        status: int = 200,
        headers: HeadersInput | None = None,
        content_type: str | None = None,
        *,
        filename: str | None = None,
        as_attachment: bool = False,
        etag: bool | str = True,
        last_modified: datetime | float | None = None,
        max_age: int | None = None,
        conditional: bool = True,
        request: RequestHead | None = None,
        chunk_size: int = 64 * 1024,
    ) -> None:
        self.path = os.fspath(path)
        result = _stat_file(self.path)
        filename = filename if filename is not None else os.path.basename(self.path)
        # NOTE: the generator runs no code until the adapter pulls the first chunk, so the
        # file is opened late and only for responses that have a body to send.
        super().__init__(
            self._read_file(), status, headers, content_type or guess_content_type(filename)
        )
        self.chunk_size = chunk_size
        self.length = result.st_size
        self.range: tuple[int, int] | None = None

        validator = _validator(etag, result)
        modified = _as_datetime(last_modified if last_modified is not None else result.st_mtime)
        self._set_file_headers(validator, modified, filename, as_attachment, max_age)

        if conditional and status == 200:
            if request is None and has_request_context():
                request = get_request()
            if request is not None:
                self._answer(request, validator, modified)

    def _set_file_headers(
        self,
        etag: str | None,
        last_modified: datetime,
        filename: str,
        as_attachment: bool,
        max_age: int | None,
    ) -> None:
        headers = self.headers
        headers.set("Content-Length", str(self.length))
        headers.set("Accept-Ranges", "bytes")
        headers.set("Last-Modified", http_date(last_modified))
        if etag is not None:
            headers.set("ETag", etag)
        headers.set("Cache-Control", "no-cache" if max_age is None else f"max-age={max_age}")
        headers.set(
            "Content-Disposition", content_disposition(filename, as_attachment=as_attachment)
        )

    def _answer(self, request: RequestHead, etag: str | None, last_modified: datetime) -> None:
        """Turn this 200 into a 304, 206, 412 or 416 as the request's headers ask."""
        outcome = evaluate_preconditions(request.method, request.headers, etag, last_modified)
        if outcome == 412:
            raise PreconditionFailed()
        if outcome == 304:
            self.status = 304
            self.length = 0
            for name in _DROPPED_BY_304:
                self.headers.remove(name)
            return
        # NOTE: RFC 9110 §14.2 defines ranges for GET only, but §9.3.2 asks that HEAD get
        # the headers GET would, so a HEAD with Range is answered 206 without a body.
        if request.method not in ("GET", "HEAD"):
            return
        range_header = request.headers.get("range")
        if range_header is None or not if_range_matches(
            request.headers.get("if-range"), etag, last_modified
        ):
            return
        size = self.length
        byte_range = parse_range_header(range_header, size)
        if byte_range is not None:
            start, end = byte_range
            self.status = 206
            self.range = byte_range
            self.length = end - start + 1
            self.headers.set("Content-Range", f"bytes {start}-{end}/{size}")
            self.headers.set("Content-Length", str(self.length))

    def _read_file(self) -> Iterator[bytes]:
        """Yield exactly :attr:`length` bytes from the file, ``chunk_size`` at a time."""
        remaining = self.length
        if not remaining:
            return
        with open(self.path, "rb") as file:
            if self.range is not None:
                file.seek(self.range[0])
            while remaining:
                # NOTE: never asking for more than ``remaining`` cuts a file that grew since
                # it was stat'ed at the Content-Length already sent.
                chunk = file.read(min(self.chunk_size, remaining))
                if not chunk:
                    # The file shrank. Failing mid-body makes the server drop the
                    # connection, so the client sees a truncated response, not a short
                    # one that looks complete.
                    raise OSError(f"{self.path!r} ended {remaining} bytes early")
                remaining -= len(chunk)
                yield chunk
