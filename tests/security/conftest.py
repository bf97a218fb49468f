"""Security tests install exactly the middleware they test, whatever the default stack is."""

from __future__ import annotations

import pytest

from cupola import Cupola


@pytest.fixture
def app() -> Cupola:
    """A fresh application with no middleware at all."""
    return Cupola(__name__, config={"MIDDLEWARE": []})
