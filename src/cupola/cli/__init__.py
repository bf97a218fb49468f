"""The ``cupola`` command line: app discovery and the commands built on it."""

from __future__ import annotations

from cupola.cli.discovery import app_option, load_app
from cupola.cli.main import cli, main

__all__ = ["app_option", "cli", "load_app", "main"]
