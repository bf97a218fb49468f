"""The panel interface: each panel collects one kind of finding and renders it.

A panel is built once per app build. :meth:`Panel.enable` installs its instrumentation then
(event listeners, wrappers), never per request; :meth:`Panel.process_request` and
:meth:`Panel.process_response` run around each followed request and store findings in the
request's record (``record.data(panel.name)``); :meth:`Panel.render` turns stored findings
into escaped HTML for the toolbar and ``/__debug__/<id>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cupola.debug.toolbar.history import RequestRecord
    from cupola.http.request import Request
    from cupola.http.response import Response
    from cupola.types import Application

__all__ = ["MAX_ITEMS", "Panel", "dropped_note", "keep", "ms", "pairs", "table"]

#: Items (queries, calls, renders, records) a panel keeps per request; the rest are counted.
MAX_ITEMS = 1000


class Panel:
    """Base class of toolbar panels; override what the panel needs.

    Attributes:
        name: The key of the panel's findings in a record, and its element id.
        title: The panel's title in the toolbar.
    """

    name = "panel"
    title = "Panel"

    def enable(self, app: Application) -> None:
        """Install the panel's instrumentation for ``app`` (once, when the app is built)."""

    def process_request(self, record: RequestRecord, request: Request) -> None:
        """Start collecting for a followed request."""

    def process_response(self, record: RequestRecord, request: Request, response: Response) -> None:
        """Finish collecting, once the response is known."""

    def subtitle(self, stats: dict[str, Any]) -> str:
        """A short summary shown beside the title (plain text)."""
        return ""

    def render(self, stats: dict[str, Any]) -> str:
        """The panel's findings as HTML (every value escaped)."""
        return '<p class="cdt-empty">Nothing recorded.</p>'


def keep(data: dict[str, Any], key: str, item: Any) -> None:
    """Append ``item`` to ``data[key]``, or count it in ``data["dropped"]`` past the bound."""
    items = data.setdefault(key, [])
    if len(items) < MAX_ITEMS:
        items.append(item)
    else:
        data["dropped"] = data.get("dropped", 0) + 1


def dropped_note(stats: dict[str, Any]) -> str:
    """A note saying how many items were not kept, or nothing."""
    dropped = stats.get("dropped", 0)
    return f'<p class="cdt-warn">{dropped} more not kept.</p>' if dropped else ""


def table(headings: Sequence[str], rows: Iterable[Sequence[Any]], *, css: str = "") -> str:
    """An HTML table of ``rows`` (each cell escaped), or a note when there are none."""
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows
    )
    if not body:
        return '<p class="cdt-empty">None.</p>'
    head = "".join(f"<th>{escape(heading)}</th>" for heading in headings)
    css_class = f' class="{css}"' if css else ""
    return f"<table{css_class}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def pairs(title: str, rows: Iterable[tuple[str, str]]) -> str:
    """A titled two-column table of names and values."""
    return f"<h4>{escape(title)}</h4>" + table(("Name", "Value"), rows, css="cdt-pairs")


def ms(value: float | None) -> str:
    """Milliseconds for display."""
    return "-" if value is None else f"{value:.2f} ms"
