"""``cupola new``: the project it writes installs, runs its own tests and serves."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cupola.cli.main import cli

CUPOLA = str(Path(sys.executable).with_name("cupola"))


def environment() -> dict[str, str]:
    """The current environment, with this checkout's Cupola first on the path."""
    src = str(Path(__file__).parents[2] / "src")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["new", "blog"])
    assert result.exit_code == 0, result.output
    assert "pip install -e ." in result.output
    return tmp_path / "blog"


def test_the_layout(project: Path) -> None:
    files = {str(p.relative_to(project)) for p in project.rglob("*") if p.is_file()}
    assert {
        "README.md",
        "pyproject.toml",
        "wsgi.py",
        ".gitignore",
        "blog/__init__.py",
        "blog/models.py",
        "blog/views.py",
        "blog/templates/base.html",
        "blog/templates/index.html",
        "blog/static/style.css",
        "migrations/env.py",
        "migrations/versions/0001_notes.py",
        "tests/conftest.py",
        "tests/test_views.py",
    } <= files
    assert not any(name.endswith(".tmpl") or "__package__" in name for name in files)
    assert "create_app" in (project / "blog" / "__init__.py").read_text()
    assert 'Blueprint("main"' in (project / "blog" / "views.py").read_text()


def test_the_readme_commands(project: Path) -> None:
    readme = (project / "README.md").read_text()
    commands = [line.split("#")[0].strip() for line in readme.splitlines()]
    assert commands.index("pip install -e .") < commands.index("cupola run")
    assert "pytest" in commands


def test_its_tests_pass_in_the_current_environment(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_its_migration_matches_its_models_and_its_routes_list(project: Path) -> None:
    env = environment()

    def cupola(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CUPOLA, *args], cwd=project, env=env, capture_output=True, text=True, timeout=60
        )

    upgrade = cupola("db", "upgrade")
    assert upgrade.returncode == 0 and "Running upgrade  -> 0001, notes" in upgrade.stderr
    migrate = cupola("db", "migrate", "-m", "nothing")
    assert "No changes in the models" in migrate.stdout, migrate.stdout + migrate.stderr
    routes = cupola("routes")
    assert "main.index" in routes.stdout
    check = cupola("check")
    assert check.returncode == 0 and "no issues" in check.stderr


@pytest.mark.parametrize("name", ["Blog", "my-site", "1st", "class", ""])
def test_names_must_be_package_names(name: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["new", name, "--directory", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "cannot be a package name" in result.output


def test_an_existing_folder_is_left_alone(project: Path) -> None:
    result = CliRunner().invoke(cli, ["new", "blog"])
    assert result.exit_code == 2
    assert "exists and is not empty" in result.output
