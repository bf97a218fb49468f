"""``cupola shell`` where IPython cannot be imported: the standard console, as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CUPOLA = str(Path(sys.executable).with_name("cupola"))


def test_the_standard_console_when_ipython_cannot_be_imported(tmp_path: Path) -> None:
    (tmp_path / "console_app.py").write_text("from cupola import Cupola\napp = Cupola('console')\n")
    hidden = tmp_path / "no_ipython"
    hidden.mkdir()
    # First on the path: an IPython that fails to import, as when it is not installed.
    (hidden / "IPython.py").write_text("raise ImportError('IPython is not installed here')\n")
    result = subprocess.run(
        [CUPOLA, "shell", "--app", "console_app"],  # --ipython is the default
        cwd=tmp_path,
        input="from cupola import current_app\nprint('in', current_app.name, app.name)\n",
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(hidden), *sys.path])},
    )
    assert result.returncode == 0, result.stderr
    assert "in console console" in result.stdout
    # The standard console: its banner on stderr, its ">>> " prompts (IPython's are "In [1]:").
    assert "App: console (context pushed)" in result.stderr
    assert result.stdout.startswith(">>> ") and "In [" not in result.stdout
