"""The server-side session backend: the cookie holds a signed random id, a store the data.

Use it when sessions grow past a cookie, must be revocable (logout deletes the data, so a
copied cookie is worthless) or hold what the client must not read. The id is 256 random
bits (``secrets.token_urlsafe(32)``), signed so that forged ids are refused before the store
is asked; data lives in the store under a TTL of ``PERMANENT_SESSION_LIFETIME``. An id the
store no longer knows is never reused, so a planted id cannot fixate a session.

NOTE: stores are synchronous, and the session is loaded where it is first touched. A route
whose callables are all sync loads and saves it off the event loop (in a worker thread under
ASGI). With an ``async def`` view, a Redis session costs one blocking round trip on the event
loop to load and one to save, each well under a millisecond on a local network. An async
middleware hook could await instead, but a stack with an async hook puts every route of the
app on the async path: a far larger cost, paid by requests that never touch a session.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

from itsdangerous import BadSignature, Signer

from cupola.sessions.base import Session, SessionBackend
from cupola.sessions.serializer import tagged_json
from cupola.sessions.stores import SessionStore

#: Signatures made for session ids are useless anywhere else that signs with the same key.
SALT = "cupola.session.id"


class ServerBackend(SessionBackend):
    """Keeps session data in a :class:`~cupola.sessions.stores.SessionStore`.

    Args:
        secret_keys: Keys to verify ids with, newest last; the last one signs.
        lifetime: Seconds an unchanged session lives in the store.
        store: Where the data lives.
    """

    def __init__(self, secret_keys: Sequence[bytes], lifetime: int, store: SessionStore) -> None:
        self.lifetime = lifetime
        self.store = store
        self.signer = Signer(
            list(secret_keys), salt=SALT, key_derivation="hmac", digest_method=hashlib.sha256
        )

    def load(self, value: str) -> Session:
        """Verify the id and fetch its data; an empty session when either fails."""
        try:
            sid = self.signer.unsign(value).decode()
        except BadSignature:
            return Session()
        data = self.store.get(sid)
        if data is None:  # expired, deleted at logout, or regenerated away
            return Session()
        return Session(tagged_json.loads(data), sid=sid)

    def dump(self, session: Session) -> str:
        """Store the data (under a new id when new or regenerated) and sign the id."""
        sid = session.sid
        if sid is None or session.regenerated:
            if sid is not None:
                self.store.delete(sid)
            sid = session.sid = secrets.token_urlsafe(32)
            session.regenerated = False
        self.store.set(sid, tagged_json.dumps(session.to_dict()).encode(), self.lifetime)
        return self.signer.sign(sid).decode()

    def refresh(self, session: Session) -> str:
        """Restart the data's TTL without rewriting it (a concurrent change survives)."""
        sid = session.sid
        if sid is None:  # never stored: the view reset ``modified`` after writing to it
            return self.dump(session)
        self.store.touch(sid, self.lifetime)
        return self.signer.sign(sid).decode()

    def discard(self, session: Session) -> None:
        """Delete an emptied session's data, so its cookie is worthless from now on."""
        if session.sid is not None:
            self.store.delete(session.sid)
            session.sid = None
