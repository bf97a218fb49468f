"""Behaviour every channel layer shares, run on each backend (see tests/channels/conftest.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from cupola.channels.layers import ChannelLayer

RunLayer = Any


async def receive_soon(layer: ChannelLayer, channel: str, timeout: float = 2.0) -> Any:
    return await asyncio.wait_for(layer.receive(channel), timeout)


async def nothing_on(layer: ChannelLayer, channel: str) -> bool:
    """Whether ``channel`` stays empty for a short while."""
    try:
        await asyncio.wait_for(layer.receive(channel), 0.15)
    except TimeoutError:
        return True
    return False


def test_send_and_receive_in_order(run_layer: RunLayer) -> None:
    async def main(layer: ChannelLayer) -> list[Any]:
        channel = await layer.new_channel()
        for n in range(5):
            await layer.send(channel, {"type": "count", "n": n})
        return [(await receive_soon(layer, channel))["n"] for _ in range(5)]

    assert run_layer(main) == [0, 1, 2, 3, 4]


def test_receive_waits_for_a_later_send(run_layer: RunLayer) -> None:
    async def main(layer: ChannelLayer) -> Any:
        channel = await layer.new_channel()
        waiting = asyncio.ensure_future(receive_soon(layer, channel))
        await asyncio.sleep(0.05)
        assert not waiting.done()
        await layer.send(channel, {"type": "late"})
        return await waiting

    assert run_layer(main) == {"type": "late"}


def test_each_receiver_gets_its_own_copy(run_layer: RunLayer) -> None:
    async def main(layer: ChannelLayer) -> tuple[Any, Any]:
        first, second = await layer.new_channel(), await layer.new_channel()
        await layer.group_add("room", first)
        await layer.group_add("room", second)
        message = {"type": "chat.message", "tags": ["a"]}
        await layer.group_send("room", message)
        message["tags"].append("changed by sender")
        one = await receive_soon(layer, first)
        one["tags"].append("changed by receiver")
        return one, await receive_soon(layer, second)

    one, two = run_layer(main)
    assert two == {"type": "chat.message", "tags": ["a"]}
    assert one["tags"] == ["a", "changed by receiver"]


def test_new_channels_are_unique_and_prefixed(run_layer: RunLayer) -> None:
    async def main(layer: ChannelLayer) -> list[str]:
        return [await layer.new_channel("chat") for _ in range(50)]

    names = run_layer(main)
    assert len(set(names)) == 50
    assert all(name.startswith("chat.") and "!" in name for name in names)


def test_group_send_reaches_members_only(run_layer: RunLayer) -> None:
    async def main(layer: ChannelLayer) -> tuple[Any, Any, bool]:
        member, other = await layer.new_channel(), await layer.new_channel()
        await layer.group_add("room", member)
        await layer.group_add("room", member)  # adding twice delivers once
        await layer.group_send("room", {"type": "hello"})
        await layer.group_send("empty-group", {"type": "nobody"})
        got = await receive_soon(layer, member)
        return got, await nothing_on(layer, member), await nothing_on(layer, other)

    got, member_then_empty, other_empty = run_layer(main)
    assert got == {"type": "hello"}
    assert member_then_empty and other_empty


def test_group_discard(run_layer: RunLayer) -> None:
    async def main(layer: ChannelLayer) -> tuple[bool, Any]:
        leaving, staying = await layer.new_channel(), await layer.new_channel()
        for channel in (leaving, staying):
            await layer.group_add("room", channel)
        await layer.group_discard("room", leaving)
        await layer.group_discard("room", leaving)  # not a member any more: no error
        await layer.group_discard("no-such-group", leaving)
        await layer.group_send("room", {"type": "after"})
        return await nothing_on(layer, leaving), await receive_soon(layer, staying)

    assert run_layer(main) == (True, {"type": "after"})


def test_group_membership_expires(run_layer: RunLayer) -> None:
    async def main(layer: ChannelLayer) -> bool:
        channel = await layer.new_channel()
        await layer.group_add("room", channel)
        await asyncio.sleep(0.01)
        await layer.group_send("room", {"type": "too.late"})
        return await nothing_on(layer, channel)

    assert run_layer(main, group_expiry=0)


def test_full_channel_drops_the_oldest(
    run_layer: RunLayer, caplog: pytest.LogCaptureFixture
) -> None:
    async def main(layer: ChannelLayer) -> list[int]:
        channel, marker = await layer.new_channel(), await layer.new_channel()
        await layer.group_add("room", channel)
        for n in range(5):
            await layer.group_send("room", {"type": "n", "n": n})
        await layer.send(channel, {"type": "n", "n": 5})
        # Both channels are served by one inbox, in order: once the marker is here, every
        # message above has reached the full channel.
        await layer.send(marker, {"type": "marker"})
        await receive_soon(layer, marker)
        got = [(await receive_soon(layer, channel))["n"] for _ in range(3)]
        assert await nothing_on(layer, channel)
        return got

    assert run_layer(main, capacity=3) == [3, 4, 5]
    assert "is full (3 messages): dropped the oldest" in caplog.text


def test_messages_expire_unread(run_layer: RunLayer) -> None:
    async def main(layer: ChannelLayer) -> bool:
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "stale"})
        await asyncio.sleep(0.01)
        return await nothing_on(layer, channel)

    assert run_layer(main, expiry=0)


def test_flush_drops_messages_and_groups(run_layer: RunLayer) -> None:
    async def main(layer: ChannelLayer) -> tuple[bool, bool]:
        channel = await layer.new_channel()
        await layer.group_add("room", channel)
        await layer.send(channel, {"type": "queued"})
        await layer.flush()
        queued_gone = await nothing_on(layer, channel)
        await layer.group_send("room", {"type": "after.flush"})
        return queued_gone, await nothing_on(layer, channel)

    assert run_layer(main) == (True, True)


def test_two_receivers_on_one_channel_is_an_error(run_layer: RunLayer) -> None:
    async def main(layer: ChannelLayer) -> None:
        channel = await layer.new_channel()
        first = asyncio.ensure_future(layer.receive(channel))
        await asyncio.sleep(0.01)
        try:
            with pytest.raises(RuntimeError, match="already receiving"):
                await layer.receive(channel)
        finally:
            first.cancel()

    run_layer(main)


def test_a_cancelled_receive_loses_no_message(run_layer: RunLayer) -> None:
    async def main(layer: ChannelLayer) -> Any:
        channel = await layer.new_channel()
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(layer.receive(channel), 0.05)
        await layer.send(channel, {"type": "kept"})
        return await receive_soon(layer, channel)

    assert run_layer(main) == {"type": "kept"}


@pytest.mark.parametrize(
    "name",
    ["", "a" * 101, "café", "room one", "room\n", "room!x", "a,b", 42],
)
def test_invalid_group_names(run_layer: RunLayer, name: Any) -> None:
    async def main(layer: ChannelLayer) -> None:
        channel = await layer.new_channel()
        for call in (
            lambda: layer.group_add(name, channel),
            lambda: layer.group_discard(name, channel),
            lambda: layer.group_send(name, {"type": "x"}),
        ):
            with pytest.raises(ValueError, match="Invalid group name"):
                await call()

    run_layer(main)


@pytest.mark.parametrize("name", ["", "c" * 101, "né", "a b", "a!b!c", "x\r\ny", None])
def test_invalid_channel_names(run_layer: RunLayer, name: Any) -> None:
    async def main(layer: ChannelLayer) -> None:
        for call in (
            lambda: layer.send(name, {"type": "x"}),
            lambda: layer.receive(name),
            lambda: layer.group_add("room", name),
        ):
            with pytest.raises(ValueError, match="Invalid channel name"):
                await call()

    run_layer(main)


@pytest.mark.parametrize("prefix", ["", "p" * 41, "a.b", "a!b", "ü"])
def test_invalid_channel_prefix(run_layer: RunLayer, prefix: str) -> None:
    async def main(layer: ChannelLayer) -> None:
        with pytest.raises(ValueError, match="Invalid channel prefix"):
            await layer.new_channel(prefix)

    run_layer(main)


@pytest.mark.parametrize(
    ("message", "error", "match"),
    [
        ("text", TypeError, "must be a dict, not str"),
        ({"text": "no type"}, ValueError, 'non-empty string "type"'),
        ({"type": ""}, ValueError, 'non-empty string "type"'),
        ({"type": 3}, ValueError, 'non-empty string "type"'),
        ({"type": "x", "when": object()}, TypeError, "JSON-serialisable"),
    ],
)
def test_invalid_messages(
    run_layer: RunLayer, message: Any, error: type[Exception], match: str
) -> None:
    async def main(layer: ChannelLayer) -> None:
        channel = await layer.new_channel()
        with pytest.raises(error, match=match):
            await layer.send(channel, message)
        with pytest.raises(error, match=match):
            await layer.group_send("room", message)

    run_layer(main)
