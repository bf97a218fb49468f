"""Cupola app edges: the name of a ``__main__`` app, binary instance resources."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from cupola import Cupola


def test_name_of_a_main_script_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = types.ModuleType("__main__")
    script.__file__ = str(tmp_path / "myservice.py")
    monkeypatch.setitem(sys.modules, "__main__", script)
    app = Cupola("__main__", root_path=str(tmp_path))
    assert app.name == "myservice"


def test_name_of_an_interactive_main_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))  # no __file__
    app = Cupola("__main__", root_path=str(tmp_path))
    assert app.name == "__main__"


def test_open_instance_resource_binary(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    app = Cupola(__name__, root_path=str(tmp_path), instance_path=str(instance))
    with app.open_instance_resource("blob.bin", "wb") as f:
        f.write(b"\x00\xff")
    with app.open_instance_resource("blob.bin") as f:
        assert f.read() == b"\x00\xff"
    with app.open_instance_resource("blob.bin", "r", encoding="latin-1") as f:
        assert f.read() == "\x00\xff"
