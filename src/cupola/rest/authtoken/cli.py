"""``cupola createtoken USERNAME``: make (or, with ``--reset``, replace) a user's API token.

It looks the user up in the token model's ``user_model`` by its ``username_field`` and
prints the key, as DRF's ``drf_create_token`` does.
"""

from __future__ import annotations

import click
from sqlalchemy import select

from cupola.cli.discovery import app_option, load_app
from cupola.db.database import EXTENSION as DB_EXTENSION
from cupola.exceptions import ImproperlyConfigured
from cupola.rest.authtoken import find_token_model, token_for

__all__ = ["createtoken_command"]


@click.command("createtoken")
@app_option
@click.argument("username")
@click.option("-r", "--reset", is_flag=True, help="Replace the user's token with a new one.")
def createtoken_command(app_spec: str | None, username: str, reset: bool) -> None:
    """Create an API token for USERNAME (TokenAuthentication) and print it."""
    app = load_app(app_spec)
    with app.app_context():
        try:
            model = find_token_model(app)
        except ImproperlyConfigured as exc:
            raise click.ClickException(str(exc)) from None
        user_model = model.user_model
        column = getattr(user_model, model.username_field)
        db = app.extensions[DB_EXTENSION]
        session = db.session
        try:
            user = session.execute(select(user_model).where(column == username)).scalar()
            if user is None:
                raise click.ClickException(
                    f"Cannot create the Token: user {username} does not exist"
                )
            token = token_for(user, reset=reset, model=model)
            click.echo(f"Generated token {token.key} for user {username}")
        finally:
            session.remove()
            db.dispose()
