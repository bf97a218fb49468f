"""``cupola run``: the development server, with debug mode and auto-reload.

The app is served on uvicorn as ASGI (so WebSocket routes work). With reload on, uvicorn
watches the current folder (and the app's own folder) and restarts a child process that
loads the app again through :func:`cupola.servers.uvicorn.asgi_app`.
"""

from __future__ import annotations

import os

import click

from cupola.app import Cupola
from cupola.cli.discovery import APP_ENV, app_option, load_app

__all__ = ["run_command"]


@click.command("run")
@app_option
@click.option("--host", default="127.0.0.1", show_default=True, help="The interface to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--reload/--no-reload", default=True, show_default=True, help="Restart on code changes."
)
@click.option(
    "--debug/--no-debug", default=True, show_default=True, help="Turn on config['DEBUG']."
)
def run_command(app_spec: str | None, host: str, port: int, reload: bool, debug: bool) -> None:
    """Run a development server (not for production: use 'cupola serve')."""
    from cupola.servers import uvicorn

    # NOTE: load in this process too, so a wrong --app fails here with a clear message
    # instead of inside the reloader's child process.
    spec = app_spec or os.environ.get(APP_ENV) or None
    app = load_app(spec)
    click.echo(
        f" * Serving {app.import_name!r} at {server_url(host, port)} "
        f"(debug {'on' if debug else 'off'}, reload {'on' if reload else 'off'})"
    )
    uvicorn.run(
        app, spec, host=host, port=port, reload=reload, debug=debug, reload_dirs=watched(app)
    )


def server_url(host: str, port: int) -> str:
    """The URL a browser opens for a server bound to ``host`` and ``port``.

    Example:
        >>> server_url("::1", 8000)
        'http://[::1]:8000/'
    """
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def watched(app: Cupola) -> list[str]:
    """The folders to watch: the current one, and the app's own when it lies outside."""
    cwd = os.getcwd()
    folders = [cwd]
    root = os.path.abspath(app.root_path)
    if os.path.commonpath([cwd, root]) != cwd:
        folders.append(root)
    return folders
