"""The SQLite connection of a request or command, kept in ``g`` and closed at teardown."""

import sqlite3

import click
from flask import current_app, g


def get_db():
    """The connection of the current app context, opened on first use."""
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
    return g.db


def close_db(exc=None):
    """Close the connection, if this context opened one."""
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_db():
    """Create the tables afresh."""
    db = get_db()
    with current_app.open_resource("schema.sql") as f:
        db.executescript(f.read().decode("utf8"))


@click.command("init-db")
def init_db_command():
    """Clear the existing data and create new tables."""
    init_db()
    click.echo("Initialized the database.")


def init_app(app):
    """Register the teardown and the commands with ``app``."""
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)

    @app.cli.command("stats")
    @click.option("--reader", help="Count only this reader's entries.")
    def stats_command(reader):
        """Show how many books were logged."""
        query, args = "SELECT COUNT(*) FROM entry", ()
        if reader:
            query += " JOIN reader ON reader.id = entry.reader_id WHERE username = ?"
            args = (reader,)
        click.echo(f"{get_db().execute(query, args).fetchone()[0]} books logged.")
