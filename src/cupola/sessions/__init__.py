"""Sessions and flash messages: signed-cookie sessions by default, server-side on demand.

Install :class:`SessionMiddleware` and set ``SECRET_KEY``; views then read and write
``session`` like a dict. ``SESSION_BACKEND = "memory://"`` or ``"redis://host:6379/0"`` keeps
the data on the server and only a signed id in the cookie.
"""

from __future__ import annotations

from cupola.sessions.base import Session, SessionBackend, SessionTooLarge
from cupola.sessions.cookie import CookieBackend
from cupola.sessions.flash import flash, get_flashed_messages
from cupola.sessions.middleware import SessionMiddleware
from cupola.sessions.serializer import TaggedJSONSerializer, tagged_json
from cupola.sessions.server import ServerBackend
from cupola.sessions.stores import MemoryStore, RedisStore, SessionStore, store_from_url

__all__ = [
    "CookieBackend",
    "MemoryStore",
    "RedisStore",
    "ServerBackend",
    "Session",
    "SessionBackend",
    "SessionMiddleware",
    "SessionStore",
    "SessionTooLarge",
    "TaggedJSONSerializer",
    "flash",
    "get_flashed_messages",
    "store_from_url",
    "tagged_json",
]
