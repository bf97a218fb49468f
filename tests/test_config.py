"""Configuration: defaults, loaders, and rebuilding the app when a value changes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from cupola import Cupola, Middleware, Response
from cupola.config import DEFAULTS, Config
from cupola.exceptions import ImproperlyConfigured
from cupola.http.request import Request
from cupola.testing import TestClient

LOWER_CASE_IGNORED = "module attribute read by from_object"
UPPER_FROM_MODULE = "from this module"


class Settings:
    DEBUG = True
    PAGE_SIZE = 20
    lower = "ignored"


def test_defaults(app: Cupola) -> None:
    assert app.config["DEBUG"] is False
    assert app.config["TESTING"] is False
    assert app.config["SECRET_KEY"] is None
    assert app.config["MAX_CONTENT_LENGTH"] == 16 * 1024 * 1024
    assert app.config["MAX_FORM_PARTS"] == 1000
    assert app.config["MAX_FORM_FILES"] == 100
    assert app.config["MIDDLEWARE"] == [
        "cupola.security:ProxyHeadersMiddleware",
        "cupola.security:TrustedHostMiddleware",
        "cupola.security:SecurityHeadersMiddleware",
        "cupola.sessions:SessionMiddleware",
        "cupola.csrf:CsrfMiddleware",
    ]
    assert app.debug is False
    assert set(DEFAULTS) <= set(app.config)


def test_constructor_config_overrides_defaults() -> None:
    app = Cupola(__name__, config={"DEBUG": True, "CUSTOM": 1})
    assert app.debug is True
    assert app.config["CUSTOM"] == 1
    assert app.config["TESTING"] is False


def test_apps_do_not_share_config() -> None:
    first, second = Cupola(__name__), Cupola(__name__)
    first.config["MIDDLEWARE"].append("x.y")
    assert "x.y" not in second.config["MIDDLEWARE"]


def test_from_object_class_and_dotted_path(app: Cupola) -> None:
    app.config.from_object(Settings)
    assert app.config["DEBUG"] is True
    assert app.config["PAGE_SIZE"] == 20
    assert "lower" not in app.config
    app.config.from_object(f"{__name__}")
    assert app.config["UPPER_FROM_MODULE"] == "from this module"
    app.config.from_object(f"{__name__}:Settings")
    assert app.config["PAGE_SIZE"] == 20


def test_from_object_bad_path(app: Cupola) -> None:
    with pytest.raises(ImproperlyConfigured, match="has no attribute 'Nope'"):
        app.config.from_object(f"{__name__}.Nope")


def test_from_file_toml(app: Cupola, tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('DEBUG = true\nNAME = "site"\nlower = 1\n[REST]\nPAGE_SIZE = 5\n')
    assert app.config.from_file(path) is True
    assert app.config["DEBUG"] is True
    assert app.config["NAME"] == "site"
    assert app.config["REST"] == {"PAGE_SIZE": 5}
    assert "lower" not in app.config


def test_from_file_missing_and_invalid(app: Cupola, tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    with pytest.raises(ImproperlyConfigured, match="does not exist"):
        app.config.from_file(missing)
    assert app.config.from_file(missing, silent=True) is False
    bad = tmp_path / "bad.toml"
    bad.write_text("DEBUG = = true")
    with pytest.raises(ImproperlyConfigured, match=r"bad\.toml"):
        app.config.from_file(bad)


def test_from_env(app: Cupola, monkeypatch: pytest.MonkeyPatch) -> None:
    app.config["REST"] = {"PAGE_SIZE": 10, "KEEP": "yes"}
    monkeypatch.setenv("CUPOLA_DEBUG", "true")
    monkeypatch.setenv("CUPOLA_PORT", "8000")
    monkeypatch.setenv("CUPOLA_HOSTS", '["a", "b"]')
    monkeypatch.setenv("CUPOLA_NAME", "plain text")
    monkeypatch.setenv("CUPOLA_REST__PAGE_SIZE", "20")
    monkeypatch.setenv("CUPOLA_DB__OPTIONS__TIMEOUT", "1.5")
    monkeypatch.setenv("OTHER_DEBUG", "false")
    app.config.from_env()
    assert app.config["DEBUG"] is True
    assert app.config["PORT"] == 8000
    assert app.config["HOSTS"] == ["a", "b"]
    assert app.config["NAME"] == "plain text"
    assert app.config["REST"] == {"PAGE_SIZE": 20, "KEEP": "yes"}
    assert app.config["DB"] == {"OPTIONS": {"TIMEOUT": 1.5}}


def test_from_env_custom_prefix(app: Cupola, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MYAPP_SECRET_KEY", "s3cret")
    app.config.from_env(prefix="MYAPP_")
    assert app.config["SECRET_KEY"] == "s3cret"


def test_from_mapping_takes_upper_case_keys() -> None:
    config = Config()
    config.from_mapping({"A": 1, "b": 2}, C=3)
    assert dict(config) == {"A": 1, "C": 3}


def test_change_after_first_request_rebuilds(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def view() -> str:
        raise RuntimeError("shown only in debug")

    assert "shown only in debug" not in client.get("/").text
    app.config["DEBUG"] = True
    assert "shown only in debug" in client.get("/").text
    del app.config["DEBUG"]
    app.config.setdefault("DEBUG", False)
    assert "shown only in debug" not in client.get("/").text


def test_middleware_config_change_rebuilds(app: Cupola, client: TestClient) -> None:
    class Header(Middleware):
        def process_response(self, request: Request, response: Response) -> Response:
            response.headers["X-Mw"] = "on"
            return response

    @app.get("/")
    def view() -> str:
        return ""

    assert "x-mw" not in client.get("/").headers
    app.config.update(MIDDLEWARE=[Header])
    assert client.get("/").headers["x-mw"] == "on"


def test_max_content_length_change_applies(app: Cupola, client: TestClient) -> None:
    @app.post("/")
    def view(request: Request) -> str:
        return str(len(request.get_data()))

    assert client.post("/", content=b"x" * 100).text == "100"
    app.config["MAX_CONTENT_LENGTH"] = 10
    response = client.post("/", content=b"x" * 100)
    assert response.status_code == 413
    assert "MAX_CONTENT_LENGTH" in response.text


@pytest.mark.parametrize(
    "change",
    [
        lambda config: config.__ior__({"DEBUG": True}),
        # Set without notice, then pop another key: the pop alone must trigger the rebuild.
        lambda config: (dict.__setitem__(config, "DEBUG", True), config.pop("TESTING")),
    ],
)
def test_every_mutation_rebuilds(app: Cupola, client: TestClient, change: Any) -> None:
    @app.get("/")
    def view() -> str:
        raise RuntimeError("debug detail")

    assert "debug detail" not in client.get("/").text
    change(app.config)
    assert "debug detail" in client.get("/").text


def test_ior_operator_and_clear_notify(app: Cupola) -> None:
    changes: list[bool] = []
    config = Config({"A": 1}, on_change=lambda: changes.append(True))
    config |= {"B": 2}
    assert isinstance(config, Config)
    assert dict(config) == {"A": 1, "B": 2}
    assert config.popitem() == ("B", 2)
    config.clear()
    assert dict(config) == {}
    assert len(changes) == 3


def test_from_pyfile(tmp_path: Path) -> None:
    from cupola.config import Config

    (tmp_path / "settings.py").write_text("import os\nDEBUG = True\nNAME = os.sep\nlower = 1\n")
    config = Config(root_path=tmp_path)
    assert config.from_pyfile("settings.py") is True
    assert (config["DEBUG"], config["NAME"]) == (True, os.sep)
    assert "lower" not in config and "os" not in config
    assert config.from_pyfile("missing.py", silent=True) is False
    with pytest.raises(ImproperlyConfigured, match="does not exist"):
        config.from_pyfile("missing.py")


def test_from_file_with_a_loader_relative_to_the_root(tmp_path: Path) -> None:
    import json

    from cupola.config import Config

    (tmp_path / "settings.json").write_text('{"PAGE_SIZE": 5, "lower": 1}')
    (tmp_path / "broken.json").write_text("{")
    config = Config(root_path=tmp_path)
    assert config.from_file("settings.json", load=json.load) is True
    assert config["PAGE_SIZE"] == 5 and "lower" not in config
    with pytest.raises(ImproperlyConfigured, match=r"broken\.json"):
        config.from_file("broken.json", load=json.load)


def test_from_prefixed_env(app: Cupola, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUPOLA_PAGE_SIZE", "20")
    monkeypatch.setenv("MYAPP_REST__PAGE_SIZE", "7")
    monkeypatch.setenv("MYAPP_TITLE", "not json")
    app.config.from_prefixed_env()
    assert app.config["PAGE_SIZE"] == 20
    app.config.from_prefixed_env("MYAPP", loads=str.upper)
    assert app.config["TITLE"] == "NOT JSON"
    assert app.config["REST"]["PAGE_SIZE"] == "7"
