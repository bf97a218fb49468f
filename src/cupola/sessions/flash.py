"""Flash messages: notes for the visitor's next page, kept in the session until shown.

A view calls :func:`flash` (typically before a redirect); the next page, usually its
template, calls :func:`get_flashed_messages`, which removes them from the session. Within one
request, every call returns the same messages, so a layout and a page can both ask.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from cupola import signals
from cupola.context import get_request

_KEY = "_flashes"  # in the session: [[category, message], ...]
_SHOWN = "_cupola_flashes"  # in ``g``: the messages taken from the session by this request


def flash(message: Any, category: str = "message") -> None:
    """Keep ``message`` in the session for the next :func:`get_flashed_messages`.

    Args:
        message: The text; a ``Markup`` value stays ``Markup`` (not escaped again).
        category: A label to filter or style by, e.g. ``"error"``, ``"info"``.

    Example:
        >>> flash("Saved.")  # doctest: +SKIP
        >>> flash("Wrong password.", "error")  # doctest: +SKIP
    """
    request = get_request()
    session = request.session
    session[_KEY] = [*session.get(_KEY, ()), [category, message]]
    if signals.message_flashed.receivers:
        signals.message_flashed.send(request.app, message=message, category=category)


def get_flashed_messages(
    with_categories: bool = False, category_filter: Collection[str] = ()
) -> list[Any]:
    """Return the flashed messages, removing them from the session.

    Args:
        with_categories: Return ``(category, message)`` pairs instead of messages.
        category_filter: Return only messages of these categories (all when empty).
            Messages filtered out are removed all the same.

    Returns:
        The messages in the order they were flashed.

    Example:
        >>> for category, message in get_flashed_messages(with_categories=True):  # doctest: +SKIP
        ...     print(category, message)
    """
    request = get_request()
    g = request.g
    shown: list[tuple[str, Any]] | None = g.get(_SHOWN)
    if shown is None:
        session = request.session
        # NOTE: only a session that holds messages is changed, so reading none sets no cookie.
        stored = session.pop(_KEY) if _KEY in session else ()
        shown = [(category, message) for category, message in stored]
        setattr(g, _SHOWN, shown)
    if category_filter:
        shown = [pair for pair in shown if pair[0] in category_filter]
    if with_categories:
        return list(shown)
    return [message for _, message in shown]
