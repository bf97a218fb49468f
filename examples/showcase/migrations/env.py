"""Alembic environment of this app, written by `cupola db init`.

Cupola's run_migrations() connects to the app's DATABASE_URL and compares against
db.Model.metadata; `cupola db migrate|upgrade|downgrade` load the app and run this file.
"""

from alembic import context

from cupola.db.migrations import run_migrations

run_migrations(context)
