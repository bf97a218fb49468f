"""docs/cli.md: the check example prints what the page shows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

CLI = Path(__file__).resolve().parents[2] / "docs" / "examples" / "cli"
CUPOLA = str(Path(sys.executable).with_name("cupola"))


@pytest.mark.example("cli/blog.py")
def test_check_prints_what_the_page_shows(example: Any) -> None:
    assert example.client.get("/", headers={"Host": "blog.example.com"}).text == "Welcome"
    command, *expected = (CLI / "check.txt").read_text().splitlines()
    result = subprocess.run(
        [CUPOLA, *command.split()[2:]],
        cwd=CLI,
        env=os.environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == expected
