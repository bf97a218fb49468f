"""What a database error escaping a view answers, and the transaction of an atomic request.

A constraint violation (a duplicate key, a missing foreign row) is the client's conflict with
stored data: 409. A database that cannot be reached, or a pool with no connection to spare
in time, is a passing outage: 503, logged for the operator. Neither response names the SQL,
its parameters or the driver's message. With ``DATABASE_ATOMIC_REQUESTS``, a view that raises
has its changes rolled back before any error handler runs.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

from sqlalchemy import exc as sa_exc

from cupola.errors import http_error_response
from cupola.exceptions import Conflict, ServiceUnavailable
from cupola.middleware import Middleware

if TYPE_CHECKING:
    from cupola.db.database import Database
    from cupola.http.request import Request
    from cupola.http.response import Response
    from cupola.types import ExtensibleApplication

__all__ = ["AtomicRequestsMiddleware", "register_error_handlers"]

logger = logging.getLogger("cupola.db")

#: Errors that mean the database is unreachable or saturated rather than the request wrong.
UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)


def _rollback(db: Database) -> None:
    if db.session.registry.has():
        db.session.rollback()


def register_error_handlers(app: ExtensibleApplication, db: Database) -> None:
    """Answer ``IntegrityError`` with 409 and an unavailable database with 503."""

    def conflict(exc: sa_exc.IntegrityError) -> Response:
        _rollback(db)
        return http_error_response(
            Conflict(
                "The request conflicts with data already stored (a duplicate or a "
                "missing related record)."
            )
        )

    def unavailable(exc: Exception) -> Response:
        logger.error("Database unavailable", exc_info=exc)
        # The connection may be gone; the pool replaces it on the next checkout.
        with contextlib.suppress(*UNAVAILABLE):
            _rollback(db)
        return http_error_response(
            ServiceUnavailable(
                "The database is unavailable; please try again shortly.",
                headers={"Retry-After": "5"},
            )
        )

    app.register_error_handler(sa_exc.IntegrityError, conflict)
    for cls in UNAVAILABLE:
        app.register_error_handler(cls, unavailable)


class AtomicRequestsMiddleware(Middleware):
    """Rolls back the request's transaction when its view raises (atomic requests only)."""

    def active_hooks(self) -> frozenset[str]:
        """``process_exception`` with ``DATABASE_ATOMIC_REQUESTS`` on, nothing otherwise."""
        if self.app.config.get("DATABASE_ATOMIC_REQUESTS"):
            return frozenset({"process_exception"})
        return frozenset()

    def process_exception(self, request: Request, exception: Exception) -> Response | None:
        """Roll back, so that an error handler's response commits nothing of the view's."""
        _rollback(self.app.extensions["cupola.db"])
        return None
