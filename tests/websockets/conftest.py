"""Fixtures for the WebSocket tests: an app and a test client with a short receive timeout."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cupola import Cupola
from cupola.testing import TestClient


@pytest.fixture
def app() -> Cupola:
    """A fresh application in testing mode."""
    return Cupola(__name__, config={"TESTING": True, "SECRET_KEY": "test-secret"})


@pytest.fixture(params=["wsgi", "asgi"])
def client(app: Cupola, request: pytest.FixtureRequest) -> Iterator[TestClient]:
    """A test client of either protocol: WebSockets always run on ``app.asgi``."""
    with app.test_client(request.param) as test_client:
        yield test_client
