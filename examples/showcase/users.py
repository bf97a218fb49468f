"""The bookshelf's accounts: user names and password hashes, kept in memory.

Passwords are hashed with scrypt and a random salt per user, and checked in constant time.
The store lives as long as the process: a restart forgets every account. It stands in for
a database table until Cupola has one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass

# scrypt with N=2**14, r=8, p=1: the interactive-login parameters of RFC 7914 §2 (16 MiB of
# memory, some tens of milliseconds per hash).
_N, _R, _P = 2**14, 8, 1
_SALT_BYTES = 16
_HASH_BYTES = 32


def hash_password(password: str) -> str:
    """Hash ``password`` with scrypt and a new random salt.

    Returns:
        ``"scrypt$N$r$p$<salt hex>$<hash hex>"``: everything :func:`check_password` needs.
    """
    salt = secrets.token_bytes(_SALT_BYTES)
    digest = _scrypt(password, salt, _N, _R, _P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def check_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches a hash made by :func:`hash_password`."""
    try:
        algorithm, n, r, p, salt, expected = encoded.split("$")
        if algorithm != "scrypt":
            return False
        digest = _scrypt(password, bytes.fromhex(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(digest, bytes.fromhex(expected))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=_HASH_BYTES)


@dataclass(frozen=True, slots=True)
class User:
    """One account: a user name and the hash of its password."""

    username: str
    password_hash: str


class UsernameTaken(Exception):
    """Sign-up with a user name that already has an account."""


class UserStore:
    """Accounts by user name (compared without regard to case), safe to share between threads."""

    def __init__(self) -> None:
        self._users: dict[str, User] = {}
        self._lock = threading.Lock()
        # NOTE: checked against when the user name is unknown, so that a wrong name takes
        # as long to refuse as a wrong password and response times reveal no accounts.
        self._decoy = hash_password(secrets.token_hex(16))

    def __len__(self) -> int:
        return len(self._users)

    def create(self, username: str, password: str) -> User:
        """Add an account.

        Raises:
            UsernameTaken: When ``username`` already has one.
        """
        user = User(username, hash_password(password))
        key = username.casefold()
        with self._lock:
            if key in self._users:
                raise UsernameTaken(username)
            self._users[key] = user
        return user

    def authenticate(self, username: str, password: str) -> User | None:
        """The account with this user name and password, or ``None``."""
        user = self._users.get(username.casefold())
        encoded = user.password_hash if user is not None else self._decoy
        if check_password(password, encoded) and user is not None:
            return user
        return None


users = UserStore()
