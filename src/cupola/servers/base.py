"""One interface for the production servers behind ``cupola serve``.

A :class:`ServerAdapter` turns :class:`ServeOptions` (what the command line asked for) into
one server's own configuration and runs it in the foreground. ``ADAPTERS`` maps each
server's name to the class that drives it, imported only when picked, so a missing
optional server (gunicorn) costs nothing until it is asked for.
"""

from __future__ import annotations

import importlib
import os
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from cupola.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from cupola.app import Cupola

__all__ = [
    "ADAPTERS",
    "APP_ENV",
    "DEFAULT_SERVER",
    "ServeOptions",
    "ServerAdapter",
    "get_adapter",
    "interface_for",
    "load_served_app",
]

#: The app spec every worker process loads (set by ``cupola serve`` before it starts one).
APP_ENV = "CUPOLA_SERVE_APP"
#: ``"text"`` or ``"json"`` when the workers write an access log; unset otherwise.
ACCESS_LOG_ENV = "CUPOLA_SERVE_ACCESS_LOG"
#: Threads for sync views under ASGI (``ASGI_THREADS``), when ``--threads`` is given.
THREADS_ENV = "CUPOLA_SERVE_THREADS"

#: The server ``cupola serve`` uses unless ``--server`` names another (see docs/deployment.md).
DEFAULT_SERVER = "granian"

#: Server name → ``module:class`` of its adapter.
ADAPTERS: dict[str, str] = {
    "granian": "cupola.servers.granian:GranianAdapter",
    "gunicorn": "cupola.servers.gunicorn:GunicornAdapter",
    "uvicorn": "cupola.servers.uvicorn:UvicornAdapter",
}

Interface = Literal["wsgi", "asgi"]


@dataclass(frozen=True)
class ServeOptions:
    """What ``cupola serve`` was asked for, independent of the server.

    Attributes:
        spec: The app spec each worker loads (``module:name``); empty for the default
            discovery (``app.py`` or ``wsgi.py`` in the current folder).
        interface: ``"wsgi"`` or ``"asgi"`` (ASGI when the app has WebSocket routes).
        workers: Worker processes.
        threads: Threads per worker that run sync views (``None``: the server's default;
            under ASGI it sets ``ASGI_THREADS``).
        binds: ``(host, port)`` pairs to listen on.
        uds: A Unix domain socket path to listen on instead of (or beside) ``binds``.
        timeout: Seconds a client may take to send a request head (granian) or a worker may
            stay silent before it is restarted (gunicorn); uvicorn's keep-alive idle limit.
        graceful_timeout: Seconds in-flight requests get to finish on SIGTERM.
        max_requests: Recycle each worker after about this many requests (``None``: never).
        access_log: ``None`` (off), ``"text"`` or ``"json"``.
    """

    spec: str
    interface: Interface
    workers: int = 1
    threads: int | None = None
    binds: tuple[tuple[str, int], ...] = (("127.0.0.1", 8000),)
    uds: str | None = None
    timeout: int = 30
    graceful_timeout: int = 30
    max_requests: int | None = None
    access_log: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def addresses(self) -> list[str]:
        """Where the server listens, for people: ``http://host:port`` and ``unix:path``."""
        found = [f"http://{f'[{h}]' if ':' in h else h}:{p}" for h, p in self.binds]
        if self.uds:
            found.append(f"unix:{self.uds}")
        return found

    def environ(self) -> dict[str, str]:
        """The variables the worker processes read to load and wrap the app."""
        variables = {APP_ENV: self.spec}
        if self.access_log:
            variables[ACCESS_LOG_ENV] = self.access_log
        if self.threads:
            variables[THREADS_ENV] = str(self.threads)
        return variables


class ServerAdapter(ABC):
    """Run an app on one existing server.

    Subclasses name the server, say which interfaces it speaks, check the options it cannot
    honour (with a message that names the fix) and run it in the foreground.
    """

    #: The name ``--server`` takes.
    name: ClassVar[str]
    #: The interfaces the server speaks.
    interfaces: ClassVar[frozenset[str]] = frozenset({"wsgi", "asgi"})
    #: Whether the server can listen on several addresses at once.
    many_binds: ClassVar[bool] = True

    def check(self, options: ServeOptions) -> None:
        """Refuse options this server cannot honour.

        Raises:
            ImproperlyConfigured: With the option at fault and what to do instead.
        """
        if options.interface not in self.interfaces:
            raise ImproperlyConfigured(
                f"{self.name} does not serve {options.interface.upper()} apps, and this app "
                "has WebSocket routes (which need ASGI): use --server granian or "
                "--server uvicorn."
            )
        if not self.many_binds and len(options.binds) + bool(options.uds) > 1:
            raise ImproperlyConfigured(
                f"{self.name} listens on one address: pass one --bind or one --uds, or use "
                "--server gunicorn or --server uvicorn to listen on several."
            )

    @abstractmethod
    def run(self, options: ServeOptions) -> int:
        """Serve until stopped (SIGTERM or SIGINT); return the exit status."""


def get_adapter(name: str) -> ServerAdapter:
    """The adapter for the server called ``name``.

    Raises:
        ImproperlyConfigured: When the server is unknown or not installed.
    """
    try:
        target = ADAPTERS[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"Unknown server {name!r}: pick one of {', '.join(sorted(ADAPTERS))}."
        ) from None
    module_name, _, class_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        raise ImproperlyConfigured(
            f"{name} is not installed: pip install 'cupola[{name}]' (or pick another --server)."
        ) from None
    adapter: ServerAdapter = getattr(module, class_name)()
    return adapter


def interface_for(app: Cupola) -> Interface:
    """``"asgi"`` when ``app`` has a WebSocket route, ``"wsgi"`` otherwise.

    WSGI is the faster interface for sync views on every server here (no thread hop), and
    only WebSocket routes need ASGI.
    """
    return "asgi" if any(rule.websocket for rule in app.iter_rules()) else "wsgi"


def load_served_app(interface: Interface) -> Any:
    """Load the app of ``$CUPOLA_SERVE_APP`` in a worker: its WSGI or ASGI callable.

    The access log wrapper is added when ``$CUPOLA_SERVE_ACCESS_LOG`` asks for one, and
    ``$CUPOLA_SERVE_THREADS`` sets ``ASGI_THREADS`` under ASGI.
    """
    from cupola.cli.discovery import load_app
    from cupola.servers import accesslog

    app = load_app(os.environ.get(APP_ENV) or None)
    threads = os.environ.get(THREADS_ENV)
    if threads and interface == "asgi":
        app.config["ASGI_THREADS"] = int(threads)
    served: Any = app.asgi if interface == "asgi" else app
    style = os.environ.get(ACCESS_LOG_ENV)
    if style:
        served = accesslog.wrap(served, interface, json_lines=style == "json")
    return served
