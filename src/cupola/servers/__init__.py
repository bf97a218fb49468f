"""Server integrations: how Cupola commands start an app on an existing server.

``base`` holds the one interface (:class:`~cupola.servers.base.ServerAdapter`) and the
registry ``cupola serve`` picks from; ``granian``, ``gunicorn`` and ``uvicorn`` each wrap one
server (``uvicorn`` also backs ``cupola run``); ``accesslog`` writes ``--access-log`` lines.
"""

from __future__ import annotations

# NOTE: nothing is re-exported here, so importing the package never imports a server
# library; import the server's module (``cupola.servers.uvicorn``) instead.
__all__: list[str] = []
