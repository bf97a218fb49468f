from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from cupola import Cupola
from cupola.cli.discovery import APP_ENV, load_app

APPS = Path(__file__).parent / "apps"


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run in the sample apps folder; restore sys.path and forget the sample modules."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.delenv(APP_ENV, raising=False)
    monkeypatch.chdir(APPS)
    modules = set(sys.modules)
    yield
    for name in set(sys.modules) - modules:
        if name.startswith("cupola_pkg") or str(APPS) in (
            getattr(sys.modules[name], "__file__", None) or ""
        ):
            del sys.modules[name]


def config_name(app: Cupola) -> object:
    return app.config.get("NAME")


# -- spec forms -----------------------------------------------------------------------------


def test_module_uses_its_app_attribute() -> None:
    app = load_app("debug_app")
    assert app is sys.modules["debug_app"].app


def test_module_with_a_single_instance_under_another_name() -> None:
    app = load_app("only_instance")
    assert app is sys.modules["only_instance"].application


def test_module_attribute() -> None:
    assert load_app("two_apps:admin") is sys.modules["two_apps"].admin


def test_module_falls_back_to_create_app() -> None:
    assert config_name(load_app("factories")) == "default"


def test_module_falls_back_to_make_app() -> None:
    assert config_name(load_app("make_app_factory")) == "made"


def test_factory_call_without_arguments() -> None:
    assert config_name(load_app("factories:create_app()")) == "default"


def test_factory_name_is_called() -> None:
    assert config_name(load_app("factories:create_app")) == "default"


def test_factory_call_with_literal_arguments() -> None:
    app = load_app("factories:create_app('dev', debug=True, extra={'a': [1, 2.5, None]})")
    assert config_name(app) == "dev"
    assert app.debug is True
    assert app.config["EXTRA"] == {"a": [1, 2.5, None]}


def test_spec_whitespace_is_ignored() -> None:
    assert config_name(load_app(" factories : create_app( 'x' ) ")) == "x"


def test_file_path_with_attribute() -> None:
    assert load_app("two_apps.py:web") is sys.modules["two_apps"].web


def test_file_path_relative_to_another_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(APPS.parent)
    app = load_app("apps/factories.py:create_app('from-path')")
    assert config_name(app) == "from-path"
    assert str(APPS) in sys.path


def test_absolute_file_path_without_attribute(tmp_path: Path) -> None:
    os.chdir(tmp_path)
    app = load_app(str(APPS / "only_instance.py"))
    assert app is sys.modules["only_instance"].application


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A package outside the sample folder: ``cupola_pkg/__init__.py`` and ``web.py``."""
    root = tmp_path / "cupola_pkg"
    root.mkdir()
    (root / "__init__.py").write_text(
        "from cupola import Cupola\n\napp = Cupola(__name__, config={'NAME': 'package'})\n"
    )
    (root / "web.py").write_text(
        "from cupola import Cupola\n\nweb = Cupola(__name__, config={'NAME': 'web'})\n"
    )
    return root


def test_file_inside_a_package_imports_as_a_submodule(package: Path) -> None:
    app = load_app(f"{package / 'web.py'}:web")
    assert config_name(app) == "web"
    assert sys.modules["cupola_pkg.web"].web is app
    assert str(package.parent) in sys.path


def test_package_folder_and_its_init_file(package: Path) -> None:
    assert config_name(load_app(str(package))) == "package"
    assert load_app(str(package / "__init__.py")) is sys.modules["cupola_pkg"].app


def test_current_folder_is_put_on_sys_path() -> None:
    sys.path[:] = [entry for entry in sys.path if entry not in ("", str(APPS))]
    load_app("debug_app")
    assert str(APPS) in sys.path


# -- environment and folder fallbacks -------------------------------------------------------


def test_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(APP_ENV, "factories:create_app('env')")
    assert config_name(load_app(None)) == "env"


def test_explicit_spec_wins_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(APP_ENV, "no_app")
    assert config_name(load_app("make_app_factory")) == "made"


def test_app_py_in_current_folder() -> None:
    os.chdir(APPS / "app_py")
    assert config_name(load_app(None)) == "app.py"


def test_wsgi_py_in_current_folder() -> None:
    os.chdir(APPS / "wsgi_py")
    assert config_name(load_app(None)) == "wsgi.py"


# -- errors ---------------------------------------------------------------------------------


def usage_error(spec: str | None) -> str:
    with pytest.raises(click.UsageError) as info:
        load_app(spec)
    return info.value.format_message()


def click_error(spec: str | None) -> str:
    with pytest.raises(click.ClickException) as info:
        load_app(spec)
    assert not isinstance(info.value, click.UsageError)
    return info.value.format_message()


def test_nothing_to_find(tmp_path: Path) -> None:
    os.chdir(tmp_path)
    message = usage_error(None)
    assert "--app module:name" in message
    assert APP_ENV in message
    assert "app.py or wsgi.py" in message


def test_module_without_app() -> None:
    assert usage_error("no_app") == (
        "Could not find a Cupola app in module 'no_app'; use --app module:name."
    )


def test_module_with_several_apps() -> None:
    message = usage_error("two_apps")
    assert "several Cupola apps in module 'two_apps' (admin, web)" in message
    assert "--app two_apps:name" in message


def test_missing_module() -> None:
    message = usage_error("does_not_exist")
    assert "Could not import module 'does_not_exist'" in message
    assert str(APPS) in message


def test_missing_dependency_inside_the_module_keeps_the_traceback() -> None:
    message = click_error("broken_import")
    assert "While importing 'broken_import'" in message
    assert "cupola_missing_dependency" in message
    assert "Traceback" in message


def test_error_raised_while_importing(tmp_path: Path) -> None:
    (tmp_path / "raising_app.py").write_text("raise RuntimeError('no database configured')\n")
    message = click_error(str(tmp_path / "raising_app.py"))
    assert "While importing 'raising_app'" in message
    assert "RuntimeError: no database configured" in message


def test_file_shadowed_by_an_imported_module(tmp_path: Path) -> None:
    (tmp_path / "json.py").write_text("from cupola import Cupola\n\napp = Cupola(__name__)\n")
    message = usage_error(str(tmp_path / "json.py"))
    assert "imports as module 'json', but that name is taken by" in message
    assert "rename the file" in message


def test_missing_file() -> None:
    message = usage_error("nowhere/app.py")
    assert "does not exist" in message
    assert "nowhere" in message


def test_missing_attribute() -> None:
    assert "Module 'two_apps' has no attribute 'blog'" in usage_error("two_apps:blog")


def test_attribute_that_is_not_an_app() -> None:
    message = click_error("factories:not_an_app")
    assert "int 42, not a Cupola app" in message


def test_factory_returning_something_else() -> None:
    assert "int 7, not a Cupola app" in click_error("factories:make_number()")


def test_factory_needing_arguments() -> None:
    message = usage_error("factory_with_args")
    assert "factory 'factory_with_args:create_app' cannot be called" in message
    assert "missing a required argument: 'env'" in message


def test_factory_with_wrong_arguments() -> None:
    assert "cannot be called" in usage_error("factories:needs_env(1, 2)")


def test_non_literal_arguments_are_never_evaluated() -> None:
    assert "must be literals" in usage_error("factories:needs_env(__import__('os').getcwd())")
    assert "must be literals" in usage_error("factories:needs_env(*['x'])")
    assert "must be literals" in usage_error("factories:needs_env(**{'env': 'x'})")


def test_not_callable() -> None:
    assert "factories:not_an_app is not callable" in usage_error("factories:not_an_app()")


def test_unparsable_expression() -> None:
    assert "Could not parse 'create_app(' " in usage_error("factories:create_app(")


def test_unsupported_expression() -> None:
    assert "neither a name nor a factory call" in usage_error("factories:a.b")
    assert "neither a name nor a factory call" in usage_error("factories:a.b()")


def test_empty_module_name() -> None:
    assert "names no module" in usage_error(":app")
