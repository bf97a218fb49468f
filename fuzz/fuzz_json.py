"""Fuzz JSON bodies: ``python fuzz/fuzz_json.py``."""

from __future__ import annotations

import atheris

with atheris.instrument_imports():
    from harness import call, check, run


def test_one_input(data: bytes) -> None:
    """One request made from ``data``; raises on a 5xx answer."""
    check(call("POST", "/json", headers={"Content-Type": "application/json"}, body=data), data)


if __name__ == "__main__":
    run(test_one_input)
