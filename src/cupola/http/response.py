"""The response family: what views return and adapters send.

A :class:`Response` holds a status, :class:`~cupola.http.headers.Headers` and a ``bytes``
body. Streaming responses (``is_streaming``) hold an iterable instead; the adapters iterate
it (sync or async) and never buffer it.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any, ClassVar, Unpack

from cupola.concurrency import run_coroutine
from cupola.http import json as jsonlib
from cupola.http.cookies import CookieOptions, dump_cookie
from cupola.http.headers import Headers, HeadersInput

Body = bytes | str
#: Statuses whose responses carry no body (RFC 9110 §6.4.1): the adapters send none.
NO_BODY_STATUSES = frozenset({204, 304}) | frozenset(range(100, 200))
_new_headers = object.__new__


class Response:
    """An HTTP response with a complete body.

    Args:
        body: The body; ``str`` is encoded as UTF-8.
        status: The status code.
        headers: Extra headers, as a mapping or pairs.
        content_type: The ``Content-Type``; defaults to :attr:`default_content_type`.

    Example:
        >>> Response("pong", content_type="text/plain").status
        200
    """

    __slots__ = ("body", "headers", "status")

    default_content_type: ClassVar[str] = "text/html; charset=utf-8"
    is_streaming: ClassVar[bool] = False
    # PERF: the pipeline asks every response whether it renders late; a class attribute
    # answers that cheaper than an isinstance() that fails.
    _renders_late: ClassVar[bool] = False

    def __init__(
        self,
        body: Body = b"",
        status: int = 200,
        headers: HeadersInput | None = None,
        content_type: str | None = None,
    ) -> None:
        # PERF: the exact type first: an isinstance() that fails costs an attribute lookup.
        if type(body) is not bytes and isinstance(body, str):
            body = body.encode()
        self.body = body
        self.status = status
        # PERF: our own constant needs no validation; no helper calls for the common case.
        self.headers = built = _new_headers(Headers)
        built.pairs = [("Content-Type", content_type or self.default_content_type)]
        if headers is not None:
            built.update(headers)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.status}>"

    @property
    def status_code(self) -> int:
        """Alias of :attr:`status`."""
        return self.status

    @property
    def content_type(self) -> str | None:
        """The ``Content-Type`` header."""
        return self.headers.get("content-type")

    @property
    def text(self) -> str:
        """The body decoded as UTF-8."""
        return self.body.decode("utf-8", "replace")

    def set_cookie(self, key: str, value: str = "", **options: Unpack[CookieOptions]) -> None:
        """Add a ``Set-Cookie`` header.

        Args:
            key: The cookie name.
            value: The cookie value.
            **options: ``max_age``, ``expires``, ``path`` (default ``"/"``), ``domain``,
                ``secure``, ``httponly``, ``samesite``, ``partitioned``; see
                :func:`~cupola.http.cookies.dump_cookie`.

        Raises:
            ValueError: For an invalid name, value or attribute combination.
        """
        self.headers.add("Set-Cookie", dump_cookie(key, value, **options))

    def delete_cookie(self, key: str, **options: Unpack[CookieOptions]) -> None:
        """Expire a cookie in the client; pass the ``path``/``domain`` it was set with."""
        expired: CookieOptions = {**options, "max_age": 0, "expires": 0}
        self.set_cookie(key, **expired)


class HTMLResponse(Response):
    """A ``text/html; charset=utf-8`` response."""

    __slots__ = ()


class PlainTextResponse(Response):
    """A ``text/plain; charset=utf-8`` response."""

    __slots__ = ()
    default_content_type = "text/plain; charset=utf-8"


class JSONResponse(Response):
    """A response whose body is ``data`` serialised as JSON.

    Args:
        data: Anything :func:`cupola.http.json.dumps` accepts.
        status: The status code.
        headers: Extra headers.

    Example:
        >>> JSONResponse({"ok": True}).body
        b'{"ok":true}'
    """

    __slots__ = ()
    default_content_type = "application/json"

    def __init__(self, data: Any, status: int = 200, headers: HeadersInput | None = None) -> None:
        # PERF: the base class named: super() builds a proxy object on every call.
        Response.__init__(self, jsonlib.dumps(data), status, headers)

    def json(self) -> Any:
        """Parse the body back (handy in tests)."""
        return jsonlib.loads(self.body)


class RedirectResponse(Response):
    """A redirect to ``url``.

    Args:
        url: The ``Location``; relative URLs are allowed (RFC 9110 §10.2.2).
        status: 301, 302 (default), 303, 307 or 308.
        headers: Extra headers.
    """

    __slots__ = ()

    def __init__(self, url: str, status: int = 302, headers: HeadersInput | None = None) -> None:
        super().__init__(b"", status, headers)
        self.headers.set("Location", url)

    @property
    def location(self) -> str:
        """Where the client is sent."""
        return self.headers["Location"]


class StreamingResponse(Response):
    """A response whose body is produced piece by piece by a sync or async iterable.

    Chunks may be ``bytes`` or ``str`` (encoded as UTF-8). The body is never buffered.

    Args:
        iterable: A sync or async iterable of chunks.
        status: The status code.
        headers: Extra headers.
        content_type: The ``Content-Type``.
    """

    __slots__ = ("iterable",)
    is_streaming = True

    def __init__(
        self,
        iterable: Iterable[Body] | AsyncIterable[Body],
        status: int = 200,
        headers: HeadersInput | None = None,
        content_type: str | None = None,
    ) -> None:
        super().__init__(b"", status, headers, content_type)
        self.iterable = iterable

    @property
    def is_async(self) -> bool:
        """Whether the body comes from an async iterable."""
        return isinstance(self.iterable, AsyncIterable)

    def iter_chunks(self) -> Iterator[bytes]:
        """Yield the body as bytes from a sync iterable."""
        for chunk in self.iterable:  # type: ignore[union-attr]  # callers check is_async
            yield chunk.encode() if isinstance(chunk, str) else chunk

    async def aiter_chunks(self) -> AsyncIterator[bytes]:
        """Yield the body as bytes from either kind of iterable."""
        if isinstance(self.iterable, AsyncIterable):
            async for chunk in self.iterable:
                yield chunk.encode() if isinstance(chunk, str) else chunk
        else:
            for chunk in self.iterable:
                yield chunk.encode() if isinstance(chunk, str) else chunk

    def close(self) -> None:
        """Close the underlying iterator (runs a generator's ``finally``).

        An async generator is closed on this thread's loop (the WSGI adapter iterated it
        there); on a running loop, use :meth:`aclose`.
        """
        close = getattr(self.iterable, "close", None)
        if close is not None and not inspect.iscoroutinefunction(close):
            close()
        elif hasattr(self.iterable, "aclose") and asyncio._get_running_loop() is None:
            run_coroutine(self.iterable.aclose())

    async def aclose(self) -> None:
        """Close the underlying iterator, sync or async (runs a generator's ``finally``)."""
        aclose = getattr(self.iterable, "aclose", None)
        if aclose is not None:
            await aclose()
        else:
            self.close()
