"""``cupola db``: database migrations (Alembic) for the app's ``Database``.

``init`` writes ``migrations/``; ``migrate -m`` writes a revision from the models' changes;
``upgrade`` and ``downgrade`` move the database between revisions; ``current`` and
``history`` report. The app is found as ``cupola run`` finds it, and every command runs in
its app context, against its ``DATABASE_URL``. Without ``-d`` the migrations folder is
``migrations/`` in the current folder, else the one beside the app's module. Alembic's
set-up chatter (its dialect and plugin lines) shows only with ``cupola db -v``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

import click
from alembic.util import CommandError

from cupola.cli.discovery import app_option, load_app
from cupola.db import migrations
from cupola.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from cupola.db import Database

__all__ = ["db_group"]

F = TypeVar("F", bound=Callable[..., Any])

_directory = click.option(
    "-d",
    "--directory",
    default=None,
    help="The migrations folder (default: ./migrations, else the one beside the app).",
)
# Alembic's INFO lines that describe its own set-up rather than the migration.
_SETUP_LOGGERS = ("alembic.runtime.plugins",)
_SETUP_PREFIXES = ("Context impl ", "Will assume ")


def _errors_as_usage(f: F) -> F:
    """Report configuration errors as one line, not a traceback."""

    @wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except (ImproperlyConfigured, CommandError) as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]  # same signature as f


class _EchoHandler(logging.Handler):
    """Alembic's progress messages on the current standard error, one line each."""

    def emit(self, record: logging.LogRecord) -> None:
        if _verbose() or not _is_setup(record):
            click.echo(record.getMessage(), err=True)


def _is_setup(record: logging.LogRecord) -> bool:
    return record.name.startswith(_SETUP_LOGGERS) or record.getMessage().startswith(_SETUP_PREFIXES)


def _verbose() -> bool:
    context = click.get_current_context(silent=True)
    root = context.find_root() if context else None
    return bool(root and root.meta.get("cupola.db.verbose"))


@contextmanager
def _database(app_spec: str | None, directory: str | None) -> Iterator[tuple[Database, str]]:
    """The app's ``Database`` and migrations folder, in the app context, progress shown."""
    app = load_app(app_spec)
    db: Database | None = app.extensions.get("cupola.db")
    if db is None:
        raise click.ClickException(
            f"{app!r} has no database: create Database(app) (or call db.init_app(app)) "
            "where the app is made."
        )
    logger = logging.getLogger("alembic")
    # Alembic installs a NullHandler; show its progress unless logging is set up already.
    if all(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
        logger.addHandler(_EchoHandler())
        logger.setLevel(logging.INFO)
    if directory is None:
        directory = migrations.find_directory(app) or migrations.DEFAULT_DIRECTORY
    with app.app_context():
        try:
            yield db, directory
        finally:
            db.dispose()


@click.group("db")
@click.option("-v", "--verbose", is_flag=True, help="Show Alembic's set-up messages too.")
@click.pass_context
def db_group(context: click.Context, verbose: bool) -> None:
    """Manage the database schema with migrations."""
    context.find_root().meta["cupola.db.verbose"] = verbose


@db_group.command("init")
@_directory
@_errors_as_usage
def init_command(directory: str | None) -> None:
    """Create the migrations folder."""
    directory = directory or migrations.DEFAULT_DIRECTORY
    migrations.init(directory)
    click.echo(f"Created {directory}/: review and commit it, then run 'cupola db migrate'.")


@db_group.command("migrate")
@app_option
@_directory
@click.option("-m", "--message", default=None, help="The revision's description.")
@_errors_as_usage
def migrate_command(app_spec: str | None, directory: str | None, message: str | None) -> None:
    """Write a revision from the differences between the models and the database."""
    with _database(app_spec, directory) as (db, folder):
        if not migrations.migrate(db, message, folder):
            click.echo("No changes in the models: no revision written.")


@db_group.command("upgrade")
@app_option
@_directory
@click.argument("revision", default="head")
@_errors_as_usage
def upgrade_command(app_spec: str | None, directory: str | None, revision: str) -> None:
    """Apply revisions up to REVISION (default: the latest)."""
    with _database(app_spec, directory) as (db, folder):
        migrations.upgrade(db, revision, folder)


@db_group.command("downgrade")
@app_option
@_directory
@click.argument("revision", default="-1")
@_errors_as_usage
def downgrade_command(app_spec: str | None, directory: str | None, revision: str) -> None:
    """Revert revisions down to REVISION (default: the previous one; 'base' for none)."""
    with _database(app_spec, directory) as (db, folder):
        migrations.downgrade(db, revision, folder)


@db_group.command("current")
@app_option
@_directory
@_errors_as_usage
def current_command(app_spec: str | None, directory: str | None) -> None:
    """Show the revision the database is at."""
    with _database(app_spec, directory) as (db, folder):
        _echo(migrations.current(db, folder), "No revision applied.")


@db_group.command("history")
@app_option
@_directory
@_errors_as_usage
def history_command(app_spec: str | None, directory: str | None) -> None:
    """List the revisions, newest first."""
    with _database(app_spec, directory) as (db, folder):
        _echo(migrations.history(db, folder), "No revisions yet.")


def _echo(report: str, empty: str) -> None:
    click.echo(report.rstrip("\n") or empty)
