"""Generate the sync runner of the request lifecycle from its async source.

``src/cupola/lifecycle_async.py`` is the one hand-written lifecycle; this script writes
``src/cupola/lifecycle_sync.py`` from it:

- ``async def`` becomes ``def`` and ``await`` goes;
- names ending in ``_async`` end in ``_sync``, ``AsyncLifecycle`` becomes ``SyncLifecycle``;
- a line ending in ``# unasync: drop`` is left out;
- a comment line ``# unasync: <code>`` becomes ``<code>``, at the same indentation;
- the module docstring is replaced by one pointing at the source.

Usage: ``python scripts/unasync.py`` (writes the file) or ``--check`` (exit 1 when stale).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "cupola" / "lifecycle_async.py"
TARGET = ROOT / "src" / "cupola" / "lifecycle_sync.py"

HEADER = '''"""The request lifecycle for routes whose callables are all sync.

Generated from ``cupola/lifecycle_async.py`` by ``scripts/unasync.py``: do not edit; edit
the source and run the script. The steps are described there.
"""
'''

_DROP = "# unasync: drop"
_REPLACE = re.compile(r"^(\s*)# unasync: (.+)$")
_WORDS = (
    (re.compile(r"\basync def "), "def "),
    (re.compile(r"\bawait "), ""),
    (re.compile(r"\b(\w+)_async\b"), r"\1_sync"),
    (re.compile(r"\bAsyncLifecycle\b"), "SyncLifecycle"),
)


def transform(source: str) -> str:
    """The sync module's text for the async module's ``source``."""
    body = source[source.index('"""', 3) + 3 :].lstrip("\n")  # after the module docstring
    lines = []
    for line in body.splitlines():
        if line.rstrip().endswith(_DROP):
            continue
        replaced = _REPLACE.match(line)
        if replaced is not None:
            line = replaced.group(1) + replaced.group(2)
        for pattern, replacement in _WORDS:
            line = pattern.sub(replacement, line)
        lines.append(line)
    return HEADER + "\n" + "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    generated = transform(SOURCE.read_text(encoding="utf-8"))
    if "--check" in argv:
        if TARGET.read_text(encoding="utf-8") != generated:
            print(f"{TARGET} is stale: run python scripts/unasync.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(generated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
