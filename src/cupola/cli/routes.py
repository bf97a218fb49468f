"""``cupola routes``: list the app's URL rules as an aligned table, or as JSON.

Like ``flask routes``: one row per rule with its endpoint, the methods it answers (HEAD and
OPTIONS, which every GET rule answers, left out) and the rule; WebSocket rules show ``WS``.
``--json`` prints a JSON list of ``{"rule", "endpoint", "methods"}`` objects instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import click
import orjson

from cupola.cli.discovery import app_option, load_app
from cupola.exceptions import ImproperlyConfigured
from cupola.routing import Rule

__all__ = ["format_routes", "routes_as_json", "routes_command"]

_HIDDEN_METHODS = frozenset({"HEAD", "OPTIONS"})
_HEADERS = ("Endpoint", "Methods", "Rule")
_SORT_KEYS: dict[str, Callable[[tuple[str, str, str]], Any]] = {
    "endpoint": lambda row: (row[0], row[2]),
    "methods": lambda row: (row[1], row[2]),
    "rule": lambda row: (row[2], row[1]),
}


@click.command("routes")
@app_option
@click.option(
    "--sort",
    "sort",
    type=click.Choice(sorted(_SORT_KEYS)),
    default="endpoint",
    show_default=True,
    help="The column to sort by.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
def routes_command(app_spec: str | None, sort: str, as_json: bool) -> None:
    """Show the routes of the app."""
    app = load_app(app_spec)
    try:
        rules = list(app.iter_rules())
    except ImproperlyConfigured as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(routes_as_json(rules, sort=sort))
        return
    if not rules:
        click.echo("No routes were registered.")
        return
    click.echo(format_routes(rules, sort=sort))


def format_routes(rules: Iterable[Rule], sort: str = "endpoint") -> str:
    """Render rules as a table with the columns Endpoint, Methods and Rule.

    Args:
        rules: The rules to list.
        sort: ``"endpoint"``, ``"methods"`` or ``"rule"``.

    Returns:
        The table, a header and a dashed line first, without a trailing newline.

    Example:
        >>> print(format_routes([Rule("/", endpoint="index")]))
        Endpoint  Methods  Rule
        --------  -------  ----
        index     GET      /
    """
    rows = sorted((_row(rule) for rule in rules), key=_SORT_KEYS[sort])
    widths = [max(len(cells[i]) for cells in (_HEADERS, *rows)) for i in range(len(_HEADERS))]
    lines = [_HEADERS, tuple("-" * width for width in widths), *rows]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()
        for cells in lines
    )


def routes_as_json(rules: Iterable[Rule], sort: str = "endpoint") -> str:
    """Render rules as a JSON list of objects with ``rule``, ``endpoint`` and ``methods``.

    ``methods`` lists every method the rule answers, sorted (``["WS"]`` for a WebSocket).

    Example:
        >>> print(routes_as_json([Rule("/", endpoint="index", methods=["GET"])]))
        [{"rule":"/","endpoint":"index","methods":["GET","HEAD","OPTIONS"]}]
    """
    ordered = sorted(rules, key=lambda rule: _SORT_KEYS[sort](_row(rule)))
    return orjson.dumps(
        [
            {
                "rule": rule.rule,
                "endpoint": rule.endpoint,
                "methods": ["WS"] if rule.websocket else sorted(rule.methods),
            }
            for rule in ordered
        ]
    ).decode()


def _row(rule: Rule) -> tuple[str, str, str]:
    methods = "WS" if rule.websocket else ", ".join(sorted(rule.methods - _HIDDEN_METHODS))
    return rule.endpoint, methods, rule.rule
