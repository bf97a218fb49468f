"""The bookshelf's accounts, stored with ``cupola.db``; passwords hashed by ``cupola.auth``.

User names are unique without regard to case. A password is stored only as its scrypt hash
(``cupola.auth.hash_password``); ``cupola.auth.authenticate`` checks it at login.

Make a staff account, for the admin at ``/admin/`` (the password is asked for, or read from
standard input when it is not a terminal)::

    python -m examples.showcase.users createsuperuser NAME
"""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from cupola.auth import hash_password
from examples.showcase.models import User, db


class UsernameTaken(Exception):
    """Sign-up with a user name that already has an account."""


def create_user(username: str, password: str, *, is_staff: bool = False) -> User:
    """Add an account and commit it.

    Raises:
        UsernameTaken: When ``username`` already has one (in any case).
    """
    if find_user(username) is not None:
        raise UsernameTaken(username)
    user = User(
        username=username,
        username_key=username.casefold(),
        password_hash=hash_password(password),
        is_staff=is_staff,
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


def main(argv: list[str] | None = None) -> int:
    """``createsuperuser NAME``: a staff account (a reader made staff if NAME exists)."""
    parser = argparse.ArgumentParser(prog="python -m examples.showcase.users")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("createsuperuser", help="make a staff account")
    create.add_argument("username")
    args = parser.parse_args(argv)
    from examples.showcase.app import app
    from examples.showcase.books import prepare_database

    with app.app_context():
        prepare_database()  # a first run's database gets its tables first
        user = find_user(args.username)
        if user is not None:
            user.is_staff = True
            db.session.commit()
            print(f"{user.username} is staff now.")
            return 0
        if sys.stdin.isatty():
            password = getpass.getpass("Password: ")
        else:
            password = sys.stdin.readline().rstrip("\n")
        if len(password) < 12:
            print("The password needs 12 characters or more.", file=sys.stderr)
            return 1
        create_user(args.username, password, is_staff=True)
        print(f"Staff account {args.username} created.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
