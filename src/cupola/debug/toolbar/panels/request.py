"""The request panel: headers, query arguments, form fields, cookies and session.

Values under secret-looking names are masked (:mod:`cupola.debug.masking`); the session is
read only when the app has session middleware.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cupola.debug.errorpage import describe_request
from cupola.debug.masking import masked_items, masked_url, safe_repr
from cupola.debug.toolbar.panels.base import Panel, pairs

if TYPE_CHECKING:
    from cupola.debug.toolbar.history import RequestRecord
    from cupola.http.request import Request
    from cupola.http.response import Response

__all__ = ["RequestPanel"]


class RequestPanel(Panel):
    """What the client sent, and the session the request saw."""

    name = "request"
    title = "Request"

    def process_response(self, record: RequestRecord, request: Request, response: Response) -> None:
        """Copy the request's data (masked) into the record."""
        data = record.data("request")
        data["summary"] = [
            ("Method", request.method),
            ("URL", masked_url(request.url)),
            ("Client", request.remote_addr or "?"),
            ("Status", str(response.status)),
        ]
        data["tables"] = describe_request(request)
        data["session"] = _session_items(request)
        data["response_headers"] = masked_items(response.headers.items())

    def subtitle(self, stats: dict[str, Any]) -> str:
        """The method and status."""
        summary = dict(stats.get("summary", ()))
        return f"{summary.get('Method', '')} {summary.get('Status', '')}".strip()

    def render(self, stats: dict[str, Any]) -> str:
        """One table per part of the request, then the session and the response headers."""
        parts = [pairs("Request", stats.get("summary", ()))]
        parts += [pairs(title, rows) for title, rows in stats.get("tables", ())]
        parts.append(pairs("Session", stats.get("session", ())))
        parts.append(pairs("Response headers", stats.get("response_headers", ())))
        return "".join(parts)


def _session_items(request: Request) -> list[tuple[str, str]]:
    if request.app.session_loader is None:
        return [("(no session middleware)", "")]
    try:
        session = request.session
        return [(str(key), safe_repr(key, value)) for key, value in session.items()]
    except Exception as exc:  # no SECRET_KEY, a store that is down…: say so
        return [("(unreadable)", f"{type(exc).__name__}: {exc}")]
