"""Cupola: a Python web framework for WSGI and ASGI with batteries included."""

from __future__ import annotations
