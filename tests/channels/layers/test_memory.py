"""The in-memory layer: delivery across threads and loops, and its housekeeping."""

from __future__ import annotations

import asyncio
import threading
import time

from cupola.channels.layers import InMemoryChannelLayer


def test_send_from_another_thread_wakes_the_receiver() -> None:
    layer = InMemoryChannelLayer()

    async def main() -> dict[str, object]:
        channel = await layer.new_channel()
        receiving = asyncio.ensure_future(layer.receive(channel))
        await asyncio.sleep(0.01)
        sender = threading.Thread(
            target=asyncio.run, args=(layer.send(channel, {"type": "from.thread"}),)
        )
        sender.start()
        message = await asyncio.wait_for(receiving, 2)
        sender.join()
        return message

    assert asyncio.run(main()) == {"type": "from.thread"}


def test_idle_channels_and_expired_groups_are_forgotten() -> None:
    layer = InMemoryChannelLayer(expiry=0, group_expiry=0)

    async def main() -> None:
        for _ in range(10):
            channel = await layer.new_channel()
            await layer.group_add("room", channel)
            await layer.send(channel, {"type": "never.read"})
        time.sleep(0.01)
        await layer.send("other", {"type": "triggers.sweep"})

    asyncio.run(main())
    assert set(layer._channels) == {"other"}
    assert layer._groups == {}
