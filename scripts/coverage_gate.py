"""Check branch coverage per module against STYLE.md: 100% for the core, 95% elsewhere.

Reads ``.coverage``: the data of the test run and of every subprocess it started, combined by
``scripts/coverage``. Prints every module under its threshold and exits 1 if there is one.
The core: ``app``, ``routing``, ``http``, ``pipeline``, the lifecycle and its plans,
``context``, ``middleware``, ``wsgi`` and ``asgi``. A ``# pragma: no cover`` without its reason (after it on the line, or in a
comment on the line before) fails too.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

CORE = ("app.py", "routing/", "http/", "pipeline.py", "context.py", "middleware.py", "wsgi.py")
CORE += ("asgi.py", "lifecycle_", "plans.py")
CORE_THRESHOLD = 100.0
THRESHOLD = 95.0
SOURCE = Path(__file__).resolve().parent.parent / "src" / "cupola"
PRAGMA = re.compile(r"#\s*pragma:\s*no cover(.*)$")


def threshold(module: str) -> float:
    """The coverage ``module`` (a path under ``src/cupola/``) must reach."""
    return CORE_THRESHOLD if module.startswith(CORE) else THRESHOLD


def unexplained_pragmas(folder: Path = SOURCE) -> list[str]:
    """``path:line`` of every ``# pragma: no cover`` under ``folder`` given without a reason."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        lines = path.read_text("utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            match = PRAGMA.search(line)
            if match is None or match.group(1).strip(" -#"):
                continue
            if number > 1 and lines[number - 2].strip().startswith("#"):
                continue
            found.append(f"{path.relative_to(folder)}:{number}")
    return found


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
    pragmas = unexplained_pragmas()
    for place in pragmas:
        print(f"pragma: no cover without a reason: {place}")
    if not failing:
        print(f"coverage: {len(files)} modules at or above their thresholds")
    return 1 if failing or pragmas else 0


if __name__ == "__main__":
    sys.exit(main())
