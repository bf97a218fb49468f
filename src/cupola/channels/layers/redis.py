"""The Redis channel layer: channels and groups shared by every process on one Redis.

Design, chosen for fan-out throughput:

* Each process (per event loop) has one connection pool, one reader connection and one
  **inbox**, a Redis list.
  Channels from :meth:`~RedisChannelLayer.new_channel` are named ``prefix.INBOX!id`` so
  a sender knows which inbox serves them.
* One reader task per process blocks on its inbox (``BLPOP``, then ``LPOP`` of up to 500
  more) and hands messages to local, bounded channel queues. Thousands of sockets waiting
  in ``receive`` hold no Redis connection.
* A group is a sorted set of channel names scored by the time they joined. ``group_send``
  is one Lua script: it drops expired members and pushes the message **once per inbox**
  with the list of that inbox's member channels, so Redis does O(processes) pushes, not
  O(members), and the payload is serialised once.
* Lists (rather than pub/sub) keep messages across a short disconnection of the reader.
  When the connection is lost the reader retries with backoff and logs; on reconnection it
  re-adds this process's group memberships, so a restarted, empty Redis serves the same
  groups again.
* Channels without ``!`` (named work queues) are plain Redis lists; a ``receive`` on one
  holds a connection while it waits.

Overflow: a full channel drops its oldest message (see :mod:`.queues`); an inbox longer
than ``inbox_capacity`` drops its oldest entries. Messages expire after ``expiry`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import secrets
import threading
import time
from collections.abc import Iterator
from typing import Any, cast

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from cupola.channels.layers.base import (
    ChannelLayer,
    check_channel,
    check_group,
    check_prefix,
    decode_message,
    encode_message,
)
from cupola.channels.layers.queues import ChannelQueue
from cupola.outages import Unavailable

logger = logging.getLogger("cupola.channels")

# NOTE: the script touches inbox keys it computes from member names. That is fine on one
# Redis server (or a primary with replicas) but not on Redis Cluster.
_GROUP_SEND = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
local members = redis.call('ZRANGE', KEYS[1], 0, -1)
local inboxes, order = {}, {}
for _, channel in ipairs(members) do
  local bang = string.find(channel, '!', 1, true)
  local key
  if bang then
    key = ARGV[4] .. 'inbox:' .. string.match(string.sub(channel, 1, bang - 1), '([^.]*)$')
  else
    key = ARGV[4] .. 'channel:' .. channel
  end
  if inboxes[key] == nil then
    inboxes[key] = {}
    table.insert(order, key)
  end
  table.insert(inboxes[key], channel)
end
for _, key in ipairs(order) do
  redis.call('RPUSH', key, ARGV[2] .. ' ' .. table.concat(inboxes[key], ',') .. '\\n' .. ARGV[3])
  redis.call('EXPIRE', key, ARGV[5])
  redis.call('LTRIM', key, -tonumber(ARGV[6]), -1)
end
return #members
"""

_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
_BATCH = 500
_BLOCK_SECONDS = 1


def _entry(expires: float, channels: str, payload: bytes) -> bytes:
    """One list entry: the expiry time, a space, channel names, a newline, the JSON."""
    return f"{expires:.3f} {channels}\n".encode() + payload


def _parse(entry: bytes) -> tuple[float, list[str], bytes]:
    head, _, payload = entry.partition(b"\n")
    expires, _, channels = head.partition(b" ")
    return float(expires), channels.decode("ascii").split(","), payload


def _inbox_of(channel: str) -> str | None:
    """The inbox id in ``prefix.INBOX!id``, or ``None`` for a named channel."""
    head, bang, _ = channel.partition("!")
    return head.rpartition(".")[2] if bang else None


class _LoopState:
    """What the layer holds for one event loop: its pool, inbox, reader and queues."""

    def __init__(self, layer: RedisChannelLayer) -> None:
        self.client: aioredis.Redis = aioredis.Redis.from_url(
            layer.url,
            retry=Retry(ExponentialBackoff(cap=1.0, base=0.05), 3),
            retry_on_error=[RedisConnectionError, RedisTimeoutError],
        )
        # NOTE: the reader has a connection of its own without retries, so that a lost
        # connection reaches it (and it re-adds the memberships a restarted Redis forgot)
        # instead of being silently re-opened by redis-py.
        self.inbox = secrets.token_hex(6)
        self.reader_client: aioredis.Redis = aioredis.Redis.from_url(
            layer.url,
            retry=Retry(NoBackoff(), 0),
            client_name=f"cupola-channels-reader-{self.inbox}",  # as CLIENT LIST shows it
        )
        self.inbox_key = f"{layer.prefix}inbox:{self.inbox}"
        self.queues: dict[str, ChannelQueue[bytes]] = {}
        self.groups: dict[str, set[str]] = {}  # local channels' memberships, to re-add
        self.reader: asyncio.Task[None] | None = None
        self.script = self.client.register_script(_GROUP_SEND)


class ChannelLayerUnavailable(Unavailable):
    """503: the channel layer's Redis cannot be reached (after the client's retries)."""

    def __init__(self) -> None:
        super().__init__("channel layer")


class RedisChannelLayer(ChannelLayer):
    """Channels and groups in Redis, shared by every process that uses the same database.

    Args:
        url: A Redis URL: ``redis://host:port/db``, ``rediss://…`` or ``unix://…``.
        prefix: Prefix of every Redis key the layer uses.
        capacity: Messages one channel holds; when full the oldest is dropped.
        expiry: Seconds a message waits before it is dropped unread.
        group_expiry: Seconds a group membership lasts unless refreshed by ``group_add``.
        inbox_capacity: Entries one process's inbox holds in Redis while its reader is
            away; when full the oldest are dropped.
        fail_open: While Redis is unreachable (after the client's retries), drop messages
            sent and memberships changed with a warning, instead of raising
            :class:`ChannelLayerUnavailable` (a 503 in a view); ``OUTAGE_POLICY["channels"]``.

    Example:
        >>> layer = RedisChannelLayer("redis://127.0.0.1:6379/0")  # doctest: +SKIP
    """

    def __init__(
        self,
        url: str,
        prefix: str = "cupola:channels:",
        capacity: int = 100,
        expiry: float = 60,
        group_expiry: float = 86400,
        inbox_capacity: int = 10_000,
        fail_open: bool = False,
    ) -> None:
        self.url = url
        self.fail_open = fail_open
        self.prefix = prefix
        self.capacity = capacity
        self.expiry = expiry
        self.group_expiry = group_expiry
        self.inbox_capacity = inbox_capacity
        self._states: dict[asyncio.AbstractEventLoop, _LoopState] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<RedisChannelLayer {self.url!r} prefix={self.prefix!r}>"

    # -- per-loop state ------------------------------------------------------------------

    def _state(self) -> _LoopState:
        # NOTE: redis-py's asyncio connections belong to the loop that opened them, so the
        # layer keeps one pool per loop: normally just the server's, plus one for
        # broadcast() calls from threads without a loop.
        loop = asyncio.get_running_loop()
        state = self._states.get(loop)
        if state is None:
            with self._lock:
                for old in [old for old in self._states if old.is_closed()]:
                    del self._states[old]
                state = self._states[loop] = _LoopState(self)
        return state

    def _queue(self, state: _LoopState, channel: str) -> ChannelQueue[bytes]:
        queue = state.queues.get(channel)
        if queue is None:
            queue = state.queues[channel] = ChannelQueue(channel, self.capacity)
        return queue

    def _start_reader(self, state: _LoopState) -> None:
        if state.reader is None or state.reader.done():
            state.reader = asyncio.get_running_loop().create_task(self._read(state))

    @contextlib.contextmanager
    def _reachable(self, operation: str) -> Iterator[None]:
        """Redis errors as :class:`ChannelLayerUnavailable`, or a warning when failing open."""
        try:
            yield
        except _ERRORS as exc:
            if not self.fail_open:
                raise ChannelLayerUnavailable() from exc
            logger.warning(
                "Channel layer unavailable: %s dropped (OUTAGE_POLICY: open).", operation
            )

    # -- the interface -------------------------------------------------------------------

    async def new_channel(self, prefix: str = "specific") -> str:
        """Return a new channel name whose messages this process receives."""
        state = self._state()
        name = f"{check_prefix(prefix)}.{state.inbox}!{secrets.token_hex(8)}"
        self._queue(state, name)
        self._start_reader(state)
        return name

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        """Queue ``message`` on ``channel``, in whichever process receives it."""
        check_channel(channel)
        payload = encode_message(message)
        inbox = _inbox_of(channel)
        if inbox is None:
            key, limit = f"{self.prefix}channel:{channel}", self.capacity
        else:
            key, limit = f"{self.prefix}inbox:{inbox}", self.inbox_capacity
        entry = _entry(time.time() + self.expiry, channel, payload)
        with self._reachable("send"):
            async with self._state().client.pipeline(transaction=False) as pipe:
                pipe.rpush(key, entry)
                pipe.expire(key, math.ceil(self.expiry))
                pipe.ltrim(key, -limit, -1)
                await pipe.execute()

    async def receive(self, channel: str) -> dict[str, Any]:
        """Wait for the next message on ``channel``.

        Raises:
            ValueError: For a channel that another process or event loop created.
        """
        check_channel(channel)
        state = self._state()
        inbox = _inbox_of(channel)
        if inbox is None:
            return await self._receive_named(state, channel)
        if inbox != state.inbox:
            raise ValueError(
                f"Channel {channel} belongs to another process or event loop; receive on "
                "channels this layer created with new_channel() in this loop."
            )
        self._start_reader(state)
        return decode_message(await self._queue(state, channel).get())

    async def _receive_named(self, state: _LoopState, channel: str) -> dict[str, Any]:
        key = f"{self.prefix}channel:{channel}"
        while True:
            item = await state.client.blpop([key], timeout=_BLOCK_SECONDS)
            if item is not None:
                expires, _, payload = _parse(cast(bytes, item[1]))
                if expires > time.time():
                    return decode_message(payload)

    async def group_add(self, group: str, channel: str) -> None:
        """Add ``channel`` to ``group`` for ``group_expiry`` seconds."""
        check_group(group)
        check_channel(channel)
        state = self._state()
        key = f"{self.prefix}group:{group}"
        # NOTE: failing open, the membership is still kept locally: the reader adds it to
        # Redis again once it reconnects.
        with self._reachable("group_add"):
            async with state.client.pipeline(transaction=False) as pipe:
                pipe.zadd(key, {channel: time.time()})
                pipe.expire(key, math.ceil(self.group_expiry))
                await pipe.execute()
        if _inbox_of(channel) == state.inbox:
            state.groups.setdefault(group, set()).add(channel)

    async def group_discard(self, group: str, channel: str) -> None:
        """Remove ``channel`` from ``group``."""
        check_group(group)
        check_channel(channel)
        state = self._state()
        with self._reachable("group_discard"):
            await state.client.zrem(f"{self.prefix}group:{group}", channel)
        members = state.groups.get(group)
        if members is not None:
            members.discard(channel)
            if not members:
                del state.groups[group]

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        """Queue ``message`` on every current member of ``group``, in one round trip."""
        check_group(group)
        payload = encode_message(message)
        now = time.time()
        with self._reachable("group_send"):
            await self._state().script(
                keys=[f"{self.prefix}group:{group}"],
                args=[
                    now - self.group_expiry,
                    f"{now + self.expiry:.3f}",
                    payload,
                    self.prefix,
                    math.ceil(self.expiry),
                    self.inbox_capacity,
                ],
            )

    async def flush(self) -> None:
        """Delete every key under the prefix and drop local queues and memberships.

        The reader is stopped first, so that entries it had taken from Redis but not yet
        queued are dropped too; it starts again if it was running.
        """
        state = self._state()
        was_reading = await self._stop_reader(state)
        keys = [key async for key in state.client.scan_iter(match=f"{self.prefix}*", count=500)]
        if keys:
            await state.client.delete(*keys)
        for queue in state.queues.values():
            queue.clear()
        state.groups.clear()
        if was_reading:
            self._start_reader(state)

    async def close(self) -> None:
        """Stop the readers and close the connection pools of every loop."""
        with self._lock:
            states, self._states = self._states, {}
        current = asyncio.get_running_loop()
        for loop, state in states.items():
            if loop is current:
                await self._close_state(state)
            elif loop.is_running():
                future = asyncio.run_coroutine_threadsafe(self._close_state(state), loop)
                await asyncio.wrap_future(future)
            elif not loop.is_closed():
                # An idle loop, e.g. the one that runs async views under WSGI between
                # requests: run it in a worker thread just long enough to close its pool.
                await asyncio.to_thread(loop.run_until_complete, self._close_state(state))

    async def _close_state(self, state: _LoopState) -> None:
        await self._stop_reader(state)
        await state.reader_client.aclose()
        await state.client.aclose()

    # -- the reader ----------------------------------------------------------------------

    async def _stop_reader(self, state: _LoopState) -> bool:
        """Stop the loop's reader; whether it was running."""
        reader = state.reader
        running = reader is not None and not reader.done()
        # NOTE: redis-py may swallow a cancellation that lands inside a blocking read's own
        # timeout handling; cancel again until the reader has stopped.
        while reader is not None and not reader.done():
            reader.cancel()
            await asyncio.wait([reader], timeout=0.05)
        return running

    async def _read(self, state: _LoopState) -> None:
        """Move inbox entries to local queues until cancelled; reconnect on errors."""
        delay, lost = 0.1, False
        next_sweep = time.monotonic() + self.expiry
        while True:
            try:
                if lost:
                    await self._readd_groups(state)
                    logger.warning("Channel layer reconnected to Redis at %s.", self.url)
                    delay, lost = 0.1, False
                reader = state.reader_client
                item = await reader.blpop([state.inbox_key], timeout=_BLOCK_SECONDS)
                if item is not None:
                    entries = [cast(bytes, item[1])]
                    more = await reader.lpop(state.inbox_key, _BATCH)
                    if more:
                        entries.extend(cast(list[bytes], more))
                    self._deliver(state, entries)
            except _ERRORS as exc:
                if not lost:
                    logger.warning(
                        "Channel layer lost Redis at %s (%s); reconnecting.", self.url, exc
                    )
                lost = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
            except Exception:
                # NOTE: anything else (a Redis error reply, a foreign entry in the inbox) is
                # logged and retried: the reader must outlive it, or the process goes deaf.
                logger.exception("Channel layer reader error; retrying in %.1f s.", delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
            if time.monotonic() >= next_sweep:
                next_sweep = time.monotonic() + self.expiry
                self._sweep(state)

    def _deliver(self, state: _LoopState, entries: list[bytes]) -> None:
        now = time.time()
        for entry in entries:
            try:
                expires, channels, payload = _parse(entry)
            except ValueError:  # UnicodeDecodeError included
                logger.warning("Channel layer dropped a malformed entry in %s.", state.inbox_key)
                continue
            if expires > now:
                for channel in channels:
                    self._queue(state, channel).put(payload, expires)

    def _sweep(self, state: _LoopState) -> None:
        """Forget channels nobody reads and whose messages have expired."""
        for queue in state.queues.values():
            queue.sweep()
        state.queues = {name: queue for name, queue in state.queues.items() if not queue.idle}

    async def _readd_groups(self, state: _LoopState) -> None:
        """Add this process's memberships again: a restarted Redis may have lost them."""
        now = time.time()
        async with state.reader_client.pipeline(transaction=False) as pipe:
            for group, channels in state.groups.items():
                key = f"{self.prefix}group:{group}"
                pipe.zadd(key, dict.fromkeys(channels, now))
                pipe.expire(key, math.ceil(self.group_expiry))
            await pipe.execute()
