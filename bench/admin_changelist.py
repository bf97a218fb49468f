"""The admin bench: a change list of 20 rows out of 100,000 books, with a search, on SQLite.

Cupola's admin and Django's admin (5.2) show the same models with the same options
(``list_display``, ``search_fields`` across the author, ``list_filter``, ``ordering`` by
title, 20 rows a page) to a logged-in staff user; each runs in its own process on its own SQLite
file holding the same rows, called in-process through its WSGI callable. Prints requests
per second (median of the rounds, with the spread) and the ratio.

Run: ``bash bench/run.sh --admin`` or ``python bench/admin_changelist.py`` in an environment
with Cupola and Django.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROWS = 100_000
AUTHORS = 1_000
WORDS = ["river", "stone", "winter", "garden", "shadow", "harbour", "lantern", "meadow"]
#: The change lists timed: no search; a search matching 11 books; then one word matching
#: 12,500 books whose titles sort first, in the middle and last (a page sorted by title reads
#: further the later they sort).
QUERIES = {  # name: (query string, a word every listed book has, rows listed)
    "list": ("", "book", 20),
    "search (11 matches)": ("q=book+4242", "4242", 11),
    "search (sorts first)": ("q=garden", "garden", 20),
    "search (middle)": ("q=meadow", "meadow", 20),
    "search (sorts last)": ("q=winter", "winter", 20),
}


class Rows:
    """The same authors and books for both frameworks."""

    def authors(self) -> list[tuple[str, int]]:
        return [(f"Author {i:04d}", i) for i in range(AUTHORS)]

    def books(self) -> list[tuple[str, int, str, bool]]:
        return [
            (f"The {WORDS[i % len(WORDS)]} book {i}", i % AUTHORS, f"{5 + i % 40}.99", i % 3 != 0)
            for i in range(ROWS)
        ]


def environ(path: str, query: str, cookie: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "bench.local",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "bench.local",
        "HTTP_COOKIE": cookie,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def measure(framework: str, rounds: int, seconds: float) -> dict[str, list[float]]:
    """In this process: build ``framework``'s app and time each change list of QUERIES."""
    sys.path.insert(0, str(HERE / "apps"))
    folder = tempfile.mkdtemp(prefix=f"admin-bench-{framework}-")
    if framework == "django":
        sys.path.insert(0, str(HERE / "apps" / "admin_django"))
        from admin_django.app import setup
    else:
        from cupola_admin import setup
    app, cookie = setup(f"{folder}/books.db", Rows())
    path = "/admin/shelf/book/" if framework == "django" else "/admin/book/"
    statuses: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        statuses.append(status)

    results = {}
    for name, (query, word, listed) in QUERIES.items():
        body = b"".join(app(environ(path, query, cookie), start_response))
        assert statuses[-1].startswith("200"), (statuses[-1], body[:300])
        assert body.count(word.encode()) >= listed, f"{name}: the page lists {listed} books"
        rates = []
        for _ in range(rounds):
            count, started = 0, time.perf_counter()
            while time.perf_counter() - started < seconds:
                b"".join(app(environ(path, query, cookie), start_response))
                count += 1
            rates.append(count / (time.perf_counter() - started))
        results[name] = rates
    assert set(statuses) == {"200 OK"}, set(statuses)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--round", type=float, default=1.0, help="seconds per round")
    parser.add_argument("--only", help=argparse.SUPPRESS)  # one framework, in a child process
    args = parser.parse_args()
    if args.only:
        print(json.dumps(measure(args.only, args.rounds, args.round)))
        return
    results = {}
    for framework in ("cupola", "django"):
        command = [sys.executable, __file__, "--only", framework]
        command += ["--rounds", str(args.rounds), "--round", str(args.round)]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        results[framework] = json.loads(output.strip().splitlines()[-1])
    print("| change list | Cupola req/s | Django req/s | Cupola / Django |")
    print("|---|---:|---:|---:|")
    for name in QUERIES:
        cupola, django = results["cupola"][name], results["django"][name]
        ratio = statistics.median(cupola) / statistics.median(django)
        print(f"| {name} | {spread(cupola)} | {spread(django)} | {ratio:.2f}x |")


def spread(rates: list[float]) -> str:
    """``"1,234 ±3%"``: the median and half the range around it."""
    median = statistics.median(rates)
    return f"{median:,.0f} ±{(max(rates) - min(rates)) / 2 / median:.0%}"


if __name__ == "__main__":
    main()
