"""The templates panel: each template a request rendered, with its context's keys.

With ``DEBUG`` on, the app's Jinja environment makes its templates of
:class:`RecordedTemplate`, whose ``new_context`` (called for every render and include)
records the template's name and the names of the variables it was given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jinja2.runtime import Context

from cupola.debug.toolbar.history import current_record
from cupola.debug.toolbar.panels.base import Panel, dropped_note, keep, table
from cupola.templating import CupolaTemplate

if TYPE_CHECKING:
    from cupola.debug.toolbar.history import RequestRecord
    from cupola.http.request import Request
    from cupola.http.response import Response

__all__ = ["RecordedTemplate", "TemplatesPanel"]


class RecordedTemplate(CupolaTemplate):
    """A Jinja template that tells the current record each time it is rendered."""

    def new_context(
        self,
        vars: dict[str, Any] | None = None,  # Jinja's parameter name
        shared: bool = False,
        locals: Mapping[str, Any] | None = None,  # Jinja's parameter name
    ) -> Context:
        """Record the render, then make the context as Jinja does."""
        record = current_record()
        if record is not None:
            keys = sorted(key for key in (vars or {}) if key not in self.globals)
            keep(record.data("templates"), "renders", (self.name or "(from a string)", keys))
        return super().new_context(vars, shared, locals)


class TemplatesPanel(Panel):
    """The templates rendered for the request."""

    name = "templates"
    title = "Templates"

    def process_response(self, record: RequestRecord, request: Request, response: Response) -> None:
        """Make sure the panel has its list, even when nothing was rendered."""
        record.data("templates").setdefault("renders", [])

    def subtitle(self, stats: dict[str, Any]) -> str:
        """How many renders."""
        return str(len(stats.get("renders", [])))

    def render(self, stats: dict[str, Any]) -> str:
        """One row per render: the template and its context's keys."""
        rows = [(name, ", ".join(keys) or "-") for name, keys in stats.get("renders", [])]
        return table(("Template", "Context keys"), rows) + dropped_note(stats)
