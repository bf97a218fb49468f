"""Channels' generic consumers (``channels.generic``), for code that moves from Channels."""

from __future__ import annotations
