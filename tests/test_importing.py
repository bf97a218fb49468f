"""Dotted import strings (cupola/importing.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cupola.exceptions import ImproperlyConfigured
from cupola.importing import import_string


def test_a_module_whose_own_import_fails_names_the_cause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "needs_missing.py").write_text("import not_installed_anywhere\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ImproperlyConfigured, match="not_installed_anywhere"):
        import_string("needs_missing")
    sys.modules.pop("needs_missing", None)


def test_a_module_and_an_attribute() -> None:
    assert import_string("os.path") is sys.modules["os.path"]
    assert import_string("os.path:join") is sys.modules["os.path"].join
    assert import_string("os.path.join") is sys.modules["os.path"].join
