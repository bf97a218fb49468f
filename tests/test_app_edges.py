"""Cupola app edges: the name of a ``__main__`` app, binary instance resources."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from cupola import Cupola
from cupola.exceptions import BuildError, ImproperlyConfigured


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


def test_invalidate_rebuilds_the_pipeline(app: Cupola, protocol: str) -> None:
    @app.get("/")
    def home() -> str:
        return "home"

    client = app.test_client(protocol)  # type: ignore[arg-type]
    assert client.get("/").text == "home"
    built = app.pipeline
    app.invalidate()
    assert client.get("/").text == "home"
    assert app.pipeline is not built


def test_url_for_with_a_scheme_outside_a_request(app: Cupola) -> None:
    @app.get("/items/<int:item_id>")
    def item(item_id: int) -> str:
        return str(item_id)

    with app.app_context():
        with pytest.raises(BuildError, match="SERVER_NAME"):
            app.url_for("item", item_id=3, _scheme="https")
        app.config["SERVER_NAME"] = "example.com"
        assert app.url_for("item", item_id=3, _scheme="https") == "https://example.com/items/3"


def test_unknown_test_client_protocol(app: Cupola) -> None:
    with pytest.raises(ImproperlyConfigured, match="protocol must be"):
        app.test_client("http3")  # type: ignore[arg-type]
