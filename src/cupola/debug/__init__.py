"""Debugging aids, active only with ``DEBUG`` on: the debug error page and the toolbar.

The app build installs both when ``DEBUG`` is on; nothing here is imported or run otherwise.
See ``docs/debugging.md``.
"""

from __future__ import annotations

from cupola.debug.errorpage import debug_error_response
from cupola.debug.masking import is_secret
from cupola.debug.toolbar import DebugToolbarMiddleware

__all__ = ["DebugToolbarMiddleware", "debug_error_response", "is_secret"]
