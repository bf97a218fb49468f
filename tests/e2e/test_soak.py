"""The soak of ``bench/soak.py``, shortened: the showcase on ``cupola serve`` for 60 seconds.

``CUPOLA_SOAK_SECONDS`` sets another duration (``600`` for the documented 10-minute soak).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SECONDS = float(os.environ.get("CUPOLA_SOAK_SECONDS", "60"))


def test_the_showcase_survives_a_soak(tmp_path: Path) -> None:
    figures = tmp_path / "soak.json"
    command = [sys.executable, str(ROOT / "bench" / "soak.py"), "--duration", str(SECONDS)]
    result = subprocess.run(
        [*command, "--json", str(figures)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=SECONDS + 300,
    )
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(figures.read_text())
    assert report["failures"] == []
    assert report["errors"] == 0
    # The load did run, with every kind of operation, near the rate it was asked for.
    assert set(report["operations"]) == {"api", "form", "page", "room"}
    assert report["ws_sessions"] == report["operations"]["room"] > 0
    assert report["achieved"] > report["rate"] * 0.5
    assert report["rss_growth"] < 0.05
    assert report["fds_idle"][1] <= report["fds_idle"][0] + 5
    assert report["temp_files_left"] == 0
    assert report["exit_status"] == 0


def load_soak() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_soak", ROOT / "bench" / "soak.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_verdict_fails_on_growth_leaks_leftovers_and_errors() -> None:
    soak = load_soak()
    stats = soak.Stats(latencies=[0.01] * 10, operations={"page": 10})

    def seen(rss_end: int, fds_end: int, idle_after: int) -> dict[str, Any]:
        samples = [soak.Sample(100_000, 30, 10, 0) for _ in range(9)]
        samples.append(soak.Sample(rss_end, fds_end, 10, 0))
        samples += [soak.Sample(rss_end, 30, 10, 0) for _ in range(2)]
        return {
            "capacity": 10.0,
            "rate": 8.0,
            "load": 0.8,
            "elapsed": 12.0,
            "stats": stats,
            "samples": samples,
            "idle_fds": [40, idle_after],
        }

    assert soak.verdict(seen(104_000, 35, 45), 0, "", 0)["failures"] == []
    failures = soak.verdict(seen(105_000, 36, 46), 1, "Traceback (most recent call last)", 2)[
        "failures"
    ]
    assert len(failures) == 6  # RSS, descriptors, idle descriptors, leftovers, exit, errors
    assert "RSS grew 5.0% after the warm-up" in failures
    assert "1 errors" in failures
