"""An app's own commands: ``app.cli`` (a click group) and ``app.test_cli_runner()``.

Commands added to ``app.cli`` run inside the app's context (``current_app`` and ``g``
work, ``teardown_appcontext`` hooks run at the end) and are reachable from the ``cupola``
command: ``cupola --app blog init-db``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.testing import CliRunner as ClickRunner
from click.testing import Result

from cupola.context import get_app_context, has_app_context

if TYPE_CHECKING:
    from cupola.app import Cupola

__all__ = ["AppCommands", "AppGroup", "CliRunner", "app_group_option", "with_appcontext"]

F = TypeVar("F", bound=Callable[..., Any])


def app_group_option(f: F) -> F:
    """The ``cupola`` group's ``--app SPEC``, read before ``--help`` lists the commands."""
    return click.option(
        "--app",
        "app_spec",
        metavar="SPEC",
        default=None,
        is_eager=True,
        help="The app whose own commands (app.cli) are added; as each command's --app.",
    )(f)


def with_appcontext(f: Callable[..., Any]) -> Callable[..., Any]:
    """Run a click command's callback inside its app's context, for commands written for Flask.

    The app is the one whose ``app.cli`` (or ``cupola --app``) runs the command. Commands
    of ``app.cli`` need no decorator: the group pushes the context for every command.

    Raises:
        click.UsageError: When the command runs outside any app's command line.
    """

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            return f(*args, **kwargs)
        app = _command_app(click.get_current_context())
        with app.app_context():
            return f(*args, **kwargs)

    return wrapper


def _command_app(ctx: click.Context | None) -> Cupola:
    while ctx is not None:
        if isinstance(ctx.command, AppGroup):
            return ctx.command.app
        if ctx.meta.get("cupola.app") is not None:
            app: Cupola = ctx.meta["cupola.app"]
            return app
        ctx = ctx.parent
    raise click.UsageError("This command needs an app: run it with cupola --app SPEC.")


class AppGroup(click.Group):
    """A click group bound to an app; every command it runs has the app's context.

    Args:
        app: The application.
        **kwargs: ``click.Group`` options (``name``, ``help``…).
    """

    def __init__(self, app: Cupola, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.app = app

    def invoke(self, ctx: click.Context) -> Any:
        """Invoke the command under the app's context (unless it is already active)."""
        if has_app_context() and get_app_context().app is self.app:
            return super().invoke(ctx)
        with self.app.app_context():
            return super().invoke(ctx)

    def command(self, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], click.Command]:  # type: ignore[override]
        """``click.Group.command``, the callback wrapped to run in the app's context.

        As in Flask, ``with_appcontext=False`` leaves it unwrapped.
        """
        wrap = kwargs.pop("with_appcontext", True)

        def decorator(f: Callable[..., Any]) -> click.Command:
            command: click.Command = super(AppGroup, self).command(*args, **kwargs)(
                self._in_context(f) if wrap else f
            )
            return command

        return decorator

    def _in_context(self, f: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(f)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if has_app_context() and get_app_context().app is self.app:
                return f(*args, **kwargs)
            with self.app.app_context():
                return f(*args, **kwargs)

        return wrapper


class CliRunner(ClickRunner):
    """A click test runner for an app's commands: ``app.test_cli_runner()``.

    Args:
        app: The application.
        **kwargs: ``click.testing.CliRunner`` options.
    """

    def __init__(self, app: Cupola, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.app = app

    def invoke(  # type: ignore[override]
        self,
        cli: click.Command | None = None,
        args: str | Sequence[str] | None = None,
        **kwargs: Any,
    ) -> Result:
        """Invoke ``cli`` (by default ``app.cli``) with ``args``; returns click's ``Result``."""
        return super().invoke(cli if cli is not None else self.app.cli, args, **kwargs)


class AppCommands(click.Group):
    """The ``cupola`` group: its own commands first, then those of the app's ``app.cli``.

    The app is the one ``cupola --app SPEC`` names (or ``$CUPOLA_APP``, or ``app.py``).
    """

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command line; ``cupola --app SPEC cmd`` passes SPEC on to ``cmd --app``."""
        spec = ctx.params.get("app_spec")
        if spec is not None:
            ctx.default_map = {**_app_defaults(self, spec), **(ctx.default_map or {})}
        return super().invoke(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Cupola's command ``cmd_name``, else the app's."""
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        app = self._app(ctx, quiet=False)
        command = app.cli.get_command(ctx, cmd_name) if app is not None else None
        if app is not None and command is not None and not ctx.resilient_parsing:
            # The app's commands run in its context, which ends with this command line.
            ctx.with_resource(app.app_context())
        return command

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Cupola's commands and, when the app loads, the app's."""
        names = set(super().list_commands(ctx))
        app = self._app(ctx, quiet=True)
        if app is not None:
            names.update(app.cli.list_commands(ctx))
        return sorted(names)

    def _app(self, ctx: click.Context, *, quiet: bool) -> Cupola | None:
        """The app, loaded once; ``None`` when there is none (an error unless ``quiet``)."""
        from cupola.cli.discovery import load_app

        if "cupola.app" not in ctx.meta:
            try:
                ctx.meta["cupola.app"] = load_app(ctx.params.get("app_spec"))
            except click.ClickException:
                if not quiet:
                    raise
                return None  # no app here: only Cupola's own commands
        app: Cupola | None = ctx.meta["cupola.app"]
        return app


def _app_defaults(group: click.Group, spec: str) -> dict[str, Any]:
    """``default_map`` entries giving every command with an ``--app`` option ``spec``."""
    defaults: dict[str, Any] = {}
    for name, command in group.commands.items():
        entry: dict[str, Any] = {}
        if any(param.name == "app_spec" for param in command.params):
            entry["app_spec"] = spec
        if isinstance(command, click.Group):
            entry.update(_app_defaults(command, spec))
        if entry:
            defaults[name] = entry
    return defaults
