"""Sessions: the per-visitor mapping views read and write, and the backends that keep it.

A :class:`Session` is a mutable mapping that records whether it changed. A
:class:`SessionBackend` turns the value of the session cookie into a session and a session
back into a cookie value; whether the data travels in the cookie itself or stays in a store
is the backend's business. :class:`~cupola.sessions.SessionMiddleware` decides when to do it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, MutableMapping
from typing import Any, ClassVar

from cupola.exceptions import CupolaError

#: The longest ``Set-Cookie`` value browsers are sure to keep (RFC 6265 §6.1 asks for at
#: least 4096 bytes per cookie, name and attributes included; Werkzeug uses this bound).
MAX_COOKIE_SIZE = 4093

_PERMANENT = "_permanent"
_CSRF_SECRET = "_csrf_secret"


class Session(MutableMapping[str, Any]):
    """The session of the current visitor: a mapping that records changes.

    Setting or deleting a key, ``update``, ``pop``, ``setdefault`` and :meth:`clear` mark
    the session :attr:`modified`, so it is saved. Changing a value in place does not:
    after ``session["cart"].append(item)``, set ``session.modified = True``. Values may be
    JSON types plus ``datetime``, ``date``, ``UUID``, ``bytes``, ``tuple`` and ``Markup``.
    Keys starting with ``_`` are reserved for Cupola (``_permanent``, ``_flashes``,
    ``_csrf_secret``).

    Args:
        data: The stored data.
        sid: The server-side identifier the data was loaded under, if any.

    Attributes:
        modified: Whether the session is saved at the end of the request.
        regenerated: Whether :meth:`regenerate` was called during this request.
        sid: The server-side identifier; ``None`` for cookie sessions and new sessions.
            After :meth:`regenerate`, the new identifier is assigned when the session is
            saved.

    Example:
        >>> session = Session()
        >>> session["user_id"] = 42
        >>> session.modified
        True
    """

    __slots__ = ("_data", "detached", "modified", "regenerated", "sid")

    def __init__(self, data: dict[str, Any] | None = None, sid: str | None = None) -> None:
        self._data: dict[str, Any] = data if data is not None else {}
        self.sid = sid
        self.modified = False
        self.regenerated = False
        # True for the stand-in session of an outage that fails open: never saved.
        self.detached = False

    def __repr__(self) -> str:
        return f"<Session {self._data!r}>"

    # -- reading ----------------------------------------------------------------------------

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def get(self, key: str, default: Any = None) -> Any:
        """Return the value of ``key``, or ``default``."""
        return self._data.get(key, default)

    def to_dict(self) -> dict[str, Any]:
        """Return a shallow copy of the data, for serialization."""
        return dict(self._data)

    # -- writing ----------------------------------------------------------------------------

    def __setitem__(self, key: str, value: Any) -> None:
        self._data[key] = value
        self.modified = True

    def __delitem__(self, key: str) -> None:
        del self._data[key]
        self.modified = True

    def setdefault(self, key: str, default: Any = None) -> Any:
        """Return the value of ``key``, storing ``default`` first when it is missing.

        The session counts as modified either way, since the value returned is often
        changed in place (``session.setdefault("cart", []).append(item)``).
        """
        self.modified = True
        return self._data.setdefault(key, default)

    def clear(self) -> None:
        """Remove everything; the cookie is deleted at the end of the request (logout).

        The session also gets a new identity, as with :meth:`regenerate`: when something is
        written after ``clear()`` (a flash message after logout), a server-side backend
        stores it under a new id, so a cookie copied before is worthless.
        """
        self._data.clear()
        self.regenerated = True
        self.modified = True

    @property
    def permanent(self) -> bool:
        """Whether the session outlives the browser session.

        A permanent session's cookie carries ``Max-Age`` (``PERMANENT_SESSION_LIFETIME``);
        any other lasts until the browser closes. Either way the server refuses a session
        older than the lifetime.
        """
        return bool(self._data.get(_PERMANENT, False))

    @permanent.setter
    def permanent(self, value: bool) -> None:
        if value and not self.permanent:
            self[_PERMANENT] = True
        elif not value and self.permanent:
            del self[_PERMANENT]

    def regenerate(self) -> None:
        """Give the session a new identity, keeping its data; call it on login.

        This stops session fixation: an identifier an attacker planted before login is
        worthless after it. With a server-side backend the data moves to a new identifier
        and the old one is deleted from the store; with the cookie backend a new signed
        cookie is issued. Either way the CSRF secret (``"_csrf_secret"``) is removed, so
        the CSRF layer makes a new one and tokens from before login stop working.
        """
        self._data.pop(_CSRF_SECRET, None)
        self.regenerated = True
        self.modified = True


class SessionTooLarge(CupolaError):
    """A session no longer fits in a cookie; keep it server-side instead.

    Args:
        size: The length of the ``Set-Cookie`` value that would have been sent.
    """

    def __init__(self, size: int) -> None:
        super().__init__(
            f"The session cookie would be {size} bytes, over the {MAX_COOKIE_SIZE} bytes "
            "browsers keep, so the browser would drop it. Store less in the session, or keep "
            'sessions server-side: SESSION_BACKEND = "memory://" (one process) or '
            'SESSION_BACKEND = "redis://localhost:6379/0" (shared by every process).'
        )
        self.size = size


class SessionBackend(ABC):
    """Where session data lives, seen from the session cookie.

    :class:`~cupola.sessions.SessionMiddleware` calls :meth:`load` with the cookie's value
    when a view first touches the session, and at the end of the request :meth:`dump`
    (changed), :meth:`refresh` (unchanged, re-issued) or :meth:`discard` (emptied).

    Attributes:
        waits_on_io: Whether :meth:`load` may wait on a store (a network or a disk); a
            WebSocket handshake then loads the session in a worker thread.
    """

    waits_on_io: ClassVar[bool] = True

    @abstractmethod
    def load(self, value: str) -> Session:
        """Return the session a cookie value stands for.

        A value that is tampered with, expired, truncated, garbage or too large gives an
        empty session, never an error.
        """

    @abstractmethod
    def dump(self, session: Session) -> str:
        """Save a changed session and return the new value of its cookie."""

    @abstractmethod
    def refresh(self, session: Session) -> str:
        """Extend an unchanged session's lifetime and return the value of its cookie."""

    @abstractmethod
    def discard(self, session: Session) -> None:
        """Forget the data of a session that was emptied."""
