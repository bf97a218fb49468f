"""The soak of ``bench/soak.py``, shortened: the showcase on ``cupola serve`` for 60 seconds.

``CUPOLA_SOAK_SECONDS`` sets another duration (``600`` for the documented 10-minute soak).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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
