"""The bookshelf's accounts, stored with ``cupola.db``; passwords hashed by ``cupola.auth``.

User names are unique without regard to case. A password is stored only as its scrypt hash
(``cupola.auth.hash_password``); ``cupola.auth.authenticate`` checks it at login.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from cupola.auth import hash_password
from examples.showcase.models import User, db


class UsernameTaken(Exception):
    """Sign-up with a user name that already has an account."""


def create_user(username: str, password: str) -> User:
    """Add an account and commit it.

    Raises:
        UsernameTaken: When ``username`` already has one (in any case).
    """
    if find_user(username) is not None:
        raise UsernameTaken(username)
    user = User(
        username=username, username_key=username.casefold(), password_hash=hash_password(password)
    )
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:  # the same name, signed up at the same moment
        db.session.rollback()
        raise UsernameTaken(username) from None
    return user


def find_user(username: str) -> User | None:
    """The account with this user name (in any case), or ``None``."""
    return db.session.scalar(select(User).where(User.username_key == username.casefold()))


def load_user(user_id: str) -> User | None:
    """The account with this id (the one kept in the session), or ``None``."""
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None
