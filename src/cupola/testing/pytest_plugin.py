"""Pytest fixtures for Cupola apps, registered through the ``pytest11`` entry point.

Define an ``app`` fixture in your ``conftest.py``; ``client`` then gives a test client for
it (inside a ``with`` block, so startup and shutdown hooks run).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from cupola.app import Cupola
    from cupola.testing.client import TestClient


@pytest.fixture
def client(app: Cupola) -> Iterator[TestClient]:
    """A test client for the ``app`` fixture."""
    with app.test_client() as test_client:
        yield test_client
