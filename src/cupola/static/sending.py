"""Sending one file: from a path, from an open binary file, or by name from a folder.

:func:`send_file` takes a path or an open file; :func:`send_from_directory` takes a
client-chosen name inside a trusted folder. A path becomes a
:class:`~cupola.http.files.FileResponse`; an open file is streamed, with a ``Content-Length``
and byte ranges when it can seek, and is closed once sent.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any

from cupola.context import get_request, has_request_context
from cupola.exceptions import HTTPException, NotFound, PreconditionFailed
from cupola.http.files import FileResponse, RequestHead, content_disposition, guess_content_type
from cupola.http.ranges import (
    evaluate_preconditions,
    http_date,
    if_range_matches,
    parse_range_header,
)
from cupola.http.response import StreamingResponse
from cupola.static.paths import safe_join

_CHUNK_SIZE = 64 * 1024


def send_from_directory(
    directory: str | os.PathLike[str], path: str, **options: Any
) -> FileResponse:
    """Send the file at ``path`` below ``directory``.

    Args:
        directory: The trusted base directory.
        path: The untrusted path of the file within it.
        **options: Keyword arguments for :class:`~cupola.http.files.FileResponse`.

    Returns:
        A file response for the file.

    Raises:
        NotFound: When ``path`` is unsafe, missing, or not a regular file.

    Example:
        >>> send_from_directory("uploads", request.view_args["name"])  # doctest: +SKIP
    """
    full_path = safe_join(directory, path)
    if full_path is None:
        raise NotFound()
    return FileResponse(full_path, **options)


def send_file(
    path_or_file: str | os.PathLike[str] | IO[bytes],
    mimetype: str | None = None,
    as_attachment: bool = False,
    download_name: str | None = None,
    conditional: bool = True,
    etag: bool | str = True,
    last_modified: datetime | float | None = None,
    max_age: int | None = None,
) -> StreamingResponse:
    """Send a file from a path, or the rest of an open binary file, as Flask's does.

    Never pass a path built from request input; use :func:`send_from_directory` for that.

    Args:
        path_or_file: A path, or a file opened in binary mode (such as ``io.BytesIO``),
            sent from its current position and closed afterwards.
        mimetype: The ``Content-Type``; guessed from ``download_name`` or the path, else
            ``application/octet-stream``.
        as_attachment: Ask the client to download the file rather than display it.
        download_name: The name in ``Content-Disposition``; defaults to the path's name.
        conditional: Answer conditional requests (304, 412) and, when the size is known,
            ``Range`` requests (206, 416).
        etag: ``True`` computes an ``ETag`` from a path's stat, a string sets one (the only
            way to give an open file one), ``False`` sends none.
        last_modified: The ``Last-Modified`` time; a path's mtime by default.
        max_age: Seconds clients may cache the file; ``None`` sends ``no-cache``.

    Returns:
        A :class:`~cupola.http.files.FileResponse` for a path, else a streaming response.

    Raises:
        TypeError: When the file is open in text mode.
        NotFound: When the path is missing or not a regular file.
        PreconditionFailed: When ``If-Match`` or ``If-Unmodified-Since`` fails.
        RangeNotSatisfiable: When the requested range lies outside the file.

    Example:
        >>> send_file(io.BytesIO(report), download_name="report.csv")  # doctest: +SKIP
    """
    if isinstance(path_or_file, str | os.PathLike):
        return FileResponse(
            path_or_file,
            content_type=mimetype,
            filename=download_name,
            as_attachment=as_attachment,
            etag=etag,
            last_modified=last_modified,
            max_age=max_age,
            conditional=conditional,
        )
    if isinstance(path_or_file, io.TextIOBase):
        raise TypeError("send_file() needs a binary file: open it with mode 'rb'.")
    validator = _quoted(etag) if isinstance(etag, str) else None
    modified = _as_datetime(last_modified)
    request = get_request() if conditional and has_request_context() else None
    response = _stream(path_or_file, request, validator, modified)
    headers = response.headers
    headers.set("Cache-Control", "no-cache" if max_age is None else f"max-age={max_age}")
    if validator is not None:
        headers.set("ETag", validator)
    if modified is not None:
        headers.set("Last-Modified", http_date(modified))
    if response.status == 304:
        headers.remove("Content-Type")  # RFC 9110 §15.4.5
        return response
    headers.set("Content-Type", mimetype or guess_content_type(download_name or ""))
    if download_name is not None:
        headers.set(
            "Content-Disposition", content_disposition(download_name, as_attachment=as_attachment)
        )
    elif as_attachment:
        headers.set("Content-Disposition", "attachment")
    return response


def _stream(
    file: IO[bytes],
    request: RequestHead | None,
    etag: str | None,
    last_modified: datetime | None,
) -> StreamingResponse:
    """Stream ``file`` from where it stands, answering the request's conditions and range."""
    position = _position(file)
    try:
        status, byte_range = _answer(request, etag, last_modified, position)
    except HTTPException:
        file.close()
        raise
    if status == 304:
        file.close()
        return StreamingResponse((), 304)
    if position is None:
        return StreamingResponse(_FileChunks(file, None, None))
    start, length = position
    headers = [("Accept-Ranges", "bytes")]
    if byte_range is not None:
        headers.append(("Content-Range", f"bytes {byte_range[0]}-{byte_range[1]}/{length}"))
        start, length = start + byte_range[0], byte_range[1] - byte_range[0] + 1
    headers.append(("Content-Length", str(length)))
    return StreamingResponse(_FileChunks(file, start, length), status, headers)


class _FileChunks:
    """The body read from an open file: ``length`` bytes from ``start``, or all that is left.

    Closing it closes the file, which the adapters do once the response is sent, and also
    for HEAD requests that never read it.
    """

    __slots__ = ("file", "length", "start")

    def __init__(self, file: IO[bytes], start: int | None, length: int | None) -> None:
        self.file = file
        self.start = start
        self.length = length

    def __iter__(self) -> Iterator[bytes]:
        if self.start is not None:
            self.file.seek(self.start)
        remaining = self.length
        while remaining is None or remaining > 0:
            chunk = self.file.read(
                _CHUNK_SIZE if remaining is None else min(_CHUNK_SIZE, remaining)
            )
            if not chunk:
                if remaining is not None:
                    # As FileResponse does: fail mid-body so the client sees a truncated
                    # response rather than a short one that looks complete.
                    raise OSError(f"The file ended {remaining} bytes early.")
                return
            if remaining is not None:
                remaining -= len(chunk)
            yield chunk

    def close(self) -> None:
        self.file.close()


def _position(file: IO[bytes]) -> tuple[int, int] | None:
    """The current position of a seekable file and the number of bytes after it."""
    try:
        if not file.seekable():
            return None
        start = file.tell()
        return start, file.seek(0, os.SEEK_END) - start
    except OSError:  # a file that claims to seek but cannot, as some wrappers do
        return None


def _answer(
    request: RequestHead | None,
    etag: str | None,
    last_modified: datetime | None,
    position: tuple[int, int] | None,
) -> tuple[int, tuple[int, int] | None]:
    """The status to send (200, 206 or 304) and the inclusive byte range of a 206."""
    if request is None:
        return 200, None
    outcome = evaluate_preconditions(request.method, request.headers, etag, last_modified)
    if outcome == 412:
        raise PreconditionFailed()
    if outcome == 304:
        return 304, None
    if (
        position is None
        or request.method not in ("GET", "HEAD")
        or not if_range_matches(request.headers.get("if-range"), etag, last_modified)
    ):
        return 200, None
    byte_range = parse_range_header(request.headers.get("range"), position[1])
    return (200, None) if byte_range is None else (206, byte_range)


def _quoted(etag: str) -> str:
    return etag if etag.startswith(('"', 'W/"')) else f'"{etag}"'


def _as_datetime(value: datetime | float | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromtimestamp(value, UTC)
