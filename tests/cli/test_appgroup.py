"""The app's own commands (cupola/cli/appgroup.py): app.cli, the cupola command, the runner."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cupola import Cupola
from cupola.cli.appgroup import with_appcontext
from cupola.cli.main import cli

APP = """
import click
from cupola import Cupola, current_app, g

app = Cupola(__name__)

@app.teardown_appcontext
def close(exc):
    click.echo("teardown " + str(g.get("opened")))

@app.cli.command("greet")
@click.option("--name", default="world")
def greet(name):
    g.opened = "greet"
    click.echo(f"hello {name} from {current_app.name}")

@click.command("plain")
def plain():
    click.echo("plain in " + current_app.name)

app.cli.add_command(plain)
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "site_app.py").write_text(APP)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.delenv("CUPOLA_APP", raising=False)
    yield tmp_path
    sys.modules.pop("site_app", None)


def test_the_apps_commands_from_the_cupola_command(project: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["--app", "site_app", "greet", "--name", "ada"])
    assert result.output == "hello ada from site_app\nteardown greet\n", result.output
    assert runner.invoke(cli, ["--app", "site_app", "plain"]).output.startswith("plain in")
    listed = runner.invoke(cli, ["--app", "site_app", "--help"]).output
    assert "greet" in listed and "routes" in listed
    # Cupola's own commands get the app from the group's --app too.
    assert "greet" not in runner.invoke(cli, ["--app", "site_app", "routes"]).output
    assert runner.invoke(cli, ["--app", "site_app", "routes"]).exit_code == 0


def test_an_unknown_command_names_the_problem(project: Path) -> None:
    result = CliRunner().invoke(cli, ["--app", "site_app", "nope"])
    assert result.exit_code == 2 and "No such command 'nope'" in result.output
    missing = CliRunner().invoke(cli, ["--app", "missing_module", "greet"])
    assert missing.exit_code != 0 and "missing_module" in missing.output
    assert "greet" not in CliRunner().invoke(cli, ["--help"]).output  # no app here


def test_with_appcontext_for_commands_written_for_flask() -> None:
    app = Cupola(__name__)

    @click.command("flasky")
    @with_appcontext
    def flasky() -> None:
        from cupola import current_app

        click.echo(current_app.name)

    app.cli.add_command(flasky)
    assert app.test_cli_runner().invoke(args=["flasky"]).output == f"{__name__}\n"
    outside = CliRunner().invoke(flasky, [])
    assert outside.exit_code == 2 and "cupola --app" in outside.output

    @app.cli.command("raw", with_appcontext=False)
    def raw() -> None:
        click.echo("raw")

    assert app.test_cli_runner().invoke(args=["raw"]).output == "raw\n"
