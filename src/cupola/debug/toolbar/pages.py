"""The toolbar's HTML: the element injected into pages, and the ``/__debug__/`` pages.

Everything the panels recorded is escaped when it is rendered here or by the panels. The
stylesheet and script are files of this package, served under ``/__debug__/static/``: the
toolbar needs no CDN.
"""

from __future__ import annotations

import time
from html import escape
from importlib.resources import files
from typing import TYPE_CHECKING

from cupola.debug.masking import masked_items
from cupola.debug.toolbar.history import RequestRecord, WebSocketRecord
from cupola.debug.toolbar.panels.base import ms, pairs, table
from cupola.http.response import JSONResponse, Response

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cupola.debug.toolbar.history import History, Record
    from cupola.debug.toolbar.panels.base import Panel

__all__ = ["asset", "detail_json", "detail_page", "history_page", "toolbar_html"]

PREFIX = "/__debug__"
_ASSETS = {
    "toolbar.css": "text/css; charset=utf-8",
    "toolbar.js": "text/javascript; charset=utf-8",
}
#: The debug pages are served before the security headers middleware: they set their own.
_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def asset(name: str) -> Response | None:
    """The toolbar's stylesheet or script, or ``None`` for another name."""
    content_type = _ASSETS.get(name)
    if content_type is None:
        return None
    body = files("cupola.debug.toolbar").joinpath("static", name).read_bytes()
    headers = {**_HEADERS, "Cache-Control": "no-cache"}
    return Response(body, headers=headers, content_type=content_type)


def toolbar_html(record: RequestRecord, panels: Sequence[Panel], root: str) -> str:
    """The toolbar element for one page: a handle, and a dock with every panel."""
    base = root + PREFIX
    tabs, sections = [], []
    for panel in panels:
        stats = record.stats.get(panel.name, {})
        panel_id = f"cdt-panel-{panel.name}"
        tabs.append(
            f'<li><button type="button" data-panel="{panel.name}" aria-controls="{panel_id}" '
            f'aria-selected="false">{escape(panel.title)}'
            f"<small>{escape(panel.subtitle(stats))}</small></button></li>"
        )
        sections.append(
            f'<section class="cdt-panel" id="{panel_id}" hidden>'
            f"<h3>{escape(panel.title)}</h3>{panel.render(stats)}</section>"
        )
    failed = " cdt-error" if (record.status or 200) >= 500 else ""
    duration = ms(record.duration_ms)
    return (
        f'<div id="cupola-debug-toolbar" data-debug-id="{record.id}">'
        f'<link rel="stylesheet" href="{base}/static/toolbar.css">'
        f'<button type="button" class="cdt-handle{failed}" aria-expanded="false" '
        f'title="Cupola debug toolbar"><span class="cdt-dot"></span>Cupola '
        f"<small>{record.status} · {duration}</small></button>"
        f'<div class="cdt-dock" hidden role="dialog" aria-label="Cupola debug toolbar">'
        f'<div class="cdt-head"><strong>Cupola debug</strong>'
        f"<code>{escape(record.method)} {escape(record.path)}</code>"
        f'<a href="{base}/{record.id}">Details</a><a href="{base}/">History</a>'
        f'<button type="button" class="cdt-close" aria-label="Close">&times;</button></div>'
        f'<div class="cdt-body"><ul class="cdt-tabs">{"".join(tabs)}</ul>'
        f'<div class="cdt-content">{"".join(sections)}</div></div></div>'
        f'<script src="{base}/static/toolbar.js" defer></script></div>'
    )


def _page(title: str, content: str, root: str) -> Response:
    base = root + PREFIX
    html = (
        f"<!doctype html>\n<html lang=en>\n<meta charset=utf-8>\n"
        f'<meta name=viewport content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} · Cupola debug</title>\n"
        f'<link rel="stylesheet" href="{base}/static/toolbar.css">\n'
        f'<body class="cdt-page"><header><strong>Cupola debug</strong>'
        f'<a href="{base}/">History</a></header>\n<main>{content}</main></body>\n'
    )
    return Response(html, headers=_HEADERS)


def _kind(record: Record) -> tuple[str, str]:
    if isinstance(record, WebSocketRecord):
        return "websocket", "WebSocket"
    if record.is_json:
        return "api", "JSON API"
    if record.is_file:
        return "file", "File"
    if (record.content_type or "").startswith("text/html"):
        return "page", "Page"
    return "other", (record.content_type or "-").split(";")[0]


#: The history's filters: query value, label, and the kinds each shows.
FILTERS = (
    ("", "All", None),
    ("page", "Pages", {"page"}),
    ("api", "JSON API", {"api"}),
    ("websocket", "WebSocket", {"websocket"}),
    ("file", "Files", {"file"}),
    ("other", "Other", {"other"}),
)


def history_page(history: History, root: str, kind: str = "") -> Response:
    """``/__debug__/``: the last requests and WebSocket sessions, newest first.

    Args:
        history: The records.
        root: The app's root path.
        kind: Show only one kind: ``page``, ``api``, ``websocket`` or ``other``.
    """
    shown = next((kinds for value, _, kinds in FILTERS if value == kind), None)
    rows = []
    for record in history.records():
        css, label = _kind(record)
        if shown is not None and css not in shown:
            continue
        rows.append(_history_row(record, css, label, root))
    body = "".join(rows) or '<tr><td colspan=6 class="cdt-empty">No requests yet.</td></tr>'
    filters = "".join(
        f'<a href="{root}{PREFIX}/{"?kind=" + value if value else ""}"'
        f"{' aria-current=page' if value == kind else ''}>{label}</a>"
        for value, label, _ in FILTERS
    )
    content = (
        f"<h1>History</h1><p>The last {history.size} requests and WebSocket sessions "
        f"from internal addresses, newest first.</p>"
        f'<nav class="cdt-filters">{filters}</nav>'
        '<table class="cdt-history"><thead><tr><th>Time</th><th>Kind</th><th>Method</th>'
        f"<th>Path</th><th>Status</th><th>Duration</th></tr></thead><tbody>{body}</tbody></table>"
    )
    return _page("History", content, root)


def _history_row(record: Record, css: str, label: str, root: str) -> str:
    status = record.status
    error = isinstance(status, int) and status >= 400
    started = time.strftime("%H:%M:%S", time.localtime(record.started))
    return (
        f'<tr data-kind="{css}"><td>{started}</td>'
        f'<td><span class="cdt-kind {css}">{escape(label)}</span></td>'
        f"<td>{escape(record.method)}</td>"
        f'<td><a href="{root}{PREFIX}/{record.id}">{escape(record.path)}</a></td>'
        f'<td class="{"cdt-status-error" if error else ""}">{escape(str(status))}</td>'
        f"<td>{ms(record.duration_ms)}</td></tr>"
    )


def detail_page(record: Record, panels: Sequence[Panel], root: str) -> Response:
    """``/__debug__/<id>``: one request's panels, or one WebSocket session's timeline."""
    if isinstance(record, WebSocketRecord):
        return _websocket_page(record, root)
    sections = [
        f'<section class="cdt-panel" id="cdt-panel-{panel.name}"><h2>{escape(panel.title)} '
        f"<small>{escape(panel.subtitle(record.stats.get(panel.name, {})))}</small></h2>"
        f"{panel.render(record.stats.get(panel.name, {}))}</section>"
        for panel in panels
    ]
    title = f"{record.method} {record.path}"
    heading = f"<h1>{escape(title)} <small>→ {escape(str(record.status))}</small></h1>"
    contents = "".join(
        f'<a href="#cdt-panel-{panel.name}">{escape(panel.title)} '
        f"<small>{escape(panel.subtitle(record.stats.get(panel.name, {})))}</small></a>"
        for panel in panels
    )
    jump = f'<nav class="cdt-filters">{contents}</nav>'
    return _page(title, heading + jump + "".join(sections), root)


def detail_json(record: Record) -> Response:
    """``/__debug__/<id>?format=json``: the same findings as data, for scripts and API clients."""
    summary: dict[str, object] = {
        "id": record.id,
        "kind": record.kind,
        "method": record.method,
        "path": record.path,
        "status": record.status,
        "started": record.started,
        "duration_ms": record.duration_ms,
    }
    if isinstance(record, WebSocketRecord):
        keys = ("at", "direction", "type", "bytes", "content")
        summary["frames"] = [dict(zip(keys, frame, strict=True)) for frame in record.frames]
        summary["dropped_frames"] = record.dropped
    else:
        summary["content_type"] = record.content_type
        summary["panels"] = record.stats
    return JSONResponse(summary, headers=_HEADERS)


def _websocket_page(record: WebSocketRecord, root: str) -> Response:
    summary = pairs(
        "Session",
        [
            ("Path", record.path),
            ("Endpoint", record.endpoint or "-"),
            ("Status", record.status),
            ("Frames", f"{len(record.frames)} kept, {record.dropped} more not kept"),
        ],
    )
    frames = [
        (f"+{offset * 1000:.1f} ms", "→ sent" if way == "out" else "← received", kind, size, text)
        for offset, way, kind, size, text in record.frames
    ]
    timeline = table(("At", "Direction", "Type", "Bytes", "Content"), frames, css="cdt-frames")
    headers = pairs("Handshake headers", masked_items(record.headers))
    content = (
        f"<h1>WebSocket {escape(record.path)}</h1>"
        f'<div class="cdt-panel">{summary}<h4>Frame timeline</h4>{timeline}{headers}</div>'
    )
    return _page(f"WebSocket {record.path}", content, root)
