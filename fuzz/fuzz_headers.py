"""Fuzz request headers, cookies and the query string: ``python fuzz/fuzz_headers.py``."""

from __future__ import annotations

import atheris

with atheris.instrument_imports():
    from harness import call, check, run


def test_one_input(data: bytes) -> None:
    """One request made from ``data``; raises on a 5xx answer."""
    fdp = atheris.FuzzedDataProvider(data)
    headers = {
        "Cookie": fdp.ConsumeUnicodeNoSurrogates(100).encode("utf-8").decode("latin-1"),
        "Accept": fdp.ConsumeBytes(40).decode("latin-1"),
        "X-Forwarded-For": fdp.ConsumeBytes(40).decode("latin-1"),
    }
    query = fdp.ConsumeBytes(100).decode("latin-1")
    status = call("GET", "/read", query=query, headers=headers)
    check(status, (headers, query))


if __name__ == "__main__":
    run(test_one_input)
