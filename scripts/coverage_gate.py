"""Check branch coverage per module against STYLE.md: 100% for the core, 95% elsewhere.

Reads ``.coverage``: the data of the test run and of every subprocess it started, combined by
``scripts/coverage``. Prints every module under its threshold and exits 1 if there is one.
The core: ``app``, ``routing``, ``http``, ``pipeline``, ``context``, ``middleware``, ``wsgi``
and ``asgi``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

CORE = ("app.py", "routing/", "http/", "pipeline.py", "context.py", "middleware.py", "wsgi.py")
CORE += ("asgi.py",)
CORE_THRESHOLD = 100.0
THRESHOLD = 95.0


def threshold(module: str) -> float:
    """The coverage ``module`` (a path under ``src/cupola/``) must reach."""
    return CORE_THRESHOLD if module.startswith(CORE) else THRESHOLD


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "coverage.json"
        subprocess.run(
            [sys.executable, "-m", "coverage", "json", "-q", "-o", str(report)], check=True
        )
        files = json.loads(report.read_text())["files"]
    failing = []
    for path, data in sorted(files.items()):
        module = path.split("src/cupola/", 1)[-1]
        covered = data["summary"]["percent_covered"]
        if covered < threshold(module):
            failing.append(f"{module}: {covered:.2f}% < {threshold(module):.0f}%")
    for line in failing:
        print(f"coverage below threshold: {line}")
    if not failing:
        print(f"coverage: {len(files)} modules at or above their thresholds")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
