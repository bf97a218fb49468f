"""Serve an app on gunicorn (WSGI only; ``pip install 'cupola[gunicorn]'``).

gunicorn runs its ``gthread`` worker: each worker process serves ``--threads`` connections
at once (4 unless told), and keeps connections alive, where the ``sync`` worker would let
one slow client hold a whole worker. ``--max-requests`` is gunicorn's own.
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]  # no types shipped

from cupola.servers.base import ServeOptions, ServerAdapter, load_served_app

__all__ = ["GunicornAdapter"]

_DEFAULT_THREADS = 4


class GunicornAdapter(ServerAdapter):
    """gunicorn: WSGI only, any number of ``--bind`` and ``--uds`` addresses."""

    name = "gunicorn"
    interfaces = frozenset({"wsgi"})

    def run(self, options: ServeOptions) -> int:
        """Serve until SIGTERM or SIGINT under gunicorn's arbiter."""
        os.environ.update(options.environ())
        binds = [f"[{h}]:{p}" if ":" in h else f"{h}:{p}" for h, p in options.binds]
        if options.uds:
            binds.append(f"unix:{options.uds}")
        settings: dict[str, Any] = {
            "bind": binds,
            "workers": options.workers,
            "worker_class": "gthread",
            "threads": options.threads or _DEFAULT_THREADS,
            "timeout": options.timeout,
            "graceful_timeout": options.graceful_timeout,
            "max_requests": options.max_requests or 0,
            "max_requests_jitter": (options.max_requests or 0) // 20,
            "accesslog": None,
        }
        _Application(settings).run()
        return 0  # pragma: no cover - gunicorn's arbiter never returns: it ends by sys.exit


class _Application(BaseApplication):  # type: ignore[misc]  # gunicorn ships no types
    """gunicorn's embedding API: settings in, the app loaded in each worker."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return load_served_app("wsgi")
