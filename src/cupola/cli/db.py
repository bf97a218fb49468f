"""``cupola db``: database migrations (Alembic) for the app's ``Database``.

``init`` writes ``migrations/``; ``migrate -m`` writes a revision from the models' changes;
``upgrade`` and ``downgrade`` move the database between revisions; ``current`` and
``history`` report. The app is found as ``cupola run`` finds it, and every command runs in
its app context, against its ``DATABASE_URL``.
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
    default=migrations.DEFAULT_DIRECTORY,
    show_default=True,
    help="The migrations folder.",
)


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
        click.echo(record.getMessage(), err=True)


@contextmanager
def _database(app_spec: str | None) -> Iterator[Database]:
    """The app's ``Database``, inside the app context, with Alembic's progress shown."""
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
    with app.app_context():
        try:
            yield db
        finally:
            db.dispose()


@click.group("db")
def db_group() -> None:
    """Manage the database schema with migrations."""


@db_group.command("init")
@_directory
@_errors_as_usage
def init_command(directory: str) -> None:
    """Create the migrations folder."""
    migrations.init(directory)
    click.echo(f"Created {directory}/: review and commit it, then run 'cupola db migrate'.")


@db_group.command("migrate")
@app_option
@_directory
@click.option("-m", "--message", default=None, help="The revision's description.")
@_errors_as_usage
def migrate_command(app_spec: str | None, directory: str, message: str | None) -> None:
    """Write a revision from the differences between the models and the database."""
    with _database(app_spec) as db:
        migrations.migrate(db, message, directory)


@db_group.command("upgrade")
@app_option
@_directory
@click.argument("revision", default="head")
@_errors_as_usage
def upgrade_command(app_spec: str | None, directory: str, revision: str) -> None:
    """Apply revisions up to REVISION (default: the latest)."""
    with _database(app_spec) as db:
        migrations.upgrade(db, revision, directory)


@db_group.command("downgrade")
@app_option
@_directory
@click.argument("revision", default="-1")
@_errors_as_usage
def downgrade_command(app_spec: str | None, directory: str, revision: str) -> None:
    """Revert revisions down to REVISION (default: the previous one; 'base' for none)."""
    with _database(app_spec) as db:
        migrations.downgrade(db, revision, directory)


@db_group.command("current")
@app_option
@_directory
@_errors_as_usage
def current_command(app_spec: str | None, directory: str) -> None:
    """Show the revision the database is at."""
    with _database(app_spec) as db:
        _echo(migrations.current(db, directory), "No revision applied.")


@db_group.command("history")
@app_option
@_directory
@_errors_as_usage
def history_command(app_spec: str | None, directory: str) -> None:
    """List the revisions, newest first."""
    with _database(app_spec) as db:
        _echo(migrations.history(db, directory), "No revisions yet.")


def _echo(report: str, empty: str) -> None:
    click.echo(report.rstrip("\n") or empty)
