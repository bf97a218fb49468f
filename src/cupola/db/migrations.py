"""Alembic migrations wired to an app's ``Database``: what ``cupola db …`` runs.

:func:`init` writes a ``migrations/`` folder whose ``env.py`` hands over to
:func:`run_migrations`, so the environment stays current as Cupola evolves. The other
functions run Alembic commands against the app's engine and ``db.Model.metadata``; SQLite
migrations use batch mode, so that altering or dropping a column works there too.
"""

from __future__ import annotations

import io
import os
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from cupola.db.sessions import TABLE_NAME as SESSION_TABLE
from cupola.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from cupola.db.database import Database
    from cupola.types import Application

__all__ = [
    "DEFAULT_DIRECTORY",
    "alembic_config",
    "current",
    "downgrade",
    "find_directory",
    "history",
    "init",
    "migrate",
    "pending",
    "run_migrations",
    "upgrade",
]

#: Where migrations live, relative to the working directory, unless told otherwise.
DEFAULT_DIRECTORY = "migrations"
_DB_ATTRIBUTE = "cupola.db"

_ENV_PY = '''\
"""Alembic environment of this app, written by `cupola db init`.

Cupola's run_migrations() connects to the app's DATABASE_URL and compares against
db.Model.metadata; `cupola db migrate|upgrade|downgrade` load the app and run this file.
"""

from alembic import context

from cupola.db.migrations import run_migrations

run_migrations(context)
'''

_SCRIPT_TEMPLATE = '''\
"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}

revision: str = ${repr(up_revision)}
down_revision: str | Sequence[str] | None = ${repr(down_revision)}
branch_labels: str | Sequence[str] | None = ${repr(branch_labels)}
depends_on: str | Sequence[str] | None = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
'''

_README = """\
Database migrations of this app, managed by Alembic through `cupola db`:

    cupola db migrate -m "add books"   # write a revision from the models' changes
    cupola db upgrade                  # apply every revision not yet applied
    cupola db downgrade                # undo the last one

Review each generated revision before applying it: autogenerate cannot see renames.
"""


def alembic_config(db: Database, directory: str = DEFAULT_DIRECTORY, **kwargs: Any) -> Config:
    """An Alembic ``Config`` for ``db`` and the migrations in ``directory``.

    Args:
        db: The app's database; the current app context says which app.
        directory: The migrations folder.
        **kwargs: Passed to ``Config`` (``stdout=`` to capture output).
    """
    config = Config(**kwargs)
    config.set_main_option("script_location", directory)
    config.attributes[_DB_ATTRIBUTE] = db
    return config


def _include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare: Any) -> bool:
    # The session store's table is its own business: never drop it for not being a model.
    return not (type_ == "table" and name == SESSION_TABLE)


def run_migrations(context: Any) -> None:
    """Run the migration the Alembic ``context`` describes (called from ``env.py``).

    Raises:
        ImproperlyConfigured: When ``env.py`` runs outside ``cupola db``.
    """
    db: Database | None = context.config.attributes.get(_DB_ATTRIBUTE)
    if db is None:
        raise ImproperlyConfigured(
            "This migrations folder is run by Cupola: use 'cupola db upgrade' (and the other "
            "'cupola db' commands) instead of 'alembic'."
        )
    engine = db.engine
    options: dict[str, Any] = {
        "target_metadata": db.Model.metadata,
        "render_as_batch": engine.dialect.name == "sqlite",
        "compare_type": True,
        "include_object": _include_object,
    }
    with engine.connect() as connection:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()


def init(directory: str = DEFAULT_DIRECTORY) -> None:
    """Create the migrations folder: ``env.py``, the revision template and ``versions/``.

    Raises:
        ImproperlyConfigured: When the folder exists and is not empty.
    """
    if os.path.isdir(directory) and os.listdir(directory):
        raise ImproperlyConfigured(
            f"{directory!r} already exists and is not empty; migrations are set up already "
            "(or pass --directory to use another folder)."
        )
    os.makedirs(os.path.join(directory, "versions"), exist_ok=True)
    files = {"env.py": _ENV_PY, "script.py.mako": _SCRIPT_TEMPLATE, "README": _README}
    for name, text in files.items():
        with open(os.path.join(directory, name), "w", encoding="utf-8") as file:
            file.write(text)


def _check(directory: str) -> None:
    if not os.path.isfile(os.path.join(directory, "env.py")):
        raise ImproperlyConfigured(
            f"No migrations in {directory!r}: run 'cupola db init' first (or pass --directory)."
        )


def find_directory(app: Application) -> str | None:
    """The app's migrations folder: ``migrations/`` here, else beside the app's module.

    Returns:
        The first of ``./migrations`` and ``<app.root_path>/migrations`` that holds an
        ``env.py``, or ``None``.
    """
    for directory in (DEFAULT_DIRECTORY, os.path.join(app.root_path, DEFAULT_DIRECTORY)):
        if os.path.isfile(os.path.join(directory, "env.py")):
            return directory
    return None


def migrate(db: Database, message: str | None, directory: str = DEFAULT_DIRECTORY) -> bool:
    """Write a revision with the changes between the models and the database.

    Returns:
        ``False`` when the models match the database: no revision is written.
    """
    _check(directory)
    written: list[bool] = []

    def keep_changes(context: Any, revision: Any, directives: list[Any]) -> None:
        # NOTE: Alembic writes an empty revision when nothing changed; drop it instead.
        if directives and directives[0].upgrade_ops.is_empty():
            directives[:] = []
        written.append(bool(directives))

    command.revision(
        alembic_config(db, directory),
        message=message,
        autogenerate=True,
        process_revision_directives=keep_changes,
    )
    return all(written)


def pending(db: Database, directory: str = DEFAULT_DIRECTORY) -> list[str]:
    """The revisions in ``directory`` not yet applied to the database, oldest first."""
    _check(directory)
    script = ScriptDirectory.from_config(alembic_config(db, directory))
    with db.engine.connect() as connection:
        applied = MigrationContext.configure(connection).get_current_heads()
    revisions = script.iterate_revisions("heads", applied or "base")
    return [r.revision for r in reversed(list(revisions)) if r.revision not in applied]


def upgrade(db: Database, revision: str = "head", directory: str = DEFAULT_DIRECTORY) -> None:
    """Apply revisions up to ``revision``."""
    _check(directory)
    command.upgrade(alembic_config(db, directory), revision)


def downgrade(db: Database, revision: str = "-1", directory: str = DEFAULT_DIRECTORY) -> None:
    """Revert revisions down to ``revision`` (``base`` reverts them all)."""
    _check(directory)
    command.downgrade(alembic_config(db, directory), revision)


def current(db: Database, directory: str = DEFAULT_DIRECTORY) -> str:
    """The revision the database is at, as Alembic prints it."""
    _check(directory)
    out = io.StringIO()
    command.current(alembic_config(db, directory, stdout=out), verbose=False)
    return out.getvalue()


def history(db: Database, directory: str = DEFAULT_DIRECTORY) -> str:
    """Every revision, newest first, as Alembic prints them."""
    _check(directory)
    out = io.StringIO()
    command.history(alembic_config(db, directory, stdout=out), indicate_current=True)
    return out.getvalue()
