"""An app without routes."""

from __future__ import annotations

from cupola import Cupola

app = Cupola(__name__, static_folder=None)
