"""Testing helpers: an in-process client for either protocol (and WebSockets), request contexts."""

from __future__ import annotations

from cupola.testing.client import TestClient
from cupola.testing.context import RequestContext
from cupola.testing.websockets import WebSocketRejected, WebSocketTestSession

__all__ = ["RequestContext", "TestClient", "WebSocketRejected", "WebSocketTestSession"]
