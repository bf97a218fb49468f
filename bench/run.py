"""Cupola benchmark suite: Cupola against anchor frameworks, in one run.

    python bench/run.py                      # in-process, all frameworks and scenarios
    python bench/run.py --only cupola,falcon --scenario json
    python bench/run.py --targets            # also check Cupola's performance targets
    python bench/run.py --e2e                # real servers + wrk instead (Linux, taskset, wrk)

Results are printed as requests per second and ratios, and written as JSON to
bench/results/latest.json. See bench/README.md for the method.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import report
from scenarios import APPS_DIR, BENCH_DIR, FRAMEWORKS, REPO_DIR, SCENARIO_NAMES, Framework

RESULTS_DIR = BENCH_DIR / "results"
PACKAGES = [
    "cupola", "flask", "flask-wtf", "wtforms", "itsdangerous", "werkzeug", "django",
    "djangorestframework", "falcon", "bottle", "starlette", "fastapi", "pydantic", "litestar",
    "jinja2", "orjson", "uvicorn", "uvloop", "httptools", "gunicorn", "granian",
]  # fmt: skip


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def split_list(value: str | None, allowed: list[str], what: str) -> list[str]:
    if not value:
        return list(allowed)
    chosen = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [v for v in chosen if v not in allowed]
    if unknown:
        raise SystemExit(f"unknown {what}: {', '.join(unknown)} (choose from {', '.join(allowed)})")
    return chosen


def versions() -> dict[str, str]:
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    paths = [str(APPS_DIR), str(REPO_DIR / "src"), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    return env


def run_child(framework: Framework, names: list[str], args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="cupola-bench-") as tmp:
        out = Path(tmp) / "result.json"
        command = [
            sys.executable, str(BENCH_DIR / "inprocess.py"), framework.name, str(out),
            "--scenarios", ",".join(names), "--round", str(args.round),
            "--rounds", str(args.rounds), "--loop", args.loop,
        ]  # fmt: skip
        proc = subprocess.run(command, capture_output=True, text=True, env=child_env())
        if proc.returncode != 0 or not out.exists():
            return {"error": f"exit {proc.returncode}", "stderr": proc.stderr[-3000:]}
        data = json.loads(out.read_text())
        if proc.stderr.strip() and any("error" in r for r in data.get("results", {}).values()):
            data["stderr"] = proc.stderr[-3000:]
        return data


def merge_best(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Keep, per scenario, the better of two passes (and every round's rate)."""
    merged = dict(new)
    for scenario, entry in old.items():
        fresh = new.get(scenario, {})
        if "error" in entry or "error" in fresh or "rps" not in fresh:
            merged[scenario] = entry if "error" in entry else fresh
            continue
        best = dict(max(entry, fresh, key=lambda e: e["rps"]))
        best["rounds_rps"] = entry["rounds_rps"] + fresh["rounds_rps"]
        merged[scenario] = best
    return merged


def run_one(framework: Framework, names: list[str], args: argparse.Namespace) -> dict | None:
    started = time.monotonic()
    data = run_child(framework, names, args)
    if "skipped" in data:
        log(f"SKIP {framework.name}: {data['skipped']}")
        return None
    if "error" in data:
        log(f"FAILED {framework.name}: {data['error']}\n{data.get('stderr', '')}")
        return {"error": data["error"]}
    for scenario, entry in data["results"].items():
        if "error" in entry:
            log(f"WRONG RESPONSE {framework.name} {scenario}: {entry['error']}")
    log(f"done {framework.name} in {time.monotonic() - started:.1f}s")
    return data["results"]


def run_inprocess(
    frameworks: list[Framework], names: list[str], args: argparse.Namespace, problems: list[str]
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    failed: set[str] = set()
    for _ in range(args.repeat):
        for framework in frameworks:
            wanted = [n for n in names if n in framework.scenarios]
            if not wanted or framework.name in failed:
                continue
            data = run_one(framework, wanted, args)
            if data is None or "error" in data:
                failed.add(framework.name)
                if data is not None:
                    problems.append(f"{framework.name}: child failed ({data['error']})")
                continue
            results[framework.name] = merge_best(results.get(framework.name, {}), data)
    for name, entries in results.items():
        problems += [f"{name} {s}: {e['error']}" for s, e in entries.items() if "error" in e]
    return results


def importable(framework: Framework) -> str | None:
    code = (
        "import importlib, sys; "
        f"m = importlib.import_module({framework.module!r}); getattr(m, {framework.attr!r})"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=child_env(),
        cwd=APPS_DIR,
    )  # fmt: skip
    if proc.returncode == 0:
        return None
    lines = proc.stderr.strip().splitlines()
    return lines[-1] if lines else f"exit {proc.returncode}"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    names = [f.name for f in FRAMEWORKS]
    parser.add_argument("--only", help=f"frameworks, comma-separated: {','.join(names)}")
    parser.add_argument(
        "--scenario", help=f"scenarios, comma-separated: {','.join(SCENARIO_NAMES)}"
    )
    parser.add_argument("--targets", action="store_true", help="check Cupola's targets")
    parser.add_argument("--round", type=float, default=0.5, help="seconds per timed round")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (best is kept)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="passes over all frameworks (best is kept)"
    )
    parser.add_argument(
        "--loop", choices=["auto", "uvloop", "asyncio"], default="auto",
        help="event loop for in-process ASGI runs (auto: uvloop when installed)",
    )  # fmt: skip
    parser.add_argument("--e2e", action="store_true", help="real servers + wrk")
    parser.add_argument(
        "--servers", help="e2e servers, comma-separated: gunicorn,uvicorn,granian,serve"
    )
    parser.add_argument("--duration", type=int, default=5, help="e2e seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=1, help="e2e warm-up seconds per scenario")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "latest.json")
    return parser.parse_args(argv)


def environment(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "machine": platform.machine(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "mode": "e2e" if args.e2e else "in-process",
        "round_seconds": args.round,
        "rounds": args.rounds,
        "repeat": args.repeat,
        "load_average": os.getloadavg(),
        "versions": versions(),
    }


def e2e(frameworks: list[Framework], names: list[str], args: argparse.Namespace) -> dict:
    from e2e import run_e2e

    available = []
    for framework in frameworks:
        reason = importable(framework)
        if reason:
            log(f"SKIP {framework.name}: import failed: {reason}")
        else:
            available.append(framework)
    servers = split_list(args.servers, ["gunicorn", "uvicorn", "granian", "serve"], "servers")
    bin_dir = Path(sys.executable).parent
    return run_e2e(available, names, servers, args.duration, args.warmup, bin_dir, log, args.repeat)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    chosen = split_list(args.only, [f.name for f in FRAMEWORKS], "frameworks")
    frameworks = [f for f in FRAMEWORKS if f.name in chosen]
    names = split_list(args.scenario, SCENARIO_NAMES, "scenarios")
    problems: list[str] = []
    output: dict[str, Any] = {"environment": environment(args), "scenarios": names}
    load = os.getloadavg()[0]
    if load > 1.0:
        log(f"warning: 1-minute load average is {load:.2f} before the run; busy cores skew figures")
    if args.e2e:
        if args.targets:
            log("note: --targets applies to in-process figures; run without --e2e to check them")
        output["e2e"] = results = e2e(frameworks, names, args)
        print(report.e2e_report(results, names))
        for label, entries in results.items():
            problems += [f"{label} {s}: {e['error']}" for s, e in entries.items() if "error" in e]
    else:
        output["inprocess"] = results = run_inprocess(frameworks, names, args, problems)
        print(report.inprocess_report(results, names))
        if args.targets:
            output["targets"] = report.evaluate_targets(results)
            print()
            print(report.targets_report(output["targets"]))
    output["problems"] = problems
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(output, indent=2) + "\n")
    log(f"\nresults written to {args.output}")
    if problems:
        log("PROBLEMS:\n  " + "\n  ".join(problems))
        return 1
    failed = [t for t in output.get("targets", []) if t["status"] == "FAIL"]
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
