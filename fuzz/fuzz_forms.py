"""Fuzz urlencoded and multipart form bodies: ``python fuzz/fuzz_forms.py``."""

from __future__ import annotations

import atheris

with atheris.instrument_imports():
    from harness import call, check, run

CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=b",
    "multipart/form-data; boundary=fuzzboundary",
]


def test_one_input(data: bytes) -> None:
    """One request made from ``data``; raises on a 5xx answer."""
    fdp = atheris.FuzzedDataProvider(data)
    content_type = CONTENT_TYPES[fdp.ConsumeIntInRange(0, len(CONTENT_TYPES) - 1)]
    body = fdp.ConsumeBytes(fdp.remaining_bytes())
    check(call("POST", "/form", headers={"Content-Type": content_type}, body=body), body)


if __name__ == "__main__":
    run(test_one_input)
