"""Request bodies: read once, bounded by ``MAX_CONTENT_LENGTH``, spooled to disk when large.

The adapters hand the pipeline a :class:`RequestBody` (ASGI reads it before the view runs, so
sync and async views read it alike) or a loader that builds one on first access (WSGI). A
body over the limit raises 413 as soon as the limit is passed, whether or not
``Content-Length`` was sent or truthful; the rest is never read.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Awaitable, Callable, MutableMapping
from typing import IO, Any

from cupola.exceptions import BadRequest, RequestEntityTooLarge
from cupola.http.bounded import BoundedDict

#: Bodies up to this size stay in memory; larger ones go to a temporary file.
SPOOL_MAX_SIZE = 1024 * 1024
_CHUNK = 64 * 1024


class RequestBody:
    """The complete body of a request, in memory or in a temporary file.

    Args:
        data: The bytes, when the body is held in memory.
        file: A rewound binary file holding the body, when it was spooled.
    """

    __slots__ = ("_data", "_file")

    EMPTY: RequestBody

    def __init__(self, data: bytes = b"", file: IO[bytes] | None = None) -> None:
        self._data = data
        self._file = file

    def read(self) -> bytes:
        """Return the whole body as bytes (reads a spooled file into memory)."""
        if self._file is None:
            return self._data
        self._file.seek(0)
        data = self._file.read()
        self._file.seek(0)
        return data

    def read_at_most(self, limit: int | None) -> bytes:
        """Return the whole body, or no more than ``limit + 1`` bytes of a spooled one.

        A caller that refuses bodies over ``limit`` bytes checks the length it gets; a large
        spooled body is never read whole for it.
        """
        if self._file is None:
            return self._data
        self._file.seek(0)
        data = self._file.read(-1 if limit is None else limit + 1)
        self._file.seek(0)
        return data

    def stream(self) -> IO[bytes]:
        """Return a binary file object positioned at the start of the body."""
        if self._file is None:
            return io.BytesIO(self._data)
        self._file.seek(0)
        return self._file

    @property
    def size(self) -> int:
        """Length of the body in bytes."""
        if self._file is None:
            return len(self._data)
        position = self._file.tell()
        size = self._file.seek(0, io.SEEK_END)
        self._file.seek(position)
        return size

    def close(self) -> None:
        """Release the temporary file, if any."""
        if self._file is not None:
            self._file.close()


RequestBody.EMPTY = RequestBody()


def too_large(limit: int) -> RequestEntityTooLarge:
    """The 413 for a body over ``limit`` bytes, naming the setting to raise."""
    return RequestEntityTooLarge(
        f"The request body exceeds the limit of {limit} bytes (MAX_CONTENT_LENGTH)."
    )


#: Declared lengths by ``Content-Length`` value, for the values seen (bounded).
_LENGTHS: BoundedDict[str, int] = BoundedDict(1024)


def parse_content_length(value: str | None) -> int | None:
    """Return the declared length, ``None`` when absent; 400 when it is not a number."""
    if value is None:
        return None
    length = _LENGTHS.get(value)  # PERF: one lookup instead of two checks and int()
    if length is None:
        if not value.isdigit() or not value.isascii():
            raise BadRequest("The Content-Length header is not a valid number.")
        length = _LENGTHS.remember(value, int(value))
    return length


class _Accumulator:
    """Collects chunks in memory, moving them to a temporary file past the spool size."""

    __slots__ = ("_chunks", "_file", "limit", "size")

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.size = 0
        self._chunks: list[bytes] = []
        self._file: IO[bytes] | None = None

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.limit is not None and self.size > self.limit:
            raise too_large(self.limit)
        if self._file is not None:
            self._file.write(chunk)
            return
        self._chunks.append(chunk)
        if self.size > SPOOL_MAX_SIZE:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115  # closed by RequestBody
            self._file.write(b"".join(self._chunks))
            self._chunks = []

    def discard(self) -> None:
        """Close the temporary file after an error (a body over the limit, a broken stream)."""
        if self._file is not None:
            self._file.close()

    def finish(self) -> RequestBody:
        if self._file is not None:
            self._file.seek(0)
            return RequestBody(file=self._file)
        if not self._chunks:
            return RequestBody.EMPTY
        return RequestBody(self._chunks[0] if len(self._chunks) == 1 else b"".join(self._chunks))


def read_stream(
    stream: Any, content_length: int | None, limit: int | None, *, until_eof: bool
) -> RequestBody:
    """Read a blocking body stream (WSGI ``wsgi.input``).

    Args:
        stream: An object with ``read(size)``.
        content_length: The declared length; ``None`` when the client sent none.
        limit: ``MAX_CONTENT_LENGTH``; ``None`` for no limit.
        until_eof: Read to EOF when no length was declared (the server de-chunked the body
            and signals the end, e.g. ``wsgi.input_terminated``).

    Raises:
        RequestEntityTooLarge: As soon as the limit is passed; the rest is not read.
        BadRequest: When the body ends before ``content_length`` bytes arrived.
    """
    if content_length is None and not until_eof:
        return RequestBody.EMPTY
    if limit is not None and content_length is not None and content_length > limit:
        raise too_large(limit)
    remaining = content_length
    first = b""
    if remaining is not None and 0 < remaining <= _CHUNK:
        # PERF: a small body of declared length nearly always comes in one read, which
        # needs no accumulator; after a short read, the loop below reads the rest.
        first = stream.read(remaining)
        if len(first) == remaining:
            return RequestBody(first)
        remaining -= len(first)
    acc = _Accumulator(limit)
    try:
        if first:
            acc.add(first)
        while remaining is None or remaining > 0:
            chunk = stream.read(_CHUNK if remaining is None else min(_CHUNK, remaining))
            if not chunk:
                if remaining is not None:
                    raise BadRequest("The request body ended before Content-Length bytes arrived.")
                break
            acc.add(chunk)
            if remaining is not None:
                remaining -= len(chunk)
    except BaseException:
        acc.discard()  # a spooled part is released now, not when collected
        raise
    return acc.finish()


async def read_messages(
    receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
    content_length: int | None,
    limit: int | None,
) -> RequestBody | None:
    """Read an ASGI ``http.request`` message stream to the end.

    Returns:
        The body, or ``None`` when the client disconnected first.

    Raises:
        RequestEntityTooLarge: As soon as the limit is passed; the rest is not read.
    """
    if limit is not None and content_length is not None and content_length > limit:
        raise too_large(limit)
    acc = _Accumulator(limit)
    try:
        while True:
            message = await receive()
            if message["type"] != "http.request":
                acc.discard()
                return None
            chunk = message.get("body", b"")
            if chunk:
                acc.add(chunk)
            if not message.get("more_body", False):
                return acc.finish()
    except BaseException:
        acc.discard()  # a spooled part is released now, not when collected
        raise
