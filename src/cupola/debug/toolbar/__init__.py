"""The debug toolbar: per-request panels, a history at ``/__debug__/``, WebSocket timelines."""

from __future__ import annotations

from cupola.debug.toolbar.middleware import DebugToolbarMiddleware

__all__ = ["DebugToolbarMiddleware"]
