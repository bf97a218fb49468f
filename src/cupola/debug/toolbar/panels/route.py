"""The route panel: the rule that matched, its endpoint, view and converters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cupola.debug.masking import safe_repr
from cupola.debug.toolbar.panels.base import Panel, pairs
from cupola.routing.rules import Slot

if TYPE_CHECKING:
    from cupola.debug.toolbar.history import RequestRecord
    from cupola.http.request import Request
    from cupola.http.response import Response

__all__ = ["RoutePanel"]


class RoutePanel(Panel):
    """Which rule answered the request, and with which view."""

    name = "route"
    title = "Route"

    def process_response(self, record: RequestRecord, request: Request, response: Response) -> None:
        """Describe the matched rule (nothing matched: a 404 or 405 says so)."""
        data = record.data("route")
        rule = request.url_rule
        if rule is None:
            data["rule"] = None
            return
        view = getattr(rule.target, "view", None)
        data["rule"] = rule.rule
        data["endpoint"] = rule.endpoint
        data["methods"] = ", ".join(sorted(rule.methods))
        data["view"] = _qualified_name(view)
        data["blueprint"] = request.blueprint or "(app)"
        data["converters"] = [
            (segment.name, type(segment.converter).__name__)
            for segment in rule.segments
            if isinstance(segment, Slot)
        ]
        data["values"] = [(k, safe_repr(k, v)) for k, v in request.view_args.items()]

    def subtitle(self, stats: dict[str, Any]) -> str:
        """The endpoint."""
        return str(stats.get("endpoint") or "no match")

    def render(self, stats: dict[str, Any]) -> str:
        """The rule, then its converters and the values they produced."""
        if stats.get("rule") is None:
            return '<p class="cdt-empty">No rule matched this request.</p>'
        summary = [
            ("Rule", stats["rule"]),
            ("Endpoint", stats["endpoint"]),
            ("View", stats["view"]),
            ("Methods", stats["methods"]),
            ("Blueprint", stats["blueprint"]),
        ]
        return (
            pairs("Route", summary)
            + pairs("Converters", stats["converters"])
            + pairs("Values", stats["values"])
        )


def _qualified_name(view: Any) -> str:
    target = getattr(view, "view_class", None) or view  # class-based views
    module = getattr(target, "__module__", None) or "?"
    name = getattr(target, "__qualname__", None) or repr(target)
    return f"{module}.{name}"
