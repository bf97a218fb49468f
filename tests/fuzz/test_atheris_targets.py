"""Each atheris target under ``fuzz/`` runs briefly (a few thousand inputs) and finds nothing.

Longer runs are on demand: ``python fuzz/fuzz_forms.py -max_total_time=600``. Without
atheris installed the test skips loudly, or fails when ``CI=true``.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

FUZZ = Path(__file__).parents[2] / "fuzz"
TARGETS = sorted(path.name for path in FUZZ.glob("fuzz_*.py"))


def test_there_is_a_target_per_parser() -> None:
    assert TARGETS == ["fuzz_forms.py", "fuzz_headers.py", "fuzz_json.py", "fuzz_ranges.py"]


@pytest.mark.parametrize("target", TARGETS)
def test_target_runs_clean(target: str) -> None:
    if importlib.util.find_spec("atheris") is None:
        message = "ATHERIS TARGETS DID NOT RUN: pip install atheris (in the dev extra)."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    src = str(Path(__file__).parents[2] / "src")
    result = subprocess.run(
        [sys.executable, target, "-runs=1000", "-seed=1"],
        cwd=FUZZ,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Done 1000 runs" in result.stderr
