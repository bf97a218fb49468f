"""The debug error page: what an unhandled exception answers with ``DEBUG`` on.

It shows the exception chain (``__cause__`` and ``__context__``), each frame with its source
and its locals, and the request's method, URL, headers, query, form and cookies; everything
escaped, and values under secret-looking names masked (:mod:`cupola.debug.masking`). The app
build installs it only when ``DEBUG`` is on: it is never reachable otherwise.
"""

from __future__ import annotations

import linecache
import sys
import traceback
from collections.abc import Iterator
from html import escape
from types import TracebackType
from typing import TYPE_CHECKING, Any

from cupola.context import get_request, has_request_context
from cupola.debug.masking import masked_items, masked_url, safe_repr
from cupola.errors import error_page
from cupola.http.response import Response

if TYPE_CHECKING:
    from cupola.http.request import Request

__all__ = ["debug_error_response", "describe_request", "exception_chain"]

CONTEXT_LINES = 5
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_LIBRARY_MARKERS = ("site-packages", "dist-packages", f"{sys.prefix}/lib/python")


def debug_error_response(exc: BaseException) -> Response:
    """The debug page for ``exc``, with the current request's data when there is one."""
    request = get_request() if has_request_context() else None
    return Response(render_debug_page(exc, request), 500)


def render_debug_page(exc: BaseException, request: Request | None) -> str:
    """The debug page's HTML for ``exc`` raised while handling ``request``."""
    title = escape(type(exc).__name__)
    parts = [f'<p class="message">{escape(str(exc)) or "(no message)"}</p>']
    if request is not None:
        parts.append(
            f'<p class="where"><b>{escape(request.method)}</b> {escape(masked_url(request.url))}'
            f"{_endpoint(request)}</p>"
        )
    parts.append(_nav())
    chain = exception_chain(exc)
    parts.append(
        '<section id="traceback"><h2>Traceback <small>(most recent call last)</small></h2>'
    )
    for index, (item, relation) in enumerate(chain):
        parts.append(_exception_block(item, relation, first=index == 0))
    parts.append("</section>")
    if request is not None:
        parts.append(_request_block(request))
    plain = "".join(traceback.format_exception(exc))
    parts.append(
        '<section id="plain"><details><summary>Plain traceback (Traceback, for copying)'
        f"</summary><pre>{escape(plain)}</pre></details></section>"
    )
    return error_page(500, title, "\n".join(parts), style=DEBUG_STYLE, wide=True)


def exception_chain(exc: BaseException) -> list[tuple[BaseException, str]]:
    """``exc`` then the exceptions behind it, each with how it relates to the one before."""
    chain: list[tuple[BaseException, str]] = [(exc, "Raised")]
    seen = {id(exc)}
    current = exc
    while True:
        if current.__cause__ is not None:
            current, relation = current.__cause__, "Direct cause of the exception above"
        elif current.__context__ is not None and not current.__suppress_context__:
            current, relation = current.__context__, "Being handled when the one above was raised"
        else:
            return chain
        if id(current) in seen:  # a cycle in a hand-built chain
            return chain
        seen.add(id(current))
        chain.append((current, relation))


def describe_request(request: Request) -> list[tuple[str, list[tuple[str, str]]]]:
    """The request's headers, query, form and cookies as masked ``(name, value)`` tables."""
    return [
        ("Headers", masked_items(request.headers.items())),
        ("Query arguments", masked_items(request.args.items(multi=True))),
        ("Form", masked_items(_form_items(request))),
        ("Cookies", masked_items(request.cookies.items())),
    ]


def _form_items(request: Request) -> list[tuple[str, Any]]:
    if (request.mimetype or "") not in _FORM_TYPES:
        return []
    try:
        return list(request.form.items(multi=True))
    except Exception as exc:  # a body too large or already consumed: say so
        return [("(unreadable)", f"{type(exc).__name__}: {exc}")]


def _endpoint(request: Request) -> str:
    endpoint = request.endpoint
    return f' <span class="endpoint">→ {escape(endpoint)}</span>' if endpoint else ""


def _nav() -> str:
    return (
        '<nav class="jump"><a href="#traceback">Traceback</a>'
        '<a href="#request">Request</a><a href="#plain">Plain text</a></nav>'
    )


def _exception_block(exc: BaseException, relation: str, *, first: bool) -> str:
    frames = list(_frames(exc.__traceback__))
    items = [
        _frame_block(tb, open_=(index == len(frames) - 1) or not _is_library(tb))
        for index, tb in enumerate(frames)
    ]
    label = "" if first else f'<p class="relation">{escape(relation)}</p>'
    heading = f"{escape(type(exc).__qualname__)}: {escape(str(exc))}"
    return (
        f'{label}<article class="exception"><h3>{heading}</h3>'
        f"{''.join(items) or '<p>No frames.</p>'}</article>"
    )


def _frames(tb: TracebackType | None) -> Iterator[TracebackType]:
    while tb is not None:
        yield tb
        tb = tb.tb_next


def _is_library(tb: TracebackType) -> bool:
    filename = tb.tb_frame.f_code.co_filename
    return any(marker in filename for marker in _LIBRARY_MARKERS) or "/cupola/" in filename


def _frame_block(tb: TracebackType, *, open_: bool) -> str:
    frame = tb.tb_frame
    code = frame.f_code
    lineno = tb.tb_lineno
    kind = "library" if _is_library(tb) else "app"
    summary = (
        f'<summary><code class="func">{escape(code.co_qualname)}</code> '
        f'<span class="file">{escape(code.co_filename)}</span>, line {lineno}'
        f'<span class="kind {kind}">{kind}</span></summary>'
    )
    return (
        f'<details class="frame {kind}"{" open" if open_ else ""}>{summary}'
        f"{_source(code.co_filename, lineno, frame.f_globals)}"
        f"{_locals(frame.f_locals)}</details>"
    )


def _source(filename: str, lineno: int, module_globals: dict[str, Any]) -> str:
    lines = linecache.getlines(filename, module_globals)
    if not lines:
        return '<p class="nosource">Source not available.</p>'
    start = max(lineno - CONTEXT_LINES, 1)
    end = min(lineno + CONTEXT_LINES, len(lines))
    rows = []
    for number in range(start, end + 1):
        current = ' class="current"' if number == lineno else ""
        text = escape(lines[number - 1].rstrip("\n"))
        rows.append(f"<li{current} value={number}><code>{text or ' '}</code></li>")
    return f'<ol class="source" start={start}>{"".join(rows)}</ol>'


def _locals(values: dict[str, Any]) -> str:
    if not values:
        return ""
    rows = "".join(
        f"<tr><th>{escape(name)}</th><td><code>{escape(safe_repr(name, value))}</code></td></tr>"
        for name, value in sorted(values.items())
    )
    return f'<table class="locals"><caption>Locals</caption>{rows}</table>'


def _request_block(request: Request) -> str:
    tables = [
        _table("Request", [("Method", request.method), ("URL", masked_url(request.url))]),
        *(_table(title, rows) for title, rows in describe_request(request)),
    ]
    return f'<section id="request"><h2>Request</h2>{"".join(tables)}</section>'


def _table(title: str, rows: list[tuple[str, str]]) -> str:
    if not rows:
        return f'<h4>{escape(title)}</h4><p class="empty">None.</p>'
    body = "".join(
        f"<tr><th>{escape(name)}</th><td><code>{escape(value)}</code></td></tr>"
        for name, value in rows
    )
    return f'<h4>{escape(title)}</h4><table class="data">{body}</table>'


DEBUG_STYLE = """
.cupola-error .message{font:500 1.05rem/1.4 var(--mono);color:var(--ink);white-space:pre-wrap;
word-break:break-word}
.cupola-error .where{font-size:.9rem}.endpoint{color:var(--muted)}
.jump{display:flex;gap:1rem;margin:1rem 0;padding-bottom:.75rem;border-bottom:1px solid var(--rule)}
.jump a{color:var(--accent);text-decoration:none;font-weight:600;font-size:.9rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}h2 small{color:var(--muted);font-weight:400}
h3{font:600 .95rem/1.4 var(--mono);margin:.5rem 0;word-break:break-word}
h4{margin:1.25rem 0 .35rem;font-size:.95rem}
.relation{font-style:italic;margin:1.25rem 0 .25rem}
.frame{border:1px solid var(--rule);border-radius:6px;margin:.4rem 0;background:var(--card)}
.frame>summary{cursor:pointer;padding:.45rem .75rem;font-size:.88rem;list-style-position:inside}
.frame.library>summary{color:var(--muted)}
.func{font-weight:600;color:var(--ink)}.file{font-family:var(--mono);font-size:.8rem}
.kind{float:right;font-size:.7rem;text-transform:uppercase;letter-spacing:.06em;
padding:.05rem .4rem;border-radius:4px;background:var(--paper)}
.kind.app{background:#fde8e6;color:var(--accent)}
.source{margin:0;padding:.5rem 0 .5rem 3.5rem;background:#f6f8fa;font:12.5px/1.5 var(--mono);
overflow:auto;border-top:1px solid var(--rule)}
.source li{white-space:pre;color:#57606a}.source li::marker{color:#8c959f}
.source li.current{background:#fff1d6;color:var(--ink);font-weight:600}
table{border-collapse:collapse;width:100%;font-size:.85rem}
th,td{text-align:left;vertical-align:top;padding:.3rem .6rem;border-top:1px solid var(--rule)}
th{width:14rem;font-weight:600;word-break:break-all}
td code{font:12.5px/1.45 var(--mono);white-space:pre-wrap;word-break:break-word}
.locals caption{text-align:left;padding:.4rem .6rem;font-size:.75rem;text-transform:uppercase;
letter-spacing:.06em;color:var(--muted)}
.cupola-error p.empty{font-size:.85rem}
"""
