"""Password hashing with scrypt (RFC 7914), from the standard library's ``hashlib``.

A hash is a PHC-style string that carries everything needed to check it:
``$scrypt$ln=17,r=8,p=1$<salt>$<hash>`` (``ln`` is log2 of N; salt and hash are unpadded
base64). The defaults, N=2**17, r=8, p=1, are the OWASP Password Storage Cheat Sheet's
minimum for scrypt: 128 MiB of memory and some 0.4 s of one core per hash, which is what
makes a stolen table of hashes expensive to attack. ``PASSWORD_HASH_PARAMS`` changes them;
:func:`needs_rehash` then tells which stored hashes to upgrade, and
:func:`~cupola.auth.authenticate` upgrades them as their users log in.

Hashes migrated from other frameworks are checked too, so their users can log in and be
upgraded: Werkzeug's ``pbkdf2:<hash>:<iterations>$salt$hex`` and ``scrypt:<n>:<r>:<p>$salt$hex``
and Django's ``pbkdf2_sha256$<iterations>$salt$base64`` (and ``pbkdf2_sha1``).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import os
import secrets
import threading
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, NamedTuple

from cupola.context import get_app_context, has_app_context
from cupola.exceptions import ImproperlyConfigured

_SALT_BYTES = 16
_HASH_BYTES = 32
_MAX_LOG_N = 24  # a stored hash asking for more (N > 16 million) is refused, not computed
_MAX_RP = 64
_MAX_ITERATIONS = 10_000_000  # a foreign PBKDF2 hash asking for more is refused
_PBKDF2_HASHES = frozenset({"sha1", "sha256", "sha512"})
_PAD_SALT = b"cupola.auth.pad!"  # the salt of the check that only spends time

# NOTE: each hash holds 128·N·r bytes (128 MiB by default) and a core for its duration.
# More hashes at once than cores only queue for the CPU, while their memory adds up (40
# server threads logging in at once would want 5 GiB); so at most one per core runs.
_slots = threading.BoundedSemaphore(os.cpu_count() or 1)


class ScryptParams(NamedTuple):
    """scrypt's cost parameters.

    Attributes:
        n: CPU/memory cost, a power of two greater than 1.
        r: Block size.
        p: Parallelization.
    """

    n: int = 2**17
    r: int = 8
    p: int = 1

    @classmethod
    def from_setting(cls, value: Any) -> ScryptParams:
        """Read ``PASSWORD_HASH_PARAMS``: ``None`` (the defaults) or ``{"n", "r", "p"}``.

        Raises:
            ImproperlyConfigured: For anything else, or parameters scrypt refuses.
        """
        if value is None:
            return DEFAULT_PARAMS
        if isinstance(value, ScryptParams):
            params = value
        elif isinstance(value, Mapping) and set(value) <= {"n", "r", "p"}:
            params = cls(**value)
        else:
            raise ImproperlyConfigured(
                'PASSWORD_HASH_PARAMS must be None or a dict such as {"n": 2**17, "r": 8, '
                f'"p": 1}}, not {value!r}.'
            )
        if not _valid(params):
            raise ImproperlyConfigured(
                f"PASSWORD_HASH_PARAMS {dict(params._asdict())!r} are out of range: n must be "
                f"a power of two from 2 to 2**{_MAX_LOG_N}, r and p from 1 to {_MAX_RP}."
            )
        return params


#: OWASP's recommended minimum for scrypt.
DEFAULT_PARAMS = ScryptParams()


def hash_password(password: str, params: ScryptParams | None = None) -> str:
    """Hash ``password`` with scrypt and a new random salt.

    Args:
        password: The password, as typed.
        params: Cost parameters; by default the current app's ``PASSWORD_HASH_PARAMS``
            (inside an app or request context), else :data:`DEFAULT_PARAMS`.

    Returns:
        The encoded hash, to store in place of the password.

    Example:
        >>> hashed = hash_password("correct horse", ScryptParams(n=2**10))
        >>> verify_password(hashed, "correct horse"), verify_password(hashed, "wrong")
        (True, False)
    """
    params = params or configured_params()
    salt = secrets.token_bytes(_SALT_BYTES)
    digest = _scrypt(password, salt, params)
    cost = f"ln={params.n.bit_length() - 1},r={params.r},p={params.p}"
    return f"$scrypt${cost}${_b64(salt)}${_b64(digest)}"


def verify_password(hashed: str, password: str, params: ScryptParams | None = None) -> bool:
    """Check ``password`` against a stored hash, in constant time.

    Accepts Cupola's hashes and those of Werkzeug (``pbkdf2:``, ``scrypt:``) and Django
    (``pbkdf2_sha256$``). Never raises for a malformed or unknown hash: it is simply not a
    match. Every check spends at least the cost of a hash with the current parameters,
    whatever the stored hash is (malformed, foreign or made with cheaper parameters), so
    that a login's duration does not tell an existing account from an unknown one.

    Args:
        hashed: The stored hash.
        password: The password as typed.
        params: The current parameters; by default the configured ones.
    """
    current = params or configured_params()
    parsed = _parse(hashed)
    if parsed is not None:
        stored, salt, expected = parsed
        matches = hmac.compare_digest(_scrypt(password, salt, stored), expected)
        if stored == current:
            return matches
    else:
        check = _foreign(hashed)
        matches = check is not None and hmac.compare_digest(check[0](password), check[1])
    # NOTE: pad with a full check at the current cost (as Django's harden_runtime does);
    # such hashes are rare once their users have logged in once and been upgraded.
    _scrypt(password, _PAD_SALT, current)
    return matches


def needs_rehash(hashed: str, params: ScryptParams | None = None) -> bool:
    """Whether ``hashed`` was made with other parameters than ``params`` (or is malformed).

    Args:
        hashed: A stored hash.
        params: The wanted parameters; by default the configured ones.
    """
    parsed = _parse(hashed)
    return parsed is None or parsed[0] != (params or configured_params())


def configured_params() -> ScryptParams:
    """The current app's ``PASSWORD_HASH_PARAMS`` (the defaults outside any app context)."""
    if not has_app_context():
        return DEFAULT_PARAMS
    return ScryptParams.from_setting(get_app_context().app.config["PASSWORD_HASH_PARAMS"])


@functools.lru_cache(maxsize=8)
def dummy_hash(params: ScryptParams) -> str:
    """A hash of a random password, to check against when a user name is unknown.

    Checking costs as much as for a real user, so a login's duration does not reveal
    whether the account exists.
    """
    return hash_password(secrets.token_urlsafe(16), params)


def _scrypt(password: str, salt: bytes, params: ScryptParams, length: int = _HASH_BYTES) -> bytes:
    if not isinstance(password, str):
        raise TypeError(f"A password must be a str, not {type(password).__name__}.")
    n, r, p = params
    with _slots:
        return hashlib.scrypt(
            password.encode("utf-8", "surrogatepass"),
            salt=salt,
            n=n,
            r=r,
            p=p,
            maxmem=129 * n * r * p + 1024 * 1024,  # OpenSSL needs 128·N·r·p plus a little
            dklen=length,
        )


def _parse(hashed: Any) -> tuple[ScryptParams, bytes, bytes] | None:
    if not isinstance(hashed, str):
        return None
    parts = hashed.split("$")
    if len(parts) != 5 or parts[0] or parts[1] != "scrypt":
        return None
    try:
        cost = dict(item.split("=", 1) for item in parts[2].split(","))
        log_n, r, p = int(cost["ln"]), int(cost["r"]), int(cost["p"])
        salt, digest = _unb64(parts[3]), _unb64(parts[4])
    except (ValueError, KeyError, binascii.Error):
        return None
    if not 1 <= log_n <= _MAX_LOG_N or not salt or len(digest) != _HASH_BYTES:
        return None
    params = ScryptParams(2**log_n, r, p)
    return (params, salt, digest) if _valid(params) else None


def _foreign(hashed: Any) -> tuple[Callable[[str], bytes], bytes] | None:
    """Werkzeug's and Django's formats: ``(compute(password), expected)``, or ``None``."""
    if not isinstance(hashed, str) or hashed.count("$") not in (2, 3):
        return None
    try:
        if hashed.count("$") == 3:
            return _django(*hashed.split("$"))
        return _werkzeug(*hashed.split("$"))
    except (ValueError, binascii.Error):
        return None


def _werkzeug(method: str, salt: str, digest: str) -> tuple[Callable[[str], bytes], bytes] | None:
    """``pbkdf2:sha256:600000$salt$hex`` or ``scrypt:32768:8:1$salt$hex``."""
    kind, *args = method.split(":")
    expected = bytes.fromhex(digest)
    if kind == "pbkdf2" and len(args) == 2:
        return _pbkdf2(args[0], int(args[1]), salt, len(expected)), expected
    if kind == "scrypt" and len(args) in (0, 3):
        params = ScryptParams(*map(int, args)) if args else ScryptParams(n=2**15)
        if not _valid(params) or not salt:
            return None
        return partial(_scrypt, salt=salt.encode(), params=params, length=64), expected
    return None


def _django(
    algorithm: str, iterations: str, salt: str, digest: str
) -> tuple[Callable[[str], bytes], bytes] | None:
    """``pbkdf2_sha256$<iterations>$<salt>$<base64>`` (or ``pbkdf2_sha1``)."""
    if algorithm not in ("pbkdf2_sha256", "pbkdf2_sha1"):
        return None
    expected = base64.b64decode(digest, validate=True)
    return _pbkdf2(algorithm[7:], int(iterations), salt, len(expected)), expected


def _pbkdf2(name: str, iterations: int, salt: str, length: int) -> Callable[[str], bytes]:
    if name not in _PBKDF2_HASHES or not 1 <= iterations <= _MAX_ITERATIONS or not length:
        raise ValueError("not a PBKDF2 hash this module checks")

    def compute(password: str) -> bytes:
        if not isinstance(password, str):
            raise TypeError(f"A password must be a str, not {type(password).__name__}.")
        with _slots:
            return hashlib.pbkdf2_hmac(name, password.encode(), salt.encode(), iterations)

    return compute


def _valid(params: ScryptParams) -> bool:
    n, r, p = params
    return (
        all(type(value) is int for value in params)
        and 2 <= n <= 2**_MAX_LOG_N
        and n & (n - 1) == 0
        and 1 <= r <= _MAX_RP
        and 1 <= p <= _MAX_RP
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
