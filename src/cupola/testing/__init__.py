"""Testing helpers: an in-process client for either protocol and request contexts."""

from __future__ import annotations

from cupola.testing.client import TestClient
from cupola.testing.context import RequestContext

__all__ = ["RequestContext", "TestClient"]
