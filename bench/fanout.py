"""Fan-out benchmark: one sender, one group of N WebSocket clients over 2 server processes.

For each framework (Cupola with its Redis channel layer; Django Channels with
channels_redis) this starts a private ``redis-server`` and two uvicorn processes on free
127.0.0.1 ports, connects N clients split evenly between them (each joins the group
``fanout``) and one sender socket. The sender sends JSON messages stamped with the send
time; each server relays them to the group. At most ``--window`` messages are in flight
(sent but not yet received by all N clients), so the rate found is what the framework
sustains without overflowing its per-channel queues.

Reported: deliveries per second (messages x clients / time), p50/p99 delivery latency
(send to receipt, under that load), deliveries still missing when ``--time-limit`` ended
a run, and server memory per idle connection (RSS growth of both processes / N). Every
process is stopped by PID; each run is bounded by ``--messages`` and ``--time-limit``.

    bash bench/run.sh --fanout [--clients 100,1000] [--only cupola,channels]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import websockets

HOST = "127.0.0.1"
BENCH = Path(__file__).resolve().parent
APPS = BENCH / "apps"
FRAMEWORKS = {
    "cupola": ("fanout_cupola:app.asgi", []),
    "channels": ("fanout_channels:application", ["--lifespan", "off"]),
}


@dataclass
class Result:
    framework: str
    clients: int
    messages: int
    delivered: int
    undelivered: int
    seconds: float
    deliveries_per_s: float
    p50_ms: float
    p99_ms: float
    kib_per_idle_connection: float


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited early:\n{log.read_text()}")
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), 0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}:\n{log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def started(command: list[str], port: int, log: Path, **kwargs: object) -> Iterator[int]:
    """Run ``command`` until the block ends; yields its PID once ``port`` accepts."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, **kwargs)  # type: ignore[call-overload]
    try:
        wait_for_port(port, process, log)
        yield process.pid
    finally:
        stop(process)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def connect(url: str) -> websockets.ClientConnection:
    ws = await websockets.connect(
        url, compression=None, ping_interval=None, open_timeout=30, max_size=None
    )
    await ws.recv()  # {"joined": true}: the server has added it to the group
    return ws


async def measure(
    name: str, ports: list[int], pids: list[int], n: int, args: argparse.Namespace
) -> Result:
    base = [rss_kib(pid) for pid in pids]
    gate = asyncio.Semaphore(50)  # connection attempts at once

    async def member(index: int) -> websockets.ClientConnection:
        async with gate:
            return await connect(f"ws://{HOST}:{ports[index % 2]}/ws/member")

    members = await asyncio.gather(*(member(i) for i in range(n)))
    await asyncio.sleep(0.5)  # let the servers settle before reading memory
    grown = sum(rss_kib(pid) for pid in pids) - sum(base)
    sender = await websockets.connect(
        f"ws://{HOST}:{ports[0]}/ws/send", compression=None, ping_interval=None
    )
    counts = [0] * args.messages
    latencies: list[float] = []
    window = asyncio.Semaphore(args.window)
    complete = asyncio.Event()
    finished = 0
    last = 0.0

    async def read(ws: websockets.ClientConnection) -> None:
        nonlocal finished, last
        async for raw in ws:
            now = time.perf_counter()
            message = json.loads(raw)
            latencies.append(now - message["t"])
            seq = message["seq"]
            counts[seq] += 1
            last = now
            if counts[seq] == n:
                finished += 1
                window.release()
                if finished == args.messages:
                    complete.set()

    readers = [asyncio.ensure_future(read(ws)) for ws in members]
    deadline = time.perf_counter() + args.time_limit
    start = time.perf_counter()
    sent = 0
    with contextlib.suppress(TimeoutError):
        for seq in range(args.messages):
            await asyncio.wait_for(window.acquire(), max(0.1, deadline - time.perf_counter()))
            await sender.send(json.dumps({"seq": seq, "t": time.perf_counter()}))
            sent += 1
        await asyncio.wait_for(complete.wait(), max(0.1, deadline - time.perf_counter()))
    await asyncio.sleep(0.2)  # stragglers of an incomplete run
    for task in readers:
        task.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    await asyncio.gather(sender.close(), *(ws.close() for ws in members), return_exceptions=True)
    delivered = sum(counts)
    seconds = (last or time.perf_counter()) - start
    ordered = sorted(latencies) or [0.0]
    return Result(
        framework=name,
        clients=n,
        messages=sent,
        delivered=delivered,
        undelivered=sent * n - delivered,
        seconds=round(seconds, 3),
        deliveries_per_s=round(delivered / seconds) if seconds > 0 else 0,
        p50_ms=round(statistics.median(ordered) * 1000, 2),
        p99_ms=round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2),
        kib_per_idle_connection=round(grown / n, 1),
    )


def run_framework(name: str, redis_url: str, args: argparse.Namespace, logs: Path) -> list[Result]:
    target, extra = FRAMEWORKS[name]
    env = {**os.environ, "FANOUT_REDIS_URL": redis_url}
    ports = [free_port(), free_port()]
    results = []
    with contextlib.ExitStack() as stack:
        pids = []
        for index, port in enumerate(ports):
            command = [
                *(sys.executable, "-m", "uvicorn", target, "--app-dir", str(APPS)),
                *("--host", HOST, "--port", str(port), "--no-access-log"),
                *("--log-level", "warning", *extra),
            ]
            log = logs / f"{name}-{index}.log"
            pids.append(stack.enter_context(started(command, port, log, env=env)))
        # A short warm-up first, so that lazy imports and first allocations of the servers
        # are not counted as memory per connection.
        warm_up = argparse.Namespace(**{**vars(args), "messages": 5})
        asyncio.run(measure(name, ports, pids, 20, warm_up))
        for n in args.clients:
            result = asyncio.run(measure(name, ports, pids, n, args))
            print(format_row(result), flush=True)
            results.append(result)
    return results


def format_row(r: Result) -> str:
    return (
        f"| {r.framework} | {r.clients} | {r.messages} | {r.deliveries_per_s:,} | "
        f"{r.p50_ms} | {r.p99_ms} | {r.undelivered} | {r.kib_per_idle_connection} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="100,1000")
    parser.add_argument("--only", default="cupola,channels")
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--window", type=int, default=10)
    parser.add_argument("--time-limit", type=float, default=25.0)
    parser.add_argument("--output", default=str(BENCH / "results" / "fanout.json"))
    args = parser.parse_args()
    args.clients = [int(n) for n in args.clients.split(",")]
    binary = shutil.which("redis-server")
    if binary is None:
        print("the fan-out benchmark needs redis-server (apt-get install redis-server)")
        return 1
    columns = ["framework", "clients", "messages", "deliveries/s", "p50 ms", "p99 ms"]
    columns += ["undelivered", "KiB/conn"]
    print("| " + " | ".join(columns) + " |")
    print("|---" * len(columns) + "|")
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        logs = Path(tmp)
        for name in args.only.split(","):
            port = free_port()  # a fresh Redis per framework: nothing left from the other
            command = [binary, "--port", str(port), "--bind", HOST, "--save", ""]
            with started(command, port, logs / f"redis-{name}.log"):
                results += run_framework(name, f"redis://{HOST}:{port}/0", args, logs)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps([asdict(r) for r in results], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
