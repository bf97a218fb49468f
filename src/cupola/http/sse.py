"""Server-sent events: a streaming ``text/event-stream`` response built from an iterator.

:class:`EventStream` turns a sync or async iterator of events (:class:`ServerSentEvent`,
dicts of its fields, or plain strings) into the wire format of the HTML standard's
"Server-sent events" section, adds keep-alive comments while the source is quiet, and
closes the source when the client goes away (the ASGI adapter watches for
``http.disconnect``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from cupola.http.headers import HeadersInput
from cupola.http.response import StreamingResponse

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_END = object()


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    """One event.

    Args:
        data: The payload. A string is sent as is (several lines become several ``data:``
            fields); anything else is sent as JSON.
        event: The event type the browser dispatches (``addEventListener(event, …)``).
        id: The id the browser sends back as ``Last-Event-ID`` when it reconnects.
        retry: How long the browser waits before reconnecting, in milliseconds.

    Raises:
        ValueError: When ``event`` or ``id`` holds a line break or NUL, or ``retry`` is
            negative.
    """

    data: Any = ""
    event: str | None = None
    id: str | None = None
    retry: int | None = None

    def __post_init__(self) -> None:
        for name in ("event", "id"):
            value = getattr(self, name)
            if value is not None and any(c in value for c in "\r\n\0"):
                raise ValueError(f"An event {name} cannot contain CR, LF or NUL: {value!r}.")
        if self.retry is not None and (not isinstance(self.retry, int) or self.retry < 0):
            raise ValueError(f"retry must be a non-negative integer, not {self.retry!r}.")

    def encode(self) -> bytes:
        """The event in the ``text/event-stream`` format, blank line included."""
        lines = []
        if self.event is not None:
            lines.append(f"event: {self.event}")
        if self.id is not None:
            lines.append(f"id: {self.id}")
        if self.retry is not None:
            lines.append(f"retry: {self.retry}")
        data = self.data if isinstance(self.data, str) else orjson.dumps(self.data).decode()
        lines.extend(f"data: {line}" for line in _LINE_BREAK.split(data))
        return ("\n".join(lines) + "\n\n").encode()


def encode_event(item: ServerSentEvent | dict[str, Any] | str) -> bytes:
    """Encode what an event stream yielded.

    Raises:
        TypeError: For anything but an event, a dict of event fields or a string.
    """
    if isinstance(item, ServerSentEvent):
        return item.encode()
    if isinstance(item, str):
        return ServerSentEvent(item).encode()
    if isinstance(item, dict):
        return ServerSentEvent(**item).encode()
    raise TypeError(
        f"An event stream yields ServerSentEvent, dict or str items, not {type(item).__name__}."
    )


class EventStream(StreamingResponse):
    """A ``text/event-stream`` response; the browser reads it with ``EventSource``.

    Args:
        events: A sync or async iterable of :class:`ServerSentEvent`, dicts of its fields,
            or strings (data only). A sync iterator is read in a worker thread.
        ping: Seconds of silence after which a keep-alive comment is sent, so proxies and
            the browser keep the connection open; ``None`` sends none.
        status: The status code.
        headers: Extra headers.

    Example:
        >>> async def ticks():
        ...     for n in range(3):
        ...         yield ServerSentEvent({"n": n}, event="tick", id=str(n))
        ...         await asyncio.sleep(1)
        >>> response = EventStream(ticks())
    """

    __slots__ = ()

    def __init__(
        self,
        events: Iterable[Any] | AsyncIterable[Any],
        *,
        ping: float | None = 15,
        status: int = 200,
        headers: HeadersInput | None = None,
    ) -> None:
        super().__init__(_encoded(events, ping), status, headers, "text/event-stream")
        self.headers["Cache-Control"] = "no-cache"
        # Proxies such as nginx would otherwise buffer the stream.
        self.headers["X-Accel-Buffering"] = "no"


async def _encoded(
    events: Iterable[Any] | AsyncIterable[Any], ping: float | None
) -> AsyncIterator[bytes]:
    """Encode ``events``, with a comment after each ``ping`` seconds of silence."""
    source = _AsyncSource(events) if isinstance(events, AsyncIterable) else _SyncSource(events)
    pending: asyncio.Future[Any] | None = None
    try:
        while True:
            if pending is None:
                pending = source.pull()
            done, _ = await asyncio.wait({pending}, timeout=ping)
            if not done:
                yield b": ping\n\n"
                continue
            item, pending = pending.result(), None
            if item is _END:
                return
            yield encode_event(item)
    finally:
        await source.close(pending)


class _AsyncSource:
    """Events from an async iterator, each pulled in a task so that pings can interleave."""

    def __init__(self, events: AsyncIterable[Any]) -> None:
        self.iterator: AsyncIterator[Any] = aiter(events)

    async def _next(self) -> Any:
        try:
            return await anext(self.iterator)
        except StopAsyncIteration:
            return _END

    def pull(self) -> asyncio.Future[Any]:
        return asyncio.ensure_future(self._next())

    async def close(self, pending: asyncio.Future[Any] | None) -> None:
        if pending is not None and not pending.done():
            pending.cancel()  # raised inside the source's await: its ``finally`` runs
            await asyncio.gather(pending, return_exceptions=True)
        aclose = getattr(self.iterator, "aclose", None)
        if aclose is not None:
            await aclose()


class _SyncSource:
    """Events from a sync iterator, each pulled in a worker thread."""

    def __init__(self, events: Iterable[Any]) -> None:
        self.iterator: Iterator[Any] = iter(events)
        self.running: concurrent.futures.Future[Any] | None = None
        self.executor = concurrent.futures.ThreadPoolExecutor(1, "cupola-sse")

    def pull(self) -> asyncio.Future[Any]:
        self.running = self.executor.submit(next, self.iterator, _END)
        return asyncio.wrap_future(self.running)

    async def close(self, pending: asyncio.Future[Any] | None) -> None:
        running = self.running
        if running is not None and not running.done():
            # NOTE: a thread cannot be interrupted: the source is closed when its next()
            # returns, so a sync generator sees the client leave at its next yield.
            running.add_done_callback(lambda _: self._close())
        else:
            self._close()

    def _close(self) -> None:
        close = getattr(self.iterator, "close", None)
        if close is not None:
            close()
        self.executor.shutdown(wait=False)
