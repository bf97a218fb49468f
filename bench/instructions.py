"""Instructions per request under callgrind: a speed figure that load on the machine leaves alone.

    python bench/instructions.py FRAMEWORK SCENARIO [--requests N]

runs the scenario's checked in-process driver (see inprocess.py) under
``valgrind --tool=callgrind`` twice, for N and 3N requests after the same warm-up, and
prints the difference in instructions divided by 2N: start-up, imports and warm-up cancel
out. Needs valgrind (``apt-get install valgrind``).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
TOTALS = re.compile(r"^(?:summary|totals):\s+(\d+)", re.MULTILINE)


def child(framework: str, scenario: str, requests: int) -> None:
    """Inside valgrind: warm up, then run ``requests`` requests."""
    import asyncio

    import inprocess
    from scenarios import FRAMEWORK_BY_NAME

    spec = FRAMEWORK_BY_NAME[framework]
    module = __import__(spec.module)
    app = getattr(module, spec.attr_for(scenario))
    if spec.kind == "wsgi":
        driver = inprocess.checked_driver(lambda s: inprocess.WSGIDriver(app, s), scenario)
        driver.run(200)
        driver.run(requests)
        return
    with asyncio.Runner() as runner:
        lifespan = inprocess.Lifespan(app, runner)
        lifespan.startup()
        driver = inprocess.checked_driver(
            lambda s: inprocess.ASGIDriver(app, s, runner, lifespan.state), scenario
        )
        driver.run(200)
        driver.run(requests)
        lifespan.shutdown()


def instructions(framework: str, scenario: str, requests: int) -> int:
    """Total instructions of a child process running ``requests`` requests."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            __file__,
            "--child",
            framework,
            scenario,
            "--requests",
            str(requests),
        ]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(_paths()), "PYTHONHASHSEED": "0"}
        subprocess.run(command, check=True, env=env, capture_output=True)
        found = TOTALS.search(out.read_text())
        if found is None:
            raise RuntimeError(f"no totals in {out}")
        return int(found.group(1))


def _paths() -> list[str]:
    extra = [str(BENCH_DIR), str(BENCH_DIR / "apps"), str(BENCH_DIR.parent / "src")]
    return extra + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("framework")
    parser.add_argument("scenario")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.framework, args.scenario, args.requests)
        return
    few = instructions(args.framework, args.scenario, args.requests)
    many = instructions(args.framework, args.scenario, 3 * args.requests)
    per_request = (many - few) / (2 * args.requests)
    print(f"{args.framework} {args.scenario}: {per_request:,.0f} instructions per request")


if __name__ == "__main__":
    main()
