"""``cupola serve``: run an app in production on an existing multi-process server.

The deployment checks of :mod:`cupola.checks` run first; every finding is printed and any
error stops the command before a socket is opened (``DEBUG`` on is an error unless
``--allow-debug``). The app is then served by the adapter of ``--server`` (granian by
default) through WSGI, or through ASGI when it has WebSocket routes.
"""

from __future__ import annotations

import os

import click

from cupola.checks import has_errors, run_checks
from cupola.cli.check import report
from cupola.cli.discovery import APP_ENV, app_option, load_app
from cupola.exceptions import ImproperlyConfigured
from cupola.servers.base import (
    ADAPTERS,
    DEFAULT_SERVER,
    ServeOptions,
    get_adapter,
    interface_for,
)

__all__ = ["parse_bind", "serve_command"]

_DEFAULT_BIND = ("127.0.0.1", 8000)


def parse_bind(value: str) -> tuple[str, int]:
    """Split ``HOST:PORT`` (``[::1]:8000`` for IPv6; ``:8000`` for all interfaces).

    Raises:
        click.BadParameter: When the value is not HOST:PORT with a port in 0-65535.

    Example:
        >>> parse_bind("[::1]:8000")
        ('::1', 8000)
    """
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or int(port) > 65535:
        raise click.BadParameter(f"{value!r} is not HOST:PORT (e.g. 127.0.0.1:8000).")
    host = host.strip("[]") or "0.0.0.0"
    return host, int(port)


@click.command("serve")
@app_option
@click.option(
    "--server",
    type=click.Choice(sorted(ADAPTERS)),
    default=DEFAULT_SERVER,
    show_default=True,
    help="The server to run the app on.",
)
@click.option(
    "--workers", type=click.IntRange(1), default=None, help="Processes (default: CPU count)."
)
@click.option(
    "--threads", type=click.IntRange(1), default=None, help="Threads per worker for sync views."
)
@click.option(
    "--bind",
    "binds",
    multiple=True,
    metavar="HOST:PORT",
    help="Address to listen on (repeatable; default 127.0.0.1:8000).",
)
@click.option("--uds", type=click.Path(dir_okay=False), help="Unix domain socket to listen on.")
@click.option(
    "--timeout",
    type=click.IntRange(1),
    default=30,
    show_default=True,
    help="Seconds to receive a request head (granian) / of worker silence (gunicorn).",
)
@click.option(
    "--graceful-timeout",
    type=click.IntRange(1),
    default=30,
    show_default=True,
    help="Seconds in-flight requests get to finish on SIGTERM.",
)
@click.option(
    "--max-requests",
    type=click.IntRange(1),
    default=None,
    help="Replace each worker after about N requests.",
)
@click.option("--access-log", is_flag=True, help="Write one line per request to stdout.")
@click.option(
    "--access-log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="The access log's lines: text, or one JSON object each.",
)
@click.option("--allow-debug", is_flag=True, help="Start even with DEBUG on.")
def serve_command(
    app_spec: str | None,
    server: str,
    workers: int | None,
    threads: int | None,
    binds: tuple[str, ...],
    uds: str | None,
    timeout: int,
    graceful_timeout: int,
    max_requests: int | None,
    access_log: bool,
    access_log_format: str,
    allow_debug: bool,
) -> None:
    """Serve the app in production (granian by default; stop with SIGTERM)."""
    spec = app_spec or os.environ.get(APP_ENV) or ""
    app = load_app(spec or None)
    workers = workers or os.cpu_count() or 1
    findings = run_checks(app, deploy=True, workers=workers, allow_debug=allow_debug)
    if findings:
        report(findings)
    if has_errors(findings):
        raise click.ClickException("Not serving: fix the errors above (see 'cupola check').")
    addresses = tuple(parse_bind(b) for b in binds) or (() if uds else (_DEFAULT_BIND,))
    options = ServeOptions(
        spec=spec,
        interface=interface_for(app),
        workers=workers,
        threads=threads,
        binds=addresses,
        uds=uds,
        timeout=timeout,
        graceful_timeout=graceful_timeout,
        max_requests=max_requests,
        access_log=access_log_format if access_log else None,
    )
    try:
        adapter = get_adapter(server)
        adapter.check(options)
    except ImproperlyConfigured as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(
        f" * Serving {app.import_name!r} on {server} ({options.interface.upper()}, "
        f"{workers} worker{'s' if workers > 1 else ''}) at {', '.join(options.addresses)}"
    )
    raise SystemExit(adapter.run(options))
