"""Password hashing with scrypt (cupola/auth/passwords.py)."""

from __future__ import annotations

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
    assert verify_password(hashed, password)
    assert not verify_password(hashed, password + " ")


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
        None,
        12,
    ],
)
def test_malformed_hashes_never_match_and_never_raise(hashed: Any) -> None:
    assert verify_password(hashed, "password") is False
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
