"""Server integrations: how Cupola commands start an app on an existing server.

Each module wraps one server (``cupola.servers.uvicorn`` backs ``cupola run``).
"""

from __future__ import annotations

# NOTE: nothing is re-exported here, so importing the package never imports a server
# library; import the server's module (``cupola.servers.uvicorn``) instead.
__all__: list[str] = []
