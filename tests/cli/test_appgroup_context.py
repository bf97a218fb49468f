"""How a command finds its app's context (cupola/cli/appgroup.py): pushed once, found from
the command line's group, reused when already active."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cupola import Cupola, current_app
from cupola.cli.appgroup import with_appcontext
from cupola.cli.main import cli
from cupola.context import has_app_context


@click.command("where")
@with_appcontext
def where() -> None:
    click.echo(f"{current_app.name} {has_app_context()}")


def test_a_flask_style_command_invoked_from_an_app_group_gets_its_app(
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = Cupola("grouped")
    # ctx.invoke(command) runs it under the group's click context, no app context pushed yet.
    with click.Context(app.cli, info_name="grouped") as ctx:
        assert not has_app_context()
        with ctx.scope():
            ctx.invoke(where)
        assert not has_app_context()  # the context pushed for the command is gone
    assert capsys.readouterr().out == "grouped True\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "ctx_app.py").write_text("from cupola import Cupola\napp = Cupola('ctx_app')\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    monkeypatch.delenv("CUPOLA_APP", raising=False)
    yield tmp_path
    sys.modules.pop("ctx_app", None)


def test_a_flask_style_command_invoked_from_the_cupola_command_gets_its_app(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx = cli.make_context("cupola", ["--app", "ctx_app", "routes"])
    with ctx:
        assert "routes" in cli.list_commands(ctx)  # loads the app named by --app, once
        ctx.invoke(where)
    assert capsys.readouterr().out == "ctx_app True\n"
    assert not has_app_context()


def test_an_app_command_run_inside_its_apps_context_reuses_it() -> None:
    app = Cupola("reused")
    seen: list[object] = []

    @app.cli.command("seen")
    def seen_command() -> None:
        from cupola import g

        seen.append(g.get("marker"))

    with app.app_context():
        from cupola import g

        g.marker = "outer"
        result = app.test_cli_runner().invoke(args=["seen"])
    assert result.exit_code == 0, result.output
    assert seen == ["outer"]  # the same context: no new one pushed for the command


def test_an_app_command_run_on_its_own_pushes_its_apps_context() -> None:
    app = Cupola("alone")

    @app.cli.command("name")
    def name() -> None:
        click.echo(current_app.name)

    # The command itself, not app.cli: its callback still runs in the app's context.
    result = CliRunner().invoke(app.cli.commands["name"], [])
    assert (result.exit_code, result.output) == (0, "alone\n")
    assert not has_app_context()


def test_the_cupola_command_finds_the_app_from_the_environment(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "ctx_app.py").write_text(
        "import click\nfrom cupola import Cupola, current_app\napp = Cupola('ctx_app')\n"
        "@app.cli.command('hello')\ndef hello():\n    click.echo('hello ' + current_app.name)\n"
    )
    monkeypatch.setenv("CUPOLA_APP", "ctx_app")
    result = CliRunner().invoke(cli, ["hello"])  # no --app: $CUPOLA_APP names the app
    assert (result.exit_code, result.output) == (0, "hello ctx_app\n"), result.output
