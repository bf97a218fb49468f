"""``cupola new NAME``: write a new project to start from.

The project has an app factory in a package ``NAME``, one blueprint, templates, static
files, a model with its first migration, tests and a README with the commands to install,
run and test it. The files come from ``project_template/`` beside this module: ``.tmpl``
files with ``{{name}}`` replaced by the project's name, ``__package__`` renamed to it.
"""

from __future__ import annotations

import keyword
import os
import re
from pathlib import Path

import click

from cupola.db import migrations

__all__ = ["create_project", "new_command"]

TEMPLATE = Path(__file__).with_name("project_template")
_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")
_RENAMES = {"__package__": None, "gitignore": ".gitignore"}


@click.command("new")
@click.argument("name")
@click.option(
    "--directory",
    type=click.Path(file_okay=False),
    default=None,
    help="Where to write the project (default: ./NAME).",
)
def new_command(name: str, directory: str | None) -> None:
    """Create a new project called NAME (a Python package name, e.g. 'blog')."""
    target = Path(directory or name)
    try:
        create_project(name, target)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"Created {target}/. Next:\n")
    click.echo(f"  cd {target}\n  pip install -e .\n  cupola db upgrade\n  cupola run\n")
    click.echo("Then `pip install -e '.[dev]'` and `pytest` for the tests.")


def create_project(name: str, target: Path) -> None:
    """Write the project ``name`` into the folder ``target``.

    Raises:
        ValueError: When ``name`` is not a lower-case Python package name, or ``target``
            exists and is not empty.
    """
    if not _NAME.match(name) or keyword.iskeyword(name):
        raise ValueError(
            f"{name!r} cannot be a package name: use lower-case letters, digits and "
            "underscores, starting with a letter (e.g. 'blog' or 'my_site')."
        )
    if target.exists() and any(target.iterdir()):
        raise ValueError(f"{str(target)!r} exists and is not empty; pick another NAME.")
    for source in sorted(TEMPLATE.rglob("*.tmpl")):
        relative = source.relative_to(TEMPLATE).with_suffix("")
        parts = [_rename(part, name) for part in relative.parts]
        if parts[0] == "migrations_versions":
            continue
        destination = target.joinpath(*parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(source.read_text().replace("{{name}}", name))
    folder = target / migrations.DEFAULT_DIRECTORY
    migrations.init(os.fspath(folder))
    for revision in (TEMPLATE / "migrations_versions").glob("*.tmpl"):
        (folder / "versions" / revision.stem).write_text(revision.read_text())


def _rename(part: str, name: str) -> str:
    if part in _RENAMES:
        return _RENAMES[part] or name
    return part
