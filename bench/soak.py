"""Soak: the showcase under ``cupola serve`` for minutes at 80% of its measured capacity.

The showcase runs on ``cupola serve`` (granian, ASGI, one worker) on a free 127.0.0.1 port,
with a private ``TMPDIR`` and a fresh SQLite database. A few visitors sign up and log in
through the site's forms; then a closed-loop probe of a few seconds measures how many
operations per second the pair (this client and that server, on this machine) completes,
and the soak drives the same mix open-loop at ``--load`` (80%) of it for ``--duration``
seconds: pages, JSON API calls, form posts with CSRF tokens (reading list, reviews, a fresh
login now and then) and WebSocket sessions in a reading room (connect, speak, hear, close).

Every second the server's worker RSS, the open file descriptors of its process tree and the
files under its ``TMPDIR`` are sampled. The run fails (exit status 1) on any error (an
unexpected status, an exception, a WebSocket failure, a traceback in the server's log),
on RSS growth of 5% or more after the warm-up (the first 20% of the run), on file
descriptors that do not stay flat, on temporary files left behind, or when the server does
not exit 0 on SIGTERM.

    python bench/soak.py --duration 600     # the documented 10-minute soak
    python bench/soak.py --duration 60      # what CI runs (tests/e2e/test_soak.py)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

import cupola

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
PASSWORD = "a soak-test passphrase of some length"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
WARMUP = 0.2  # the share of the run before RSS and descriptors are taken as the baseline
RSS_LIMIT = 0.05
# NOTE: descriptors may rise by a few after the baseline without a leak: the database pool
# opens connections on demand up to its bound, and SQLite holds a journal file open for the
# length of each write. Sockets (one per open connection) are counted apart, and compared
# only once the client has closed its connections. A leak grows with the traffic: tens of
# thousands of operations would show it by the hundred, not by five.
FD_SLACK = 5
LOGIN_EVERY = 10.0  # seconds between fresh logins (each costs a password hash: ~0.4 s CPU)
TIMEOUT = 30.0


@dataclass
class Sample:
    """One look at the server: worker RSS (KiB), open descriptors (sockets apart), temp files."""

    rss: int
    fds: int
    sockets: int
    temp_files: int


@dataclass
class Server:
    """``cupola serve`` running the showcase in a private work folder."""

    process: subprocess.Popen[bytes]
    url: str
    workdir: Path

    @property
    def tmpdir(self) -> Path:
        return self.workdir / "tmp"

    def log(self) -> str:
        return (self.workdir / "server.log").read_text(errors="replace")

    def tree(self) -> list[int]:
        """The main process's PID, then every descendant's (the workers)."""
        found, index = [self.process.pid], 0
        while index < len(found):
            for task in Path(f"/proc/{found[index]}/task").glob("*"):
                with contextlib.suppress(OSError):
                    found += [int(pid) for pid in (task / "children").read_text().split()]
            index += 1
        return found

    def sample(self) -> Sample:
        rss = fds = sockets = 0
        for position, pid in enumerate(self.tree()):
            with contextlib.suppress(OSError):  # a process may end between the reads
                if position:  # the workers serve; the main process only watches them
                    status = Path(f"/proc/{pid}/status").read_text()
                    rss += int(re.search(r"VmRSS:\s+(\d+)", status)[1])  # type: ignore[index]
                for fd in Path(f"/proc/{pid}/fd").iterdir():
                    with contextlib.suppress(OSError):  # closed since it was listed
                        is_socket = os.readlink(fd).startswith("socket:")
                        sockets += is_socket
                        fds += not is_socket
        temp_files = sum(len(files) for _, _, files in os.walk(self.tmpdir))
        return Sample(rss, fds, sockets, temp_files)

    def stop(self) -> int:
        """SIGTERM, then wait (SIGKILL to the group after 30 s); the exit status."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            return self.process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(workdir: Path) -> Server:
    """Start the showcase on ``cupola serve`` (the Cupola this script imports); wait for it."""
    (workdir / "tmp").mkdir()
    port = free_port()
    src = str(Path(cupola.__file__).resolve().parents[1])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([src, str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "TMPDIR": str(workdir / "tmp"),
        "CUPOLA_SECRET_KEY": secrets.token_hex(32),
        "CUPOLA_DATABASE_URL": f"sqlite:///{workdir / 'showcase.db'}",
    }
    beside = Path(sys.executable).with_name("cupola")  # the environment this script runs in
    command = [str(beside) if beside.exists() else shutil.which("cupola") or "cupola", "serve"]
    command += ["--app", "examples.showcase.app:app", "--workers", "1", "--bind", f"{HOST}:{port}"]
    with (workdir / "server.log").open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(process, f"http://{HOST}:{port}", workdir)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(httpx.TransportError):
            httpx.get(f"{server.url}/api/books", timeout=2)
            return server
        time.sleep(0.2)
    server.stop()
    raise SystemExit(f"soak: cupola serve did not start:\n{server.log()}")


@dataclass
class Stats:
    """What the load did: latencies, counts by operation, and every error."""

    latencies: list[float] = field(default_factory=list)
    sessions: list[float] = field(default_factory=list)
    operations: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    examples: list[str] = field(default_factory=list)
    late: int = 0

    def fail(self, what: str) -> None:
        self.errors += 1
        if len(self.examples) < 10:
            self.examples.append(what)


class Visitors:
    """The mix: anonymous readers, logged-in users with forms, and reading-room sessions."""

    def __init__(self, url: str, stats: Stats, limit: int) -> None:
        self.url = url
        self.stats = stats
        limits = httpx.Limits(max_connections=limit, max_keepalive_connections=limit)
        self.anonymous = self.client(limits)
        self.users: list[tuple[str, httpx.AsyncClient]] = []
        self.books: list[int] = []
        self.rng = random.Random(12)
        self.mix: list[Callable[[], Awaitable[None]]] = [
            *[self.page] * 9,
            *[self.api] * 6,
            *[self.form] * 4,
            self.room,
        ]

    def client(self, limits: httpx.Limits | None = None, **kw: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.url, timeout=TIMEOUT, limits=limits or httpx.Limits(), **kw
        )

    async def setup(self, users: int) -> None:
        """Sign ``users`` visitors up and log them in (through the forms); list the books."""
        found = await self.request(self.anonymous, "GET", "/api/books?per_page=100")
        self.books = [book["id"] for book in found.json()] if found else []
        for _ in range(users):
            name, client = f"soak-{secrets.token_hex(4)}", self.client()
            fields = {"username": name, "password": PASSWORD, "confirm": PASSWORD}
            await self.post_form(client, "/accounts/signup", "/accounts/signup", fields)
            await self.log_in(client, name)
            self.users.append((name, client))
        if not self.books or self.stats.errors:
            raise SystemExit(f"soak: setup failed: {self.stats.examples}")

    async def close(self) -> None:
        """Close every connection (the visitors keep their cookies)."""
        for client in [self.anonymous, *(client for _, client in self.users)]:
            await client.aclose()

    def reopen(self, limit: int) -> None:
        """New clients with the same cookies, after :meth:`close`."""
        limits = httpx.Limits(max_connections=limit, max_keepalive_connections=limit)
        self.anonymous = self.client(limits)
        self.users = [(name, self.client(cookies=old.cookies)) for name, old in self.users]

    async def request(
        self, client: httpx.AsyncClient, method: str, path: str, expect: int = 200, **kw: Any
    ) -> httpx.Response | None:
        """One timed request; ``None`` (and an error counted) unless it answers ``expect``."""
        start = time.perf_counter()
        try:
            response = await client.request(method, path, **kw)
        except (httpx.HTTPError, OSError) as exc:
            self.stats.fail(f"{method} {path}: {exc!r}")
            return None
        self.stats.latencies.append(time.perf_counter() - start)
        if response.status_code != expect:
            self.stats.fail(f"{method} {path}: {response.status_code}, expected {expect}")
            return None
        return response

    async def post_form(
        self, client: httpx.AsyncClient, page: str, action: str, fields: dict[str, Any]
    ) -> None:
        """GET ``page``, then POST ``fields`` to ``action`` with its CSRF token: a 302."""
        found = await self.request(client, "GET", page)
        token = TOKEN.search(found.text) if found else None
        if found and token is None:
            self.stats.fail(f"GET {page}: no CSRF token in the page")
        if token:
            data = {"csrf_token": token[1], **fields}
            await self.request(client, "POST", action, 302, data=data)

    async def log_in(self, client: httpx.AsyncClient, name: str) -> None:
        fields = {"username": name, "password": PASSWORD}
        await self.post_form(client, "/accounts/login", "/accounts/login", fields)

    async def page(self) -> None:
        book = self.rng.choice(self.books)
        path = self.rng.choice(["/", "/books/", f"/books/{book}", "/authors", "/books/?q=the"])
        await self.request(self.anonymous, "GET", path)

    async def api(self) -> None:
        book = self.rng.choice(self.books)
        path = self.rng.choice(["/api/books", f"/api/books/{book}", "/api/books?per_page=2"])
        found = await self.request(self.anonymous, "GET", path)
        if found and not isinstance(found.json(), list | dict):
            self.stats.fail(f"GET {path}: not a JSON list or object")

    async def form(self) -> None:
        """A logged-in visitor adds a book to the reading list, or (re)writes a review."""
        book = self.rng.choice(self.books)
        _, client = self.rng.choice(self.users)
        if self.rng.random() < 0.5:
            await self.post_form(client, f"/books/{book}", f"/reading-list/{book}", {})
            await self.request(client, "GET", "/reading-list")
        else:
            review = {"rating": self.rng.randint(1, 5), "body": "Read it twice during the soak."}
            await self.post_form(client, f"/books/{book}", f"/books/{book}/reviews", review)

    async def fresh_login(self) -> None:
        """A new session (new connections, new cookies) logs in and adds a book."""
        name, _ = self.rng.choice(self.users)
        book = self.rng.choice(self.books)
        async with self.client() as client:
            await self.log_in(client, name)
            await self.post_form(client, f"/books/{book}", f"/reading-list/{book}", {})

    async def room(self) -> None:
        """A logged-in reader joins a book's room, speaks, hears itself, and leaves."""
        name, client = self.rng.choice(self.users)
        book = self.rng.choice(self.books)
        url = f"{self.url.replace('http', 'ws', 1)}/books/{book}/room/socket"
        cookies = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        text = f"hello {secrets.token_hex(4)}"
        start = time.perf_counter()
        try:
            async with (
                asyncio.timeout(TIMEOUT),
                connect(url, additional_headers={"Origin": self.url, "Cookie": cookies}) as ws,
            ):
                await ws.send(json.dumps({"text": text}))
                # Other readers' notices and messages may come first in a shared room.
                while json.loads(await ws.recv()) != {
                    "kind": "message",
                    "user": name,
                    "text": text,
                }:
                    pass
        except Exception as exc:  # NOTE: any failure of a session is a soak error
            self.stats.fail(f"WebSocket /books/{book}/room/socket: {exc!r}")
            return
        self.stats.sessions.append(time.perf_counter() - start)

    async def one(self) -> None:
        """One operation of the mix, picked at random."""
        operation = self.rng.choice(self.mix)
        name = operation.__name__
        self.stats.operations[name] = self.stats.operations.get(name, 0) + 1
        await operation()


async def probe(visitors: Visitors, seconds: float, limit: int) -> float:
    """Closed loop: ``limit`` visitors back to back for ``seconds``; operations per second."""
    done = 0
    deadline = time.monotonic() + seconds

    async def loop() -> None:
        nonlocal done
        while time.monotonic() < deadline:
            await visitors.one()
            done += 1

    start = time.monotonic()
    await asyncio.gather(*(loop() for _ in range(limit)))
    return done / (time.monotonic() - start)


async def drive(visitors: Visitors, rate: float, seconds: float, limit: int) -> None:
    """Open loop: start an operation every ``1/rate`` s, whatever the answers' pace.

    At most ``limit`` are in flight: when the server falls behind, the schedule slips, and
    operations started over a second late are counted as late.
    """
    slots = asyncio.Semaphore(limit)
    running: set[asyncio.Future[None]] = set()
    start = time.monotonic()
    next_login = start + LOGIN_EVERY

    def launch(operation: Awaitable[None]) -> None:
        task = asyncio.ensure_future(operation)
        running.add(task)
        task.add_done_callback(running.discard)

    async def in_slot() -> None:
        try:
            await visitors.one()
        finally:
            slots.release()

    for index in range(int(rate * seconds)):
        due = start + index / rate
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        await slots.acquire()
        if time.monotonic() - due > 1.0:
            visitors.stats.late += 1
        launch(in_slot())
        if time.monotonic() >= next_login:  # outside the slots: one every 10 s
            next_login += LOGIN_EVERY
            launch(visitors.fresh_login())
    await asyncio.gather(*running)


async def sample_every_second(server: Server, samples: list[Sample], stop: asyncio.Event) -> None:
    while not stop.is_set():
        samples.append(server.sample())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values) or [0.0]
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def idle_fds(server: Server, at_most: int | None = None) -> int:
    """Descriptors once the client's connections are closed (waits up to 5 s to settle)."""
    for _ in range(50):
        sample = server.sample()
        if at_most is None or sample.fds + sample.sockets <= at_most:
            break
        await asyncio.sleep(0.1)
    return sample.fds + sample.sockets


async def soak(server: Server, args: argparse.Namespace) -> dict[str, Any]:
    """Set up, measure capacity, soak at ``args.load`` of it; what was seen."""
    stats, samples, stop = Stats(), list[Sample](), asyncio.Event()
    visitors = Visitors(server.url, stats, args.concurrency)
    try:
        await visitors.setup(args.users)
        capacity = await probe(visitors, args.probe, args.concurrency)
    finally:
        await visitors.close()
    visitors.reopen(args.concurrency)
    await asyncio.sleep(1)
    before = await idle_fds(server)
    stats.latencies.clear()
    stats.sessions.clear()
    stats.operations.clear()
    sampler = asyncio.create_task(sample_every_second(server, samples, stop))
    start = time.monotonic()
    try:
        await drive(visitors, capacity * args.load, args.duration, args.concurrency)
    finally:
        elapsed = time.monotonic() - start
        stop.set()
        await sampler
        await visitors.close()
    after = await idle_fds(server, at_most=before + FD_SLACK)
    return {
        "capacity": capacity,
        "rate": capacity * args.load,
        "load": args.load,
        "elapsed": elapsed,
        "stats": stats,
        "samples": samples,
        "idle_fds": [before, after],
    }


def verdict(seen: dict[str, Any], status: int, log: str, temp_left: int) -> dict[str, Any]:
    """The figures of a run, and ``failures``: every check that did not hold."""
    stats: Stats = seen["stats"]
    samples: list[Sample] = seen["samples"]
    warm = max(1, int(len(samples) * WARMUP))
    rss_start = statistics.median(s.rss for s in samples[warm : warm + 3])
    rss_end = statistics.median(s.rss for s in samples[-3:])
    half = (warm + len(samples)) // 2
    rss_half = statistics.median(s.rss for s in samples[half : half + 3])
    files_warm = max(s.fds for s in samples[:warm])
    files_peak = max(s.fds for s in samples[warm:])
    idle_before, idle_after = seen["idle_fds"]
    tracebacks = log.count("Traceback (most recent call last)")
    report = {
        "duration": round(seen["elapsed"], 1),
        "capacity": round(seen["capacity"], 1),
        "rate": round(seen["rate"], 1),
        "load": seen["load"],
        "operations": dict(sorted(stats.operations.items())),
        "achieved": round(sum(stats.operations.values()) / seen["elapsed"], 1),
        "requests": len(stats.latencies),
        "late": stats.late,
        "p50_ms": round(percentile(stats.latencies, 0.5) * 1000, 1),
        "p99_ms": round(percentile(stats.latencies, 0.99) * 1000, 1),
        "ws_sessions": len(stats.sessions),
        "ws_p50_ms": round(percentile(stats.sessions, 0.5) * 1000, 1),
        "ws_p99_ms": round(percentile(stats.sessions, 0.99) * 1000, 1),
        "errors": stats.errors + tracebacks,
        "error_examples": stats.examples + ["a traceback in the server log"] * bool(tracebacks),
        "rss_mib": [round(rss / 1024, 1) for rss in (rss_start, rss_half, rss_end)],
        "rss_growth": round(rss_end / rss_start - 1, 4),
        "fds_files": [files_warm, files_peak],
        "sockets_peak": max(s.sockets for s in samples),
        "fds_idle": [idle_before, idle_after],
        "temp_files_peak": max(s.temp_files for s in samples),
        "temp_files_left": temp_left,
        "exit_status": status,
    }
    checks = {
        f"{report['errors']} errors": report["errors"] == 0,
        f"RSS grew {report['rss_growth']:.1%} after the warm-up": report["rss_growth"] < RSS_LIMIT,
        f"descriptors (not sockets) rose from {files_warm} to {files_peak} after the warm-up": (
            files_peak <= files_warm + FD_SLACK
        ),
        f"idle descriptors went from {idle_before} to {idle_after}": (
            idle_after <= idle_before + FD_SLACK
        ),
        f"{temp_left} temporary files left": temp_left == 0,
        f"the server exited with status {status}": status == 0,
    }
    report["failures"] = [what for what, held in checks.items() if not held]
    return report


def summary(report: dict[str, Any]) -> str:
    ops = ", ".join(f"{name} {count}" for name, count in report["operations"].items())
    lines = [
        f"soak: {report['duration']} s at {report['rate']} op/s "
        f"({report['load']:.0%} of a measured {report['capacity']} op/s); "
        f"achieved {report['achieved']} op/s",
        f"  operations: {ops}; {report['late']} started over 1 s late",
        f"  HTTP requests {report['requests']}: p50 {report['p50_ms']} ms, "
        f"p99 {report['p99_ms']} ms",
        f"  WebSocket sessions {report['ws_sessions']}: p50 {report['ws_p50_ms']} ms, "
        f"p99 {report['ws_p99_ms']} ms",
        f"  errors {report['errors']}" + "".join(f"\n    {e}" for e in report["error_examples"]),
        "  worker RSS (MiB) {} after the warm-up, {} halfway, {} at the end "
        "({:+.1%}, limit {:.0%})".format(*report["rss_mib"], report["rss_growth"], RSS_LIMIT),
        "  descriptors (not sockets): {} in the warm-up, {} at most after (slack {})".format(
            *report["fds_files"], FD_SLACK
        ),
        "  descriptors when idle: {} before, {} after; sockets at most {}".format(
            *report["fds_idle"], report["sockets_peak"]
        ),
        f"  temporary files: {report['temp_files_peak']} at most, "
        f"{report['temp_files_left']} left after the server stopped",
        f"  server exit status {report['exit_status']}",
    ]
    if report["achieved"] < 0.9 * report["rate"]:
        lines.append("  (the rate was not held: the machine's capacity fell during the run)")
    lines += [f"FAIL: {what}" for what in report["failures"]] or ["PASS"]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=600, help="seconds of soak (600)")
    parser.add_argument("--load", type=float, default=0.8, help="share of capacity (0.8)")
    parser.add_argument("--probe", type=float, default=5, help="seconds of capacity probe (5)")
    parser.add_argument("--concurrency", type=int, default=8, help="operations in flight (8)")
    parser.add_argument("--users", type=int, default=4, help="logged-in visitors (4)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if args.duration < 10:
        parser.error("--duration: at least 10 seconds (the first 20% are the warm-up)")
    workdir = Path(tempfile.mkdtemp(prefix="cupola-soak-"))
    try:
        server = start_server(workdir)
        try:
            seen = asyncio.run(soak(server, args))
        finally:
            status = server.stop()
        temp_left = sum(len(files) for _, _, files in os.walk(server.tmpdir))
        report = verdict(seen, status, server.log(), temp_left)
        print(summary(report))
        if report["failures"]:
            print(f"server log (last 40 lines):\n{''.join(server.log().splitlines(True)[-40:])}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 1 if report["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
