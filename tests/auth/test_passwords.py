"""Password hashing with scrypt (cupola/auth/passwords.py)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from cupola import Cupola
from cupola.auth import ScryptParams, hash_password, needs_rehash, verify_password
from cupola.auth.passwords import DEFAULT_PARAMS, configured_params
from cupola.exceptions import ImproperlyConfigured

CHEAP = ScryptParams(n=2**8)


def test_the_defaults_are_owasps_minimum_for_scrypt() -> None:
    assert (DEFAULT_PARAMS.n, DEFAULT_PARAMS.r, DEFAULT_PARAMS.p) == (2**17, 8, 1)
    assert configured_params() == DEFAULT_PARAMS


@pytest.mark.parametrize("password", ["p", "pässwörd ✓", "x" * 10_000, "\ud800 lone surrogate"])
def test_round_trip(password: str) -> None:
    hashed = hash_password(password, CHEAP)
    assert verify_password(hashed, password, CHEAP)
    assert not verify_password(hashed, password + " ", CHEAP)


def test_the_encoding_names_algorithm_parameters_and_salt() -> None:
    hashed = hash_password("secret", ScryptParams(n=2**10, r=4, p=2))
    empty, algorithm, cost, salt, digest = hashed.split("$")
    assert (empty, algorithm, cost) == ("", "scrypt", "ln=10,r=4,p=2")
    assert (len(salt), len(digest)) == (22, 43)  # 16 and 32 bytes, unpadded base64
    assert hash_password("secret", CHEAP) != hash_password("secret", CHEAP)  # new salt


@pytest.mark.parametrize(
    "hashed",
    [
        "",
        "plain",
        "$scrypt$ln=8,r=8,p=1$c2FsdA",
        "$bcrypt$ln=8,r=8,p=1$c2FsdA$" + "A" * 43,
        "scrypt$ln=8,r=8,p=1$c2FsdA$" + "A" * 43 + "$",
        "$scrypt$ln=99,r=8,p=1$c2FsdA$" + "A" * 43,  # would need terabytes: refused
        "$scrypt$ln=8,r=0,p=1$c2FsdA$" + "A" * 43,
        "$scrypt$ln=8,r=8$c2FsdA$" + "A" * 43,
        "$scrypt$ln=x,r=8,p=1$c2FsdA$" + "A" * 43,
        "$scrypt$ln=8,r=8,p=1$!!$" + "A" * 43,
        "$scrypt$ln=8,r=8,p=1$$" + "A" * 43,
        "$scrypt$ln=8,r=8,p=1$c2FsdA$AAAA",
        "pbkdf2:sha256:0$salt$00",  # no iterations
        "pbkdf2:md5:1000$salt$00",  # not a hash we accept
        "pbkdf2:sha256$salt$00",  # the iterations are Werkzeug's version's default: unknown
        "pbkdf2:sha256:1000$salt$zz",  # not hex
        "pbkdf2:sha256:100000000$salt$00",  # would run for minutes: refused
        "scrypt:3:8:1$salt$00",  # n not a power of two
        "scrypt:16384:8$salt$00",
        "md5$salt$00",
        "pbkdf2_sha256$1000$salt$!!",
        "pbkdf2_sha256$many$salt$AAAA",
        "bcrypt$2b$12$abc",
        "a$b$c$d$e$f",
        None,
        12,
    ],
)
def test_malformed_hashes_never_match_and_never_raise(hashed: Any) -> None:
    assert verify_password(hashed, "password", CHEAP) is False
    assert needs_rehash(hashed) is True


def test_passwords_must_be_text() -> None:
    with pytest.raises(TypeError, match="must be a str"):
        hash_password(b"bytes", CHEAP)  # type: ignore[arg-type]


def test_needs_rehash_follows_the_parameters() -> None:
    hashed = hash_password("secret", CHEAP)
    assert not needs_rehash(hashed, CHEAP)
    assert needs_rehash(hashed, ScryptParams(n=2**9))
    assert needs_rehash(hashed)  # the defaults differ


def test_the_app_configures_the_parameters() -> None:
    app = Cupola(__name__, config={"PASSWORD_HASH_PARAMS": {"n": 2**9, "r": 2}})
    with app.app_context():
        assert configured_params() == ScryptParams(n=2**9, r=2, p=1)
        assert hash_password("secret").startswith("$scrypt$ln=9,r=2,p=1$")


@pytest.mark.parametrize(
    "setting", [{"n": 1000}, {"n": 2**30}, {"r": 0}, {"p": 1.5}, {"cost": 3}, "fast", 17]
)
def test_bad_parameters_are_refused(setting: Any) -> None:
    app = Cupola(__name__, config={"PASSWORD_HASH_PARAMS": setting})
    with app.app_context(), pytest.raises(ImproperlyConfigured, match="PASSWORD_HASH_PARAMS"):
        hash_password("secret")


def test_parameters_from_a_setting() -> None:
    assert ScryptParams.from_setting(None) == DEFAULT_PARAMS
    assert ScryptParams.from_setting(CHEAP) is CHEAP


# Werkzeug's and Django's formats, made by the real libraries (installed for tests only).


@pytest.mark.parametrize(
    "method", ["pbkdf2:sha256:1000", "pbkdf2:sha512:1000", "scrypt:1024:8:1", "scrypt"]
)
def test_werkzeug_hashes_are_accepted(method: str) -> None:
    from werkzeug.security import generate_password_hash

    hashed = generate_password_hash("pässwörd", method=method)
    assert verify_password(hashed, "pässwörd", CHEAP) is True
    assert verify_password(hashed, "password", CHEAP) is False
    assert needs_rehash(hashed, CHEAP) is True


@pytest.mark.parametrize("hasher", ["PBKDF2PasswordHasher", "PBKDF2SHA1PasswordHasher"])
def test_django_hashes_are_accepted(hasher: str) -> None:
    from django.contrib.auth import hashers

    hashed = getattr(hashers, hasher)().encode("pässwörd", "seasalt", iterations=1000)
    assert hashed.startswith("pbkdf2_sha")
    assert verify_password(hashed, "pässwörd", CHEAP) is True
    assert verify_password(hashed, "pässwörd ", CHEAP) is False
    assert needs_rehash(hashed, CHEAP) is True


def test_foreign_hashes_need_text_passwords() -> None:
    with pytest.raises(TypeError, match="must be a str"):
        verify_password("pbkdf2:sha256:1000$salt$00", b"bytes", CHEAP)  # type: ignore[arg-type]


def _fastest_pair(reference: str, hashed: str, params: ScryptParams) -> tuple[float, float]:
    """The fastest check of each hash, measured in turns so that load on the machine
    weighs on both alike (the fastest run is the cost without that noise)."""
    timings: dict[str, list[float]] = {reference: [], hashed: []}
    for _ in range(9):
        for candidate in (reference, hashed):
            start = time.perf_counter()
            verify_password(candidate, "not it", params)
            timings[candidate].append(time.perf_counter() - start)
    return min(timings[reference]), min(timings[hashed])


def test_every_check_costs_at_least_the_current_parameters() -> None:
    current = ScryptParams(n=2**13)
    reference = hash_password("secret", current)
    for hashed in (
        "malformed",
        "$scrypt$ln=8,r=8,p=1$c2FsdA$" + "A" * 43,
        hash_password("secret", CHEAP),  # weaker parameters
        "pbkdf2:sha256:1$salt$" + "00" * 32,  # a cheap foreign hash
    ):
        expected, spent = _fastest_pair(reference, hashed, current)
        # Equal on a quiet machine; before the padding these took 0.1 % to 5 % of it.
        assert spent > 0.5 * expected, (hashed, spent, expected)
