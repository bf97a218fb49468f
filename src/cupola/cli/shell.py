"""``cupola shell``: an interactive Python session inside the app's context.

The app context is pushed, so ``current_app``, ``url_for`` and the database session work as
in a view. The namespace holds ``app``, ``db`` (when the app has a ``Database``) and every
model class by name; the app's own modules import as usual (the current folder is on the
path). IPython is used when it is installed, the standard interactive console otherwise.
"""

from __future__ import annotations

import code
import sys
from typing import Any

import click

from cupola.app import Cupola
from cupola.cli.discovery import app_option, load_app

__all__ = ["shell_command", "shell_namespace"]


@click.command("shell")
@app_option
@click.option(
    "--ipython/--no-ipython",
    default=True,
    show_default=True,
    help="Use IPython when it is installed.",
)
def shell_command(app_spec: str | None, ipython: bool) -> None:
    """Run a Python shell with the app's context pushed."""
    app = load_app(app_spec)
    namespace = shell_namespace(app)
    banner = (
        f"Python {sys.version.split()[0]} on {sys.platform}\n"
        f"App: {app.import_name} (context pushed)\n"
        f"Names: {', '.join(sorted(namespace))}"
    )
    with app.app_context():
        if ipython and _run_ipython(namespace, banner):
            return
        code.interact(banner=banner, local=namespace, exitmsg="")


def shell_namespace(app: Cupola) -> dict[str, Any]:
    """The names a shell starts with: ``app``, ``db`` and the models of ``db.Model``.

    Example:
        >>> from cupola import Cupola
        >>> sorted(shell_namespace(Cupola("demo")))
        ['app']
    """
    namespace: dict[str, Any] = {"app": app}
    db = app.extensions.get("cupola.db")
    if db is not None:
        namespace["db"] = db
        for mapper in db.Model.registry.mappers:
            namespace.setdefault(mapper.class_.__name__, mapper.class_)
    return namespace


def _run_ipython(namespace: dict[str, Any], banner: str) -> bool:
    try:
        from IPython import start_ipython  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return False
    from traitlets.config import Config  # type: ignore[import-not-found,unused-ignore]

    config = Config()
    config.TerminalInteractiveShell.banner1 = banner + "\n"
    config.TerminalInteractiveShell.confirm_exit = False
    start_ipython(argv=[], user_ns=namespace, config=config)
    return True
