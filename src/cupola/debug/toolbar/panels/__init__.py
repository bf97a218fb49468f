"""The toolbar's panels, one per module (see :class:`~cupola.debug.toolbar.panels.base.Panel`)."""

from __future__ import annotations
