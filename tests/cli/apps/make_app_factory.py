"""A module exposing only a `make_app` factory."""

from __future__ import annotations

from cupola import Cupola


def make_app() -> Cupola:
    return Cupola(__name__, config={"NAME": "made"})
