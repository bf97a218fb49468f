"""End-to-end mode: real servers on 127.0.0.1, load from wrk.

One server worker pinned to core 0 (`taskset -c 0`), wrk pinned to core 1
(`taskset -c 1 wrk -t1 -c32`). Servers:

- gunicorn (WSGI): 1 worker, gthread worker class, 4 threads, keep-alive 5 s. The default
  sync worker closes every connection after one response, so it would measure TCP
  connection setup more than the framework; gthread keeps connections alive.
- granian (WSGI and ASGI): 1 worker, defaults otherwise (keep-alive on).
- uvicorn (ASGI): 1 process, uvloop + httptools when installed, access log off.
- serve (Cupola only): `cupola serve --workers 1`, its default server (granian) and
  settings, so the row measures what a deployment gets.

Every server gets a free port chosen at run time, its response to each scenario is
checked once before wrk runs, and it is stopped by PID in a finally block. A scenario that
needs a session gets its cookie (and CSRF token) from one GET /login to the same server
first, and wrk sends them with every request. A framework whose session and CSRF scenarios
live in another app of its module gets a second server for them.
"""

from __future__ import annotations

import contextlib
import http.client
import importlib.util
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from scenarios import (
    APPS_DIR,
    BY_NAME,
    REPO_DIR,
    SETUP,
    Framework,
    Scenario,
    check_refused,
    check_response,
    prepare,
    without_token,
)

HOST = "127.0.0.1"
# wrk's open connections: enough to keep one worker busy without a deep queue.
CONNECTIONS = 32
SERVERS = {"wsgi": ("gunicorn", "granian"), "asgi": ("uvicorn", "granian")}
# `cupola serve` runs the WSGI Cupola app (sync views) on its default server.
SERVE_FRAMEWORKS = ("cupola",)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def has_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def server_command(
    server: str, framework: Framework, attr: str, port: int, bin_dir: Path
) -> list[str]:
    target = f"{framework.module}:{attr}"
    if server == "serve":
        return [
            str(bin_dir / "cupola"), "serve", "--app", target, "--workers", "1",
            "--bind", f"{HOST}:{port}",
        ]  # fmt: skip
    if server == "gunicorn":
        return [
            str(bin_dir / "gunicorn"), "--bind", f"{HOST}:{port}", "--workers", "1",
            "--worker-class", "gthread", "--threads", "4", "--keep-alive", "5",
            "--log-level", "warning", target,
        ]  # fmt: skip
    if server == "uvicorn":
        return [
            str(bin_dir / "uvicorn"), "--host", HOST, "--port", str(port),
            "--loop", "uvloop" if has_module("uvloop") else "asyncio",
            "--http", "httptools" if has_module("httptools") else "h11",
            "--no-access-log", "--log-level", "warning", target,
        ]  # fmt: skip
    return [
        str(bin_dir / "granian"), "--interface", framework.kind, "--host", HOST,
        "--port", str(port), "--workers", "1", "--no-ws", "--log-level", "warning", target,
    ]  # fmt: skip


class Server:
    """A server process pinned to core 0, started in its own session, stopped by PID."""

    def __init__(self, command: list[str], port: int, log: Path) -> None:
        self.command, self.port, self.log_path = ["taskset", "-c", "0", *command], port, log
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        env = dict(os.environ)
        paths = [str(APPS_DIR), str(REPO_DIR / "src"), env.get("PYTHONPATH", "")]
        env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
        self.log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            self.command, cwd=APPS_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        # any worker left behind is in the process group led by this PID
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        self.log.close()
        self.proc = None

    def cpu_seconds(self) -> float | None:
        """CPU seconds the server's processes (its process group) have used so far."""
        return group_cpu_seconds(self.proc.pid) if self.proc is not None else None

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-2000:]

    def exchange(
        self, scenario: Scenario, timeout: float = 5.0
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            headers = dict(scenario.headers)
            if scenario.body:
                headers["Content-Type"] = scenario.content_type or ""
            conn.request(scenario.method, scenario.path, body=scenario.body, headers=headers)
            response = conn.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            conn.close()

    def request(self, scenario: Scenario, timeout: float = 5.0) -> tuple[int, str, bytes]:
        status, headers, body = self.exchange(scenario, timeout)
        content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
        return status, content_type, body

    def wait_ready(self, scenario: Scenario, deadline: float = 30.0) -> None:
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if self.proc is None or self.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log_tail()}")
            try:
                self.request(scenario, timeout=2.0)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server not ready after {deadline:.0f}s:\n{self.log_tail()}")


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lua_script(scenario: Scenario, directory: Path) -> Path | None:
    headers = list(scenario.headers)
    if scenario.body is not None:
        headers.append(("Content-Type", scenario.content_type or ""))
    if scenario.body is None and not headers:
        return None
    lines = [f"wrk.method = {lua_string(scenario.method)}"]
    if scenario.body is not None:
        lines.append(f"wrk.body = {lua_string(scenario.body.decode())}")
    lines += [f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in headers]
    path = directory / f"{scenario.name}.lua"
    path.write_text("\n".join(lines) + "\n")
    return path


def run_wrk(port: int, scenario: Scenario, seconds: float, script: Path | None) -> dict[str, Any]:
    seconds = max(1, round(seconds))  # wrk takes whole seconds
    command = ["taskset", "-c", "1", "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s"]
    command += ["--timeout", "5s"]
    command.append("--latency")
    if script is not None:
        command += ["-s", str(script)]
    command.append(f"http://{HOST}:{port}{scenario.path}")
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if match is None:
        raise RuntimeError(f"cannot read wrk output:\n{out}")
    result: dict[str, Any] = {"rps": float(match.group(1))}
    done = re.search(r"(\d+) requests in", out)
    if done:
        result["requests"] = int(done.group(1))
    result["us_per_req"] = 1e6 / result["rps"] if result["rps"] else None
    p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    if p99:
        result["p99_ms"] = float(p99.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99[2]]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    if bad:
        result["error"] = f"{bad.group(1)} non-2xx responses"
    if errors:
        result["socket_errors"] = errors.group(1)
    return result


def bench_server(
    server: Server, names: list[str], seconds: float, warmup: float, tmp: Path
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    first = BY_NAME[names[0]]
    server.wait_ready(SETUP if first.login else first)
    for name in names:
        scenario = BY_NAME[name]
        try:
            if scenario.login:
                scenario = prepare(scenario, *server.exchange(SETUP))
            if scenario.csrf:
                check_refused(name, server.request(without_token(scenario))[0])
            check_response(name, *server.request(scenario))
        except Exception as exc:
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        script = lua_script(scenario, tmp)
        run_wrk(server.port, scenario, warmup, script)
        cpu = server.cpu_seconds()
        results[name] = found = run_wrk(server.port, scenario, seconds, script)
        if found.get("requests") and cpu is not None:
            spent = (server.cpu_seconds() or cpu) - cpu
            found["cpu_us_per_req"] = 1e6 * spent / found["requests"]
    return results


def group_cpu_seconds(group: int) -> float | None:
    """CPU seconds (user + system) used so far by the live processes of a process group.

    Linux only (``/proc``); ``None`` elsewhere.
    """
    if not os.path.isdir("/proc/self"):
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as file:
                fields = file.read().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # fields[2] is pgrp (field 5 of stat)
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def run_e2e(
    frameworks: list[Framework], names: list[str], servers: list[str] | None,
    seconds: float, warmup: float, bin_dir: Path, log: Any, repeat: int = 1,
) -> dict[str, dict[str, Any]]:  # fmt: skip
    """Every framework on every server, ``repeat`` passes; each figure is the median.

    Passes run one after the other over all servers (not one server ``repeat`` times in a
    row), so a burst of load from elsewhere spreads over the rows instead of hitting one.
    """
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get update && apt-get install -y wrk")
    passes: list[dict[str, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory(prefix="cupola-bench-") as tmp_name:
        for number in range(repeat):
            if repeat > 1:
                log(f"e2e pass {number + 1}/{repeat}")
            passes.append(e2e_pass(frameworks, names, servers, seconds, warmup, bin_dir, log,
                                   Path(tmp_name)))  # fmt: skip
    return merge_passes(passes)


def e2e_pass(
    frameworks: list[Framework], names: list[str], servers: list[str] | None,
    seconds: float, warmup: float, bin_dir: Path, log: Any, tmp: Path,
) -> dict[str, dict[str, Any]]:  # fmt: skip
    results: dict[str, dict[str, Any]] = {}
    for framework in frameworks:
        wanted = [n for n in names if n in framework.scenarios]
        by_app: dict[str, list[str]] = {}
        for name in wanted:
            by_app.setdefault(framework.attr_for(name), []).append(name)
        extra = ("serve",) if framework.name in SERVE_FRAMEWORKS else ()
        for server_name in (*SERVERS[framework.kind], *extra):
            if servers and server_name not in servers:
                continue
            label = f"{framework.name}@{server_name}"
            for attr, group in by_app.items():
                port = free_port()
                command = server_command(server_name, framework, attr, port, bin_dir)
                log(f"e2e {label} ({attr}) on {HOST}:{port}")
                try:
                    with Server(command, port, tmp / f"{label}-{attr}.log") as server:
                        found = bench_server(server, group, seconds, warmup, tmp)
                except RuntimeError as exc:
                    log(f"  {label} failed: {exc}")
                    found = {n: {"error": str(exc).splitlines()[0]} for n in group}
                results.setdefault(label, {}).update(found)
    return results


def merge_passes(passes: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """One entry per row and scenario: median req/s and p99, with every pass's figures.

    ``rps_runs`` keeps each pass's rate (``rps_min``/``rps_max`` its spread); an error in
    any pass makes the entry an error.
    """
    if len(passes) == 1:
        return passes[0]
    merged: dict[str, dict[str, Any]] = {}
    for label in passes[0]:
        for scenario in passes[0][label]:
            runs = [p.get(label, {}).get(scenario, {"error": "missing"}) for p in passes]
            failed = next((r for r in runs if "error" in r), None)
            if failed is not None:
                merged.setdefault(label, {})[scenario] = failed
                continue
            rates = [r["rps"] for r in runs]
            entry: dict[str, Any] = {
                "rps": statistics.median(rates), "rps_runs": rates,
                "rps_min": min(rates), "rps_max": max(rates),
            }  # fmt: skip
            entry["us_per_req"] = 1e6 / entry["rps"] if entry["rps"] else None
            cpus = [r["cpu_us_per_req"] for r in runs if "cpu_us_per_req" in r]
            if cpus:
                entry["cpu_us_per_req"] = statistics.median(cpus)
                entry["cpu_runs"] = cpus
            p99s = [r["p99_ms"] for r in runs if "p99_ms" in r]
            if p99s:
                entry["p99_ms"] = statistics.median(p99s)
                entry["p99_runs"] = p99s
            merged.setdefault(label, {})[scenario] = entry
    return merged
