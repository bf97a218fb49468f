"""The Redis layer: several processes (here, several layers) on one Redis."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
import redis

from cupola.channels.layers.redis import RedisChannelLayer


@pytest.fixture
def layers(redis_url: str, redis_prefix: str) -> Any:
    """``layers(n)``: n layers sharing one Redis and prefix, as n processes would."""
    return lambda n: [RedisChannelLayer(redis_url, prefix=redis_prefix) for _ in range(n)]


async def close_all(*layers: RedisChannelLayer) -> None:
    await layers[0].flush()
    for layer in layers:
        await layer.close()


def test_a_group_spans_processes_and_each_member_gets_one_copy(layers: Any) -> None:
    async def main() -> list[list[Any]]:
        first, second = layers(2)
        try:
            channels = [await first.new_channel() for _ in range(3)]
            channels += [await second.new_channel() for _ in range(2)]
            for channel in channels:
                await (first if channel in channels[:3] else second).group_add("room", channel)
            for n in range(3):
                await (first, second)[n % 2].group_send("room", {"type": "n", "n": n})
            got = []
            for index, channel in enumerate(channels):
                layer = first if index < 3 else second
                got.append(
                    [(await asyncio.wait_for(layer.receive(channel), 2))["n"] for _ in range(3)]
                )
            return got
        finally:
            await close_all(first, second)

    assert asyncio.run(main()) == [[0, 1, 2]] * 5


def test_send_reaches_a_channel_of_another_process(layers: Any) -> None:
    async def main() -> Any:
        first, second = layers(2)
        try:
            channel = await second.new_channel()
            await first.send(channel, {"type": "direct"})
            return await asyncio.wait_for(second.receive(channel), 2)
        finally:
            await close_all(first, second)

    assert asyncio.run(main()) == {"type": "direct"}


def test_receiving_on_another_process_channel_is_an_error(layers: Any) -> None:
    async def main() -> None:
        first, second = layers(2)
        try:
            channel = await second.new_channel()
            with pytest.raises(ValueError, match="belongs to another process"):
                await first.receive(channel)
        finally:
            await close_all(first, second)

    asyncio.run(main())


def test_named_channels_are_shared_queues(layers: Any) -> None:
    async def main() -> list[Any]:
        first, second = layers(2)
        try:
            await first.send("jobs", {"type": "job", "n": 1})
            await first.send("jobs", {"type": "job", "n": 2})
            return [
                await asyncio.wait_for(second.receive("jobs"), 2),
                await asyncio.wait_for(first.receive("jobs"), 2),
            ]
        finally:
            await close_all(first, second)

    assert [m["n"] for m in asyncio.run(main())] == [1, 2]


def test_named_channels_in_a_group(layers: Any) -> None:
    async def main() -> Any:
        (layer,) = layers(1)
        try:
            await layer.group_add("workers", "jobs")
            await layer.group_send("workers", {"type": "job"})
            return await asyncio.wait_for(layer.receive("jobs"), 2)
        finally:
            await close_all(layer)

    assert asyncio.run(main()) == {"type": "job"}


def test_close_reaches_the_loops_of_other_threads(layers: Any) -> None:
    (layer,) = layers(1)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        channel = asyncio.run_coroutine_threadsafe(layer.new_channel(), loop).result(5)

        async def main() -> int:
            await layer.send(channel, {"type": "x"})  # a second loop: its own pool
            pools = len(layer._states)
            await layer.close()
            return pools

        assert asyncio.run(main()) == 2
        assert layer._states == {}
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


def test_the_reader_reconnects_and_adds_its_memberships_again(
    layers: Any, redis_url: str, redis_prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    admin = redis.Redis.from_url(redis_url)

    async def main() -> Any:
        first, second = layers(2)
        try:
            channel = await first.new_channel()
            await first.group_add("room", channel)
            state = next(iter(first._states.values()))
            await asyncio.sleep(0.05)  # the reader is connected and waiting
            # What a restarted, empty Redis looks like to the layer: its reader connection
            # is cut and the group is gone.
            admin.client_kill_filter(_id=_reader_id(admin, state))
            admin.delete(f"{redis_prefix}group:room")
            deadline = asyncio.get_running_loop().time() + 10
            while True:
                await second.group_send("room", {"type": "after"})
                try:
                    return await asyncio.wait_for(first.receive(channel), 0.3)
                except TimeoutError:
                    assert asyncio.get_running_loop().time() < deadline
        finally:
            await close_all(first, second)

    try:
        assert asyncio.run(main()) == {"type": "after"}
    finally:
        admin.close()
    assert "Channel layer lost Redis" in caplog.text
    assert "Channel layer reconnected to Redis" in caplog.text


def _reader_id(admin: redis.Redis, state: Any) -> str:
    name = f"cupola-channels-reader-{state.inbox}"
    for client in admin.client_list():
        if client["name"] == name:
            return str(client["id"])
    raise AssertionError(f"no Redis client named {name}")


def test_the_reader_forgets_channels_nobody_reads(layers: Any) -> None:
    async def main() -> bool:
        (layer,) = layers(1)
        layer.expiry = 0.05
        try:
            channel = await layer.new_channel()
            state = next(iter(layer._states.values()))
            await layer.send(channel, {"type": "never.read"})
            deadline = asyncio.get_running_loop().time() + 5
            while channel in state.queues:
                assert asyncio.get_running_loop().time() < deadline
                await asyncio.sleep(0.05)
            return True
        finally:
            await close_all(layer)

    assert asyncio.run(main())


def test_the_reader_outlives_a_foreign_inbox_entry(
    layers: Any, redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    async def main() -> Any:
        (layer,) = layers(1)
        try:
            channel = await layer.new_channel()
            state = next(iter(layer._states.values()))
            await state.client.rpush(state.inbox_key, b"not an entry")
            await layer.send(channel, {"type": "after"})
            return await asyncio.wait_for(layer.receive(channel), 5)
        finally:
            await close_all(layer)

    assert asyncio.run(main()) == {"type": "after"}
    assert "Channel layer dropped a malformed entry" in caplog.text


def test_the_reader_outlives_a_redis_error(layers: Any, caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> Any:
        (layer,) = layers(1)
        try:
            channel = await layer.new_channel()
            state = next(iter(layer._states.values()))
            await state.client.set(state.inbox_key, "not a list")  # BLPOP: WRONGTYPE
            deadline = asyncio.get_running_loop().time() + 5
            while "Channel layer reader error" not in caplog.text:
                assert asyncio.get_running_loop().time() < deadline
                await asyncio.sleep(0.02)
            await state.client.delete(state.inbox_key)
            await layer.send(channel, {"type": "after"})
            return await asyncio.wait_for(layer.receive(channel), 5)
        finally:
            await close_all(layer)

    assert asyncio.run(main()) == {"type": "after"}


def test_flush_drops_entries_the_reader_has_taken_but_not_queued(layers: Any) -> None:
    """An entry popped from Redis just before a flush must not be queued after it."""

    async def main() -> bool:
        (layer,) = layers(1)
        try:
            channel = await layer.new_channel()
            state = layer._state()
            taken, hold = asyncio.Event(), asyncio.Event()
            lpop = state.reader_client.lpop

            async def paused_lpop(*args: Any) -> Any:
                taken.set()  # the reader holds the entry BLPOP returned
                await hold.wait()
                return await lpop(*args)

            state.reader_client.lpop = paused_lpop  # type: ignore[method-assign]
            await layer.send(channel, {"type": "before.flush"})
            await asyncio.wait_for(taken.wait(), 2)
            await layer.flush()
            hold.set()
            try:
                await asyncio.wait_for(layer.receive(channel), 0.3)
            except TimeoutError:
                return True
            return False
        finally:
            await close_all(layer)

    assert asyncio.run(main())
