"""What Cupola asks of a user object: :class:`UserMixin` for yours, :class:`AnonymousUser`.

Any object with ``is_authenticated``, ``is_active``, ``is_anonymous`` and ``get_id()`` can
log in. :class:`UserMixin` supplies them for a model with an ``id`` (and, for
:func:`~cupola.auth.authenticate`, a ``password_hash`` string attribute or column).
"""

from __future__ import annotations

from typing import Any

from cupola.auth.passwords import hash_password, verify_password


class UserMixin:
    """Login support for your user class: ``class User(UserMixin, db.Model): …``.

    Override ``is_active`` (a property or a column of that name) to refuse logins of
    disabled accounts; ``get_id`` when the identifier is not ``id``.

    Example:
        >>> class User(UserMixin):
        ...     def __init__(self, id):
        ...         self.id = id
        >>> User(7).get_id(), User(7).is_authenticated
        ('7', True)
    """

    @property
    def is_authenticated(self) -> bool:
        """Always ``True``: this is a real, logged-in user."""
        return True

    @property
    def is_active(self) -> bool:
        """Whether the account may log in; ``True`` unless overridden."""
        return True

    @property
    def is_anonymous(self) -> bool:
        """Always ``False``."""
        return False

    def get_id(self) -> str:
        """The identifier kept in the session, as a string (``str(self.id)``).

        Raises:
            NotImplementedError: When the class has no ``id``; override this method.
        """
        try:
            return str(self.id)  # type: ignore[attr-defined]  # supplied by the user's class
        except AttributeError:
            raise NotImplementedError(
                f"{type(self).__name__} has no 'id' attribute: override get_id()."
            ) from None

    def set_password(self, password: str) -> None:
        """Store the hash of ``password`` in ``password_hash`` (never the password)."""
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        """Whether ``password`` matches ``password_hash`` (constant time)."""
        return verify_password(getattr(self, "password_hash", None) or "", password)


class AnonymousUser:
    """The user of a visitor who is not logged in: ``current_user`` outside a login.

    Example:
        >>> AnonymousUser().is_authenticated
        False
    """

    __slots__ = ()

    is_authenticated = False
    is_active = False
    is_anonymous = True

    def get_id(self) -> None:
        """Anonymous visitors have no identifier."""
        return None

    def __repr__(self) -> str:
        return "<AnonymousUser>"

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, AnonymousUser)

    def __hash__(self) -> int:
        return hash(AnonymousUser)


#: The one anonymous user (it holds no state).
ANONYMOUS = AnonymousUser()
