"""Ready-made API tokens: a ``Token`` model in your own ``db.Model``, and ``cupola createtoken``.

``Token = create_token_model(db, User)`` declares the table ``authtoken_token`` (a 40-character
key, the user, when it was made) on your database's base, so migrations and
``db.create_all()`` see it like any of your models. :class:`TokenAuthentication
<cupola.rest.authentication.TokenAuthentication>` without a ``model`` of its own uses it.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, ForeignKey, String, inspect, select
from sqlalchemy.orm import backref, mapped_column, relationship

from cupola.db.database import EXTENSION as DB_EXTENSION
from cupola.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from cupola.types import Application

__all__ = ["create_token_model", "find_token_model", "generate_key", "token_for"]

#: Marks the class :func:`create_token_model` made, so the app's token model can be found.
MARKER = "__authtoken__"
_EXTENSION = "cupola.rest.authtoken"


def generate_key() -> str:
    """A new token key: 40 hexadecimal digits (160 random bits)."""
    return secrets.token_hex(20)


def create_token_model(
    db: Any,
    user_model: type[Any],
    *,
    username_field: str = "username",
    class_name: str = "Token",
    tablename: str = "authtoken_token",
) -> type[Any]:
    """Declare the token model on your database's base; call it once, next to your models.

    The model has ``key`` (``String(40)``, the primary key, generated when not given),
    ``user_id`` (unique: one token per user), ``created``, and a ``user`` relationship,
    loaded with the token; ``user.auth_token`` goes the other way. Deleting a user deletes
    its token.

    Args:
        db: Your :class:`~cupola.db.Database`, or the declarative base to declare it on.
        user_model: Your user model (one primary-key column).
        username_field: The user attribute ``cupola createtoken USERNAME`` looks users up by.
        class_name: The model's class name.
        tablename: The table's name.

    Returns:
        The model class. Keep it, as any model (``Token = create_token_model(…)`` at module
        level): SQLAlchemy holds mapped classes only weakly.

    Raises:
        ImproperlyConfigured: When the user model has no single primary-key column.

    Example:
        >>> Token = create_token_model(db, User)  # doctest: +SKIP
        >>> token = Token(user=ada); db.session.add(token); db.session.commit()  # doctest: +SKIP
    """
    base = getattr(db, "Model", db)
    keys = inspect(user_model).primary_key
    if len(keys) != 1:
        raise ImproperlyConfigured(
            f"create_token_model() needs a user model with one primary-key column; "
            f"{user_model.__name__} has {len(keys)}."
        )
    user_key = keys[0]
    namespace = {
        "__tablename__": tablename,
        "__doc__": f"An API token of a {user_model.__name__} (``Authorization: Token <key>``).",
        "__module__": user_model.__module__,
        MARKER: True,
        "user_model": user_model,
        "username_field": username_field,
        "key": mapped_column(String(40), primary_key=True, default=generate_key),
        "user_id": mapped_column(
            ForeignKey(user_key, ondelete="CASCADE"), unique=True, nullable=False
        ),
        "created": mapped_column(DateTime(timezone=True), default=lambda: datetime.now(UTC)),
        "user": relationship(
            user_model,
            lazy="joined",
            backref=backref("auth_token", uselist=False, cascade="all, delete-orphan"),
        ),
        "__repr__": lambda self: f"<{class_name} of user {self.user_id}>",
    }
    model: type[Any] = type(class_name, (base,), namespace)
    return model


def find_token_model(app: Application) -> type[Any]:
    """The model :func:`create_token_model` declared on ``app``'s database.

    Raises:
        ImproperlyConfigured: When the app has no database or no token model.
    """
    found = app.extensions.get(_EXTENSION)
    if found is not None:
        return found  # type: ignore[no-any-return]
    db = app.extensions.get(DB_EXTENSION)
    models = [] if db is None else [m.class_ for m in db.Model.registry.mappers]
    tokens = [model for model in models if vars(model).get(MARKER)]
    if len(tokens) != 1:
        raise ImproperlyConfigured(
            "TokenAuthentication has no token model: set its `model` attribute, or declare "
            "one with Token = cupola.rest.authtoken.create_token_model(db, User)"
            + (" (found several: set `model`)." if tokens else ".")
        )
    model: type[Any] = tokens[0]
    app.extensions[_EXTENSION] = model
    return model


def token_for(user: Any, *, reset: bool = False, model: type[Any] | None = None) -> Any:
    """The user's token, made (and committed) if it has none; a new key with ``reset``.

    Args:
        user: A user of the token model's ``user_model``.
        reset: Replace an existing token with a new key.
        model: The token model; by default the current app's.

    Returns:
        The token (its ``key`` is what the client sends).
    """
    from cupola.context import get_app_context

    app = get_app_context().app
    model = model or find_token_model(app)
    session = app.extensions[DB_EXTENSION].session
    user_key = inspect(type(user)).primary_key[0].key
    statement = select(model).where(model.user_id == getattr(user, user_key))
    token = session.execute(statement).scalar_one_or_none()
    if token is not None and reset:
        session.delete(token)
        session.flush()
        token = None
    if token is None:
        token = model(user=user)
        session.add(token)
    session.commit()
    return token
