"""Tables, ratios and performance targets computed from benchmark results."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from scenarios import FRAMEWORKS

Results = dict[str, dict[str, dict[str, Any]]]  # framework -> scenario -> measurement


def rps(results: Results, framework: str, scenario: str) -> float | None:
    return results.get(framework, {}).get(scenario, {}).get("rps")


def ratio(results: Results, num: str, den: str, scenario: str, den_scenario: str | None = None):
    a = rps(results, num, scenario)
    b = rps(results, den, den_scenario or scenario)
    return a / b if a and b else None


def fmt_rps(value: float | None) -> str:
    return f"{value:,.0f}" if value else "-"


def fmt_ratio(value: float | None) -> str:
    return f"{value:.2f}x" if value else "-"


def table(header: list[str], rows: list[list[str]]) -> str:
    """Plain-text table: first column left-aligned, the others right-aligned."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest])

    divider = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), divider, *(line(r) for r in rows)])


def rps_table(results: Results, names: list[str], scenarios: list[str]) -> str:
    rows = []
    for name in names:
        cells = []
        for scenario in scenarios:
            entry = results.get(name, {}).get(scenario, {})
            cells.append("ERROR" if "error" in entry else fmt_rps(entry.get("rps")))
        rows.append([name, *cells])
    return table(["req/s", *scenarios], rows)


def us(results: Results, framework: str, scenario: str) -> float | None:
    return results.get(framework, {}).get(scenario, {}).get("us_per_req")


def extra_us(results: Results, a: str, a_scenario: str, b: str, b_scenario: str) -> float | None:
    """Microseconds per request of (a, a_scenario) minus those of (b, b_scenario)."""
    first, second = us(results, a, a_scenario), us(results, b, b_scenario)
    return first - second if first and second else None


def hop_us(results: Results, scenario: str) -> float | None:
    return extra_us(results, "cupola-asgi-sync", scenario, "cupola-asgi", scenario)


def session_us(results: Results, framework: str) -> float | None:
    """What reading the session adds: session minus plaintext, microseconds per request."""
    return extra_us(results, framework, "session", framework, "plaintext")


def fmt_us(value: float | None) -> str:
    return f"{value:+.1f}" if value is not None else "-"


def ratio_table(results: Results, scenarios: list[str]) -> str:
    rows = []
    for scenario in scenarios:
        hop = hop_us(results, scenario)
        rows.append(
            [
                scenario,
                fmt_ratio(ratio(results, "cupola", "falcon", scenario)),
                fmt_ratio(ratio(results, "cupola", "flask", scenario)),
                fmt_ratio(ratio(results, "cupola", "django", scenario)),
                fmt_ratio(ratio(results, "cupola-asgi", "starlette", scenario)),
                fmt_us(hop),
            ]
        )
    header = [
        "ratio", "Cupola/Falcon", "Cupola/Flask", "Cupola/Django", "Cupola-ASGI/Starlette",
        "hop us/req",
    ]  # fmt: skip
    return table(header, rows)


def inprocess_report(results: Results, scenarios: list[str]) -> str:
    names = [f.name for f in FRAMEWORKS if f.name in results]
    parts = [
        "In-process throughput (best of rounds):",
        rps_table(results, names, scenarios),
        "",
        "Ratios (WSGI: Cupola sync views; ASGI: Cupola async views); hop = ASGI sync view"
        " minus ASGI async view, microseconds per request:",
        ratio_table(results, scenarios),
    ]
    wsgi = ratio(results, "cupola", "cupola", "routing", "json")
    asgi = ratio(results, "cupola-asgi", "cupola-asgi", "routing", "json")
    parts.append(f"\nCupola routing/json: WSGI {fmt_ratio(wsgi)}, ASGI {fmt_ratio(asgi)}")
    if "session" in scenarios and "plaintext" in scenarios:
        costs = ", ".join(
            f"{name} {fmt_us(session_us(results, name))}"
            for name in ("cupola", "cupola-asgi", "django")
        )
        # Flask is left out: its session scenario runs on another app (with Flask-WTF).
        parts.append(f"Session read (session minus plaintext, us/req): {costs}")
    return "\n".join(parts)


@dataclass
class Target:
    label: str
    num: str
    den: str
    scenario: str
    minimum: float
    den_scenario: str | None = None

    def evaluate(self, results: Results) -> dict[str, Any]:
        value = ratio(results, self.num, self.den, self.scenario, self.den_scenario)
        status = "n/a" if value is None else "PASS" if value >= self.minimum else "FAIL"
        return {
            "target": self.label, "minimum": self.minimum, "ratio": value,
            "measured": fmt_ratio(value), "status": status,
        }  # fmt: skip


@dataclass
class CostTarget:
    """At most `maximum_us` microseconds per request of `scenario` over `base`."""

    label: str
    framework: str
    scenario: str
    base: str
    maximum_us: float

    def evaluate(self, results: Results) -> dict[str, Any]:
        value = extra_us(results, self.framework, self.scenario, self.framework, self.base)
        status = "n/a" if value is None else "PASS" if value <= self.maximum_us else "FAIL"
        return {
            "target": self.label, "maximum_us": self.maximum_us, "us": value,
            "measured": f"{fmt_us(value)} us" if value is not None else "-", "status": status,
        }  # fmt: skip


def targets() -> list[Target | CostTarget]:
    found: list[Target | CostTarget] = []
    for s in ("plaintext", "json", "routing"):
        found.append(Target(f"WSGI {s} >= 1.5x Falcon", "cupola", "falcon", s, 1.5))
    found.append(Target("WSGI form >= 1.25x Falcon", "cupola", "falcon", "form", 1.25))
    for s in ("plaintext", "json", "routing", "form", "template"):
        found.append(Target(f"WSGI {s} >= 8x Flask", "cupola", "flask", s, 8.0))
    found.append(Target("WSGI template >= 1.0x Falcon", "cupola", "falcon", "template", 1.0))
    own = Target("WSGI routing >= 0.8x own json", "cupola", "cupola", "routing", 0.8, "json")
    found.append(own)
    for s in ("plaintext", "json"):
        label = f"ASGI {s} >= 1.75x Starlette"
        found.append(Target(label, "cupola-asgi", "starlette", s, 1.75))
    found.append(Target("ASGI routing >= 5x Starlette", "cupola-asgi", "starlette", "routing", 5.0))
    for s in ("session", "form_csrf"):
        found.append(Target(f"WSGI {s} >= 3x Flask", "cupola", "flask", s, 3.0))
        found.append(Target(f"WSGI {s} >= 4x Django", "cupola", "django", s, 4.0))
    for s in ("db_read", "db_page"):
        found.append(Target(f"WSGI {s} >= 1.5x Flask-SQLAlchemy", "cupola", "flask", s, 1.5))
        found.append(Target(f"WSGI {s} >= 2x Django", "cupola", "django", s, 2.0))
    for s in ("rest_list", "rest_create"):
        found.append(Target(f"WSGI {s} >= 5x REST framework", "cupola", "drf", s, 5.0))
        found.append(Target(f"WSGI {s} >= 1.5x FastAPI", "cupola", "fastapi", s, 1.5))
        label = f"ASGI (sync views) {s} >= 1.5x FastAPI"
        found.append(Target(label, "cupola-asgi-sync", "fastapi", s, 1.5))
    label = "WSGI session read <= +25 us over plaintext"
    found.append(CostTarget(label, "cupola", "session", "plaintext", 25.0))
    return found


def evaluate_targets(results: Results) -> list[dict[str, Any]]:
    return [t.evaluate(results) for t in targets()]


def targets_report(evaluated: list[dict[str, Any]]) -> str:
    rows = [[e["target"], e["measured"], e["status"]] for e in evaluated]
    return "Targets (in-process):\n" + table(["target", "measured", "result"], rows)


def e2e_report(results: Results, scenarios: list[str]) -> str:
    names = list(results)
    rows = []
    for name in names:
        cells = []
        for scenario in scenarios:
            entry = results[name].get(scenario, {})
            p99 = entry.get("p99_ms")
            cell = "ERROR" if "error" in entry else fmt_rps(entry.get("rps"))
            if "rps_runs" in entry and entry["rps"]:
                low, high = (100 * (entry[k] / entry["rps"] - 1) for k in ("rps_min", "rps_max"))
                cell += f" [{low:+.0f}/{high:+.0f}%]"
            cells.append(f"{cell} ({p99:.1f} ms)" if p99 is not None else cell)
        rows.append([name, *cells])
    text = "End-to-end throughput (wrk, req/s, p99 latency in brackets):\n"
    if any("rps_runs" in e for entries in results.values() for e in entries.values()):
        text = (
            "End-to-end throughput (wrk; median req/s of the passes [lowest/highest pass "
            "against it], median p99 latency in brackets):\n"
        )
    text += table(["req/s (p99)", *scenarios], rows)
    if any("cpu_us_per_req" in e for entries in results.values() for e in entries.values()):
        text += "\n\nServer CPU time per request (µs, user + system, all its processes):\n"
        cpu_rows = [
            [name, *(_fmt_cpu(results[name].get(s, {}).get("cpu_us_per_req")) for s in scenarios)]
            for name in names
        ]
        text += table(["CPU µs/req", *scenarios], cpu_rows)
    targets = e2e_targets(results, scenarios)
    if targets:
        text += "\n\nTargets (end-to-end, cupola serve; with several passes, the median of the "
        text += "passes' ratios;\n'by CPU': the ratio of CPU time per request, the other row's "
        text += "over cupola serve's):\n"
        text += table(["target", "req/s", "result", "by CPU", "result"], [list(t) for t in targets])
    return text


SERVE = "cupola@serve"


def paired_ratio(results: Results, num: str, den: str, scenario: str) -> float | None:
    """``num`` over ``den``: the median of the passes' own ratios when there were passes.

    Both rows of one pass ran minutes apart at most, so a pass's ratio is less exposed to
    load from elsewhere than the ratio of two medians taken over the whole run.
    """
    a = results.get(num, {}).get(scenario, {}).get("rps_runs")
    b = results.get(den, {}).get(scenario, {}).get("rps_runs")
    if not a or not b or len(a) != len(b):
        return ratio(results, num, den, scenario)
    return statistics.median(x / y for x, y in zip(a, b, strict=True))


def cpu_ratio(results: Results, num: str, den: str, scenario: str) -> float | None:
    """How many times ``num``'s rate ``den``'s would be if CPU were the limit.

    ``den``'s CPU time per request over ``num``'s: the median of the passes' ratios.
    """
    a = results.get(num, {}).get(scenario, {})
    b = results.get(den, {}).get(scenario, {})
    runs_a, runs_b = a.get("cpu_runs"), b.get("cpu_runs")
    if runs_a and runs_b and len(runs_a) == len(runs_b):
        return statistics.median(y / x for x, y in zip(runs_a, runs_b, strict=True) if x)
    x, y = a.get("cpu_us_per_req"), b.get("cpu_us_per_req")
    return y / x if x and y else None


def e2e_targets(results: Results, scenarios: list[str]) -> list[tuple[str, ...]]:
    """``cupola serve`` against the best anchor, and against the raw callable on granian.

    ``cupola serve`` runs granian (WSGI) by default, so its raw callable is
    ``bare-wsgi@granian``. The best anchor is the fastest row (median req/s) of any
    framework but Cupola and the raw callables, on any server. Where ``bare-wsgi-safe`` ran,
    a third line compares with the raw callable sending Cupola's default head (its four
    security headers included): what the framework costs, apart from what it sends.
    """
    if SERVE not in results:
        return []
    anchors = [n for n in results if not n.startswith(("cupola", "bare-"))]
    found = []
    for scenario in (s for s in ("plaintext", "json", "template") if s in scenarios):
        best = max(((rps(results, n, scenario) or 0, n) for n in anchors), default=(0, None))
        if best[1] is not None and best[0]:
            name = f"{scenario} >= 1.0x best anchor ({best[1]})"
            found.append(_target(name, results, best[1], scenario, 1.0))
        if scenario != "template" and "bare-wsgi@granian" in results:
            name = f"{scenario} >= 0.9x raw WSGI on granian"
            found.append(_target(name, results, "bare-wsgi@granian", scenario, 0.9))
        if scenario != "template" and "bare-wsgi-safe@granian" in results:
            name = f"{scenario} >= 0.9x raw WSGI, same head, on granian"
            found.append(_target(name, results, "bare-wsgi-safe@granian", scenario, 0.9))
    return found


def _fmt_cpu(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "-"


def _target(
    name: str, results: Results, other: str, scenario: str, minimum: float
) -> tuple[str, ...]:
    row = [name]
    for value in (
        paired_ratio(results, SERVE, other, scenario),
        cpu_ratio(results, SERVE, other, scenario),
    ):
        row += [fmt_ratio(value), "-" if value is None else "PASS" if value >= minimum else "FAIL"]
    return tuple(row)
