"""The signed-cookie session backend, the default: the data travels in the cookie itself.

The session is tagged JSON, signed (HMAC-SHA256, itsdangerous) with ``SECRET_KEY`` and a
timestamp. The client can read the data but not change it; the server refuses a cookie
whose signature is older than ``PERMANENT_SESSION_LIFETIME``, whatever the browser keeps.
Being stateless, a cookie copied before logout stays valid until it expires: keep secrets
server-side, or use a server-side backend when that matters.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from itsdangerous import BadData, URLSafeTimedSerializer

from cupola.sessions.base import MAX_COOKIE_SIZE, Session, SessionBackend
from cupola.sessions.serializer import tagged_json

#: Signatures made for sessions are useless anywhere else that signs with the same key.
SALT = "cupola.session"


class CookieBackend(SessionBackend):
    """Keeps the whole session in a signed cookie.

    Args:
        secret_keys: Keys to verify with, newest last; the last one signs. Older keys
            (``SECRET_KEY_FALLBACKS``) let sessions survive a key rotation.
        lifetime: Seconds after signing when a cookie is refused.
    """

    def __init__(self, secret_keys: Sequence[bytes], lifetime: int) -> None:
        self.lifetime = lifetime
        self.serializer = URLSafeTimedSerializer(
            list(secret_keys),
            salt=SALT,
            serializer=tagged_json,
            signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha256},
        )

    def load(self, value: str) -> Session:
        """Verify and decode the cookie; an empty session when that fails."""
        if len(value) > MAX_COOKIE_SIZE:  # no browser sends one; don't spend an HMAC on it
            return Session()
        try:
            data = self.serializer.loads(value, max_age=self.lifetime)
        except BadData:  # bad signature or encoding, expired, or a payload we never wrote
            return Session()
        return Session(data) if isinstance(data, dict) else Session()

    def dump(self, session: Session) -> str:
        """Sign the session's data, with the current time."""
        return self.serializer.dumps(session.to_dict())

    def refresh(self, session: Session) -> str:
        """Sign the data again, so the lifetime counts from now."""
        return self.dump(session)

    def discard(self, session: Session) -> None:
        """Nothing to forget: the data lived in the cookie, which is deleted."""
