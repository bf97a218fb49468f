"""A `create_app` factory that cannot be called without arguments."""

from __future__ import annotations

from cupola import Cupola


def create_app(env: str) -> Cupola:
    return Cupola(__name__, config={"NAME": env})
