"""Factories with arguments and objects that are not apps."""

from __future__ import annotations

from typing import Any

from cupola import Cupola

not_an_app = 42


def create_app(name: str = "default", *, debug: bool = False, extra: Any = None) -> Cupola:
    return Cupola(__name__, config={"NAME": name, "DEBUG": debug, "EXTRA": extra})


def needs_env(env: str) -> Cupola:
    return Cupola(__name__, config={"NAME": env})


def make_number() -> int:
    return 7
