"""A module without any app."""

from __future__ import annotations

value = 1
