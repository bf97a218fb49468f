"""``url_for`` and ``redirect``: building links to endpoints of the current app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from cupola.context import get_app_context

if TYPE_CHECKING:
    from cupola.app import Cupola
from cupola.http.response import RedirectResponse


def url_for(endpoint: str, **values: Any) -> str:
    """Build the URL of ``endpoint`` in the current app (see :meth:`Cupola.url_for`).

    Example:
        >>> url_for("books.show", book_id=3, _anchor="reviews")  # doctest: +SKIP
        '/books/3#reviews'
    """
    return cast("Cupola", get_app_context().app).url_for(endpoint, **values)


def redirect(location: str, code: int = 302) -> RedirectResponse:
    """Return a response redirecting the client to ``location``.

    Args:
        location: A URL or path, e.g. ``url_for("index")``.
        code: 301, 302, 303, 307 or 308.
    """
    return RedirectResponse(location, code)
