"""Fuzz ``Range`` and ``If-Range`` on a static file: ``python fuzz/fuzz_ranges.py``."""

from __future__ import annotations

import atheris

with atheris.instrument_imports():
    from harness import call, check, run


def test_one_input(data: bytes) -> None:
    """One request made from ``data``; raises on a 5xx answer."""
    fdp = atheris.FuzzedDataProvider(data)
    headers = {
        "Range": fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 6000)).decode("latin-1"),
        "If-Range": fdp.ConsumeBytes(40).decode("latin-1"),
    }
    status = call("GET", "/static/file.txt", headers=headers)
    check(status, headers)
    if status not in (200, 206, 400, 416):
        raise AssertionError(f"{status} for {headers!r}")


if __name__ == "__main__":
    run(test_one_input)
