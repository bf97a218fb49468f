"""The channel layer interface: named channels and groups shared by a set of processes.

A *channel* is a mailbox read by one consumer (usually one WebSocket connection); a *group*
is a named set of channels that receive every message sent to it. A layer moves messages,
dicts with a string ``"type"``, between them. :class:`ChannelLayer` is the backend ABC;
``InMemoryChannelLayer`` serves one process and ``RedisChannelLayer`` many processes.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any

import orjson

#: The longest channel or group name a layer accepts.
MAX_NAME_LENGTH = 100

# ASCII letters, digits, "-", "_" and "."; a channel from new_channel() adds "!" and a
# process-local part after it.
_GROUP_NAME = re.compile(r"[A-Za-z0-9._\-]+")
_CHANNEL_NAME = re.compile(r"[A-Za-z0-9._\-]+(![A-Za-z0-9._\-]*)?")
_PREFIX = re.compile(r"[A-Za-z0-9_\-]{1,40}")


class ChannelLayer(ABC):
    """A channel layer backend: point-to-point channels plus groups.

    Every method is a coroutine. Messages are dicts with a ``"type"`` string and
    JSON-serialisable values; each receiver gets its own copy.
    """

    @abstractmethod
    async def new_channel(self, prefix: str = "specific") -> str:
        """Return a new, unique channel name that this process receives on."""

    @abstractmethod
    async def send(self, channel: str, message: dict[str, Any]) -> None:
        """Queue ``message`` on ``channel``."""

    @abstractmethod
    async def receive(self, channel: str) -> dict[str, Any]:
        """Wait for the next message on ``channel`` and return it."""

    @abstractmethod
    async def group_add(self, group: str, channel: str) -> None:
        """Add ``channel`` to ``group`` (or refresh its membership)."""

    @abstractmethod
    async def group_discard(self, group: str, channel: str) -> None:
        """Remove ``channel`` from ``group``; nothing happens when it is not a member."""

    @abstractmethod
    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        """Queue ``message`` on every channel of ``group``."""

    @abstractmethod
    async def flush(self) -> None:
        """Drop every queued message and every group (for tests)."""

    @abstractmethod
    async def close(self) -> None:
        """Release connections and background tasks; the layer may be used again later."""


def check_group(name: str) -> str:
    """Return ``name`` when it is a valid group name.

    Raises:
        ValueError: When it is not a string of 1 to 100 ASCII letters, digits, ``-``, ``_``
            or ``.``.
    """
    if not (isinstance(name, str) and len(name) <= MAX_NAME_LENGTH and _GROUP_NAME.fullmatch(name)):
        raise ValueError(
            f"Invalid group name {name!r}: use 1 to {MAX_NAME_LENGTH} ASCII letters, digits, "
            "'-', '_' or '.'."
        )
    return name


def check_channel(name: str) -> str:
    """Return ``name`` when it is a valid channel name.

    Raises:
        ValueError: When it is not a string of 1 to 100 ASCII letters, digits, ``-``, ``_``
            or ``.``, optionally followed by ``!`` and a process-local part.
    """
    if not (
        isinstance(name, str) and len(name) <= MAX_NAME_LENGTH and _CHANNEL_NAME.fullmatch(name)
    ):
        raise ValueError(
            f"Invalid channel name {name!r}: use 1 to {MAX_NAME_LENGTH} ASCII letters, digits, "
            "'-', '_' or '.' (names from new_channel() add '!')."
        )
    return name


def check_prefix(prefix: str) -> str:
    """Return ``prefix`` when it may start a channel name from ``new_channel``.

    Raises:
        ValueError: When it is not 1 to 40 ASCII letters, digits, ``-`` or ``_``.
    """
    if not (isinstance(prefix, str) and _PREFIX.fullmatch(prefix)):
        raise ValueError(
            f"Invalid channel prefix {prefix!r}: use 1 to 40 ASCII letters, digits, '-' or '_'."
        )
    return prefix


def encode_message(message: dict[str, Any]) -> bytes:
    """Check ``message`` and serialise it as JSON.

    Raises:
        TypeError: When it is not a dict or holds a value JSON cannot represent.
        ValueError: When its ``"type"`` is missing or not a non-empty string.
    """
    if not isinstance(message, dict):
        raise TypeError(f"A channel message must be a dict, not {type(message).__name__}.")
    kind = message.get("type")
    if not isinstance(kind, str) or not kind:
        raise ValueError(
            'A channel message needs a non-empty string "type", such as "chat.message".'
        )
    try:
        return orjson.dumps(message)
    except TypeError as exc:
        raise TypeError(f"A channel message must be JSON-serialisable: {exc}") from None


def decode_message(payload: bytes) -> dict[str, Any]:
    """Deserialise a message encoded by :func:`encode_message`."""
    message: dict[str, Any] = orjson.loads(payload)
    return message
