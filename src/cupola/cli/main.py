"""The ``cupola`` command: a click group that gathers every subcommand.

``main()`` is the console script declared in ``pyproject.toml``. A name that is not one of
Cupola's commands is looked up in the app's own ``app.cli`` group (``cupola --app blog
init-db``).
"""

from __future__ import annotations

import platform

import click

from cupola.cli.appgroup import AppCommands, app_group_option
from cupola.cli.check import check_command
from cupola.cli.db import db_group
from cupola.cli.new import new_command
from cupola.cli.routes import routes_command
from cupola.cli.run import run_command
from cupola.cli.serve import serve_command
from cupola.cli.shell import shell_command
from cupola.rest.authtoken.cli import createtoken_command

__all__ = ["cli", "main"]


@click.group(cls=AppCommands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    package_name="cupola",
    prog_name="cupola",
    message=f"%(prog)s %(version)s (Python {platform.python_version()})",
)
@app_group_option
def cli(app_spec: str | None) -> None:
    """Manage and serve Cupola applications."""


cli.add_command(run_command)
cli.add_command(serve_command)
cli.add_command(check_command)
cli.add_command(routes_command)
cli.add_command(shell_command)
cli.add_command(db_group)
cli.add_command(new_command)
cli.add_command(createtoken_command)


def main() -> None:
    """Run the ``cupola`` command line."""
    cli()
