"""In-process driver: one framework's WSGI or ASGI callable called in a tight loop.

run.py starts this file once per framework, in its own interpreter, so that frameworks'
imports never interfere:

    python bench/inprocess.py FRAMEWORK OUT.json --scenarios json,form --round 0.5 --rounds 3

Per scenario it checks the response once, warms up by doubling the iteration count until
one batch takes 0.1 s, then times ROUNDS batches sized to about ROUND seconds each with
time.perf_counter and keeps the best. It writes a JSON report to OUT.json. A scenario that
needs a session first gets its cookie (and CSRF token) from one GET /login to the same
app; a CSRF scenario is also checked to be refused without its token.

WSGI: the environ is built once and copied per call (`dict(base)`); a POST gets a fresh
io.BytesIO; the response iterable is consumed and closed. ASGI: everything runs inside one
event loop (uvloop when installed, unless --loop asyncio); the scope is copied per call,
`receive` returns the body once and then http.disconnect, `send` collects the messages;
the lifespan protocol is started before and shut down after the measurements.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib
import io
import json
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import scenarios
from scenarios import FRAMEWORK_BY_NAME, REPO_DIR, Scenario

HOST = "127.0.0.1"
PORT = 8000
COMMON_HEADERS = [
    ("host", f"{HOST}:{PORT}"),
    ("user-agent", "cupola-bench/1.0"),
    ("accept", "*/*"),
]


def wsgi_environ(scenario: Scenario) -> dict[str, Any]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scenario.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": scenario.path.partition("?")[0],
        "QUERY_STRING": scenario.path.partition("?")[2],
        "SERVER_NAME": HOST,
        "SERVER_PORT": str(PORT),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "50000",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in [*COMMON_HEADERS, *scenario.headers]:
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    if scenario.body is not None:
        environ["CONTENT_TYPE"] = scenario.content_type
        environ["CONTENT_LENGTH"] = str(len(scenario.body))
    return environ


def asgi_scope(scenario: Scenario, state: dict[str, Any]) -> dict[str, Any]:
    headers = [(k.encode(), v.encode()) for k, v in [*COMMON_HEADERS, *scenario.headers]]
    if scenario.body is not None:
        headers.append((b"content-type", scenario.content_type.encode()))
        headers.append((b"content-length", str(len(scenario.body)).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": scenario.method,
        "scheme": "http",
        "path": scenario.path.partition("?")[0],
        "raw_path": scenario.path.partition("?")[0].encode(),
        "query_string": scenario.path.partition("?")[2].encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": (HOST, PORT),
        "state": state,
    }


def _start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
    return _write


def _write(data: bytes) -> None:
    return None


class WSGIDriver:
    def __init__(self, app: Callable[..., Any], scenario: Scenario) -> None:
        self.app = app
        self.base = wsgi_environ(scenario)
        self.body = scenario.body

    def once(self) -> tuple[int, str, bytes]:
        status, headers, body = self.exchange()
        content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
        return status, content_type, body

    def exchange(self) -> tuple[int, list[tuple[str, str]], bytes]:
        got: dict[str, Any] = {}

        def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            got["status"], got["headers"] = status, headers
            return _write

        environ = dict(self.base)
        environ["wsgi.input"] = io.BytesIO(self.body or b"")
        result = self.app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return int(got["status"].split()[0]), list(got["headers"]), body

    def run(self, n: int) -> float:
        app, base, body = self.app, self.base, self.body
        start_response, bytes_io = _start_response, io.BytesIO
        if body is None:
            t0 = time.perf_counter()
            for _ in range(n):
                result = app(dict(base), start_response)
                for _chunk in result:
                    pass
                if hasattr(result, "close"):
                    result.close()
            return time.perf_counter() - t0
        t0 = time.perf_counter()
        for _ in range(n):
            environ = dict(base)
            environ["wsgi.input"] = bytes_io(body)
            result = app(environ, start_response)
            for _chunk in result:
                pass
            if hasattr(result, "close"):
                result.close()
        return time.perf_counter() - t0


DISCONNECT = {"type": "http.disconnect"}


class Channel:
    """One request's receive/send pair: the body once, then http.disconnect."""

    __slots__ = ("body", "messages")

    def __init__(self, body: bytes | None) -> None:
        self.body = body
        self.messages: list[dict[str, Any]] = []

    async def receive(self) -> dict[str, Any]:
        body = self.body
        if body is None:
            return DISCONNECT
        self.body = None
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(self, message: dict[str, Any]) -> None:
        self.messages.append(message)


class ASGIDriver:
    def __init__(self, app: Any, scenario: Scenario, runner: asyncio.Runner, state: dict) -> None:
        self.app = app
        self.base = asgi_scope(scenario, state)
        self.body = scenario.body or b""
        self.runner = runner

    async def _exchange(self) -> tuple[int, list[tuple[str, str]], bytes]:
        channel = Channel(self.body)
        await self.app(dict(self.base), channel.receive, channel.send)
        start = next(m for m in channel.messages if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in channel.messages[1:])
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start["headers"]]
        return start["status"], headers, body

    def exchange(self) -> tuple[int, list[tuple[str, str]], bytes]:
        return self.runner.run(self._exchange())

    def once(self) -> tuple[int, str, bytes]:
        status, headers, body = self.exchange()
        content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
        return status, content_type, body

    async def _run(self, n: int) -> float:
        app, base, body, channel_class = self.app, self.base, self.body, Channel
        t0 = time.perf_counter()
        for _ in range(n):
            channel = channel_class(body)
            await app(dict(base), channel.receive, channel.send)
        return time.perf_counter() - t0

    def run(self, n: int) -> float:
        return self.runner.run(self._run(n))


class Lifespan:
    """Runs the ASGI lifespan protocol around the measurements, if the app supports it."""

    def __init__(self, app: Any, runner: asyncio.Runner) -> None:
        self.app, self.runner = app, runner
        self.state: dict[str, Any] = {}
        self.task: asyncio.Task[Any] | None = None

    async def _startup(self) -> None:
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.inbox.put_nowait({"type": "lifespan.startup"})
        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": self.state}
        self.task = asyncio.ensure_future(self.app(scope, self.inbox.get, self.outbox.put))
        reply = asyncio.ensure_future(self.outbox.get())
        await asyncio.wait({self.task, reply}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if not reply.done():
            reply.cancel()
            self.task = None  # the app does not speak lifespan
            return
        if reply.result()["type"] != "lifespan.startup.complete":
            raise RuntimeError(f"lifespan startup failed: {reply.result()}")

    async def _shutdown(self) -> None:
        if self.task is None or self.task.done():
            return
        self.inbox.put_nowait({"type": "lifespan.shutdown"})
        await asyncio.wait({self.task}, timeout=10)

    def startup(self) -> None:
        self.runner.run(self._startup())

    def shutdown(self) -> None:
        self.runner.run(self._shutdown())


def measure(run: Callable[[int], float], round_seconds: float, rounds: int) -> dict[str, Any]:
    n, elapsed = 1, run(1)
    while elapsed < 0.1:
        n *= 2
        elapsed = run(n)
    n = max(1, int(n * round_seconds / elapsed))
    rates = []
    for _ in range(rounds):
        gc.collect()
        rates.append(n / run(n))
    best = max(rates)
    return {"rps": best, "us_per_req": 1e6 / best, "n": n, "rounds_rps": rates}


def new_runner(loop: str) -> tuple[asyncio.Runner, str]:
    if loop != "asyncio":
        try:
            import uvloop
        except ImportError:
            if loop == "uvloop":
                raise
        else:
            return asyncio.Runner(loop_factory=uvloop.new_event_loop), "uvloop"
    return asyncio.Runner(), "asyncio"


def checked_driver(make_driver: Callable[[Scenario], Any], name: str) -> Any:
    """The driver of scenario `name`, after its setup and checks."""
    scenario = scenarios.BY_NAME[name]
    if scenario.login:
        scenario = scenarios.prepare(scenario, *make_driver(scenarios.SETUP).exchange())
    if scenario.csrf:
        status = make_driver(scenarios.without_token(scenario)).once()[0]
        scenarios.check_refused(name, status)
    driver = make_driver(scenario)
    scenarios.check_response(name, *driver.once())
    return driver


def bench_scenarios(
    make_driver: Callable[[Scenario, str], Any], names: list[str], args: Any
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name in names:
        try:
            driver = checked_driver(lambda s, name=name: make_driver(s, name), name)
        except Exception as exc:
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
            traceback.print_exc()
            continue
        results[name] = measure(driver.run, args.round, args.rounds)
    return results


def run_framework(args: argparse.Namespace) -> dict[str, Any]:
    framework = FRAMEWORK_BY_NAME[args.framework]
    names = [n for n in args.scenarios.split(",") if n in framework.scenarios]
    try:
        module = importlib.import_module(framework.module)
        apps = {n: getattr(module, framework.attr_for(n)) for n in names}
    except Exception as exc:
        return {"skipped": f"import failed: {type(exc).__name__}: {exc}"}
    if framework.kind == "wsgi":
        return {"results": bench_scenarios(lambda s, n: WSGIDriver(apps[n], s), names, args)}
    runner, loop_name = new_runner(args.loop)
    with runner:
        lifespans = {id(app): Lifespan(app, runner) for app in apps.values()}
        try:
            for lifespan in lifespans.values():
                lifespan.startup()

            def make_driver(scenario: Scenario, name: str) -> ASGIDriver:
                app = apps[name]
                return ASGIDriver(app, scenario, runner, lifespans[id(app)].state)

            results = bench_scenarios(make_driver, names, args)
        finally:
            for lifespan in lifespans.values():
                lifespan.shutdown()
    return {"results": results, "loop": loop_name}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("framework", choices=scenarios.FRAMEWORK_NAMES)
    parser.add_argument("output", type=Path)
    parser.add_argument("--scenarios", default=",".join(scenarios.SCENARIO_NAMES))
    parser.add_argument("--round", type=float, default=0.5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--loop", choices=["auto", "uvloop", "asyncio"], default="auto")
    args = parser.parse_args()
    sys.path.insert(0, str(scenarios.APPS_DIR))
    sys.path.insert(1, str(REPO_DIR / "src"))
    report = run_framework(args)
    report["framework"] = args.framework
    args.output.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
