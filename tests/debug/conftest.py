"""Fixtures for the debug tests: an app with ``DEBUG`` on, driven over both protocols."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from cupola import Cupola
from cupola.testing import TestClient


@pytest.fixture
def app() -> Cupola:
    """A fresh application with ``DEBUG`` on (the test client's address is 127.0.0.1)."""
    return Cupola(__name__, config={"DEBUG": True, "SECRET_KEY": "s" * 40})


@pytest.fixture
def client(app: Cupola, protocol: str) -> Iterator[TestClient]:
    """A test client for ``app`` over ``protocol``."""
    with app.test_client(protocol) as test_client:  # type: ignore[arg-type]
        yield test_client


def details(client: TestClient, debug_id: str) -> str:
    """The ``/__debug__/<id>`` page of a request, as text."""
    response = client.get(f"/__debug__/{debug_id}")
    assert response.status_code == 200, response.text
    return response.text


def panel(page: str, name: str) -> str:
    """The HTML of one panel's section in a details page."""
    found = re.search(
        rf'<section class="cdt-panel" id="cdt-panel-{name}">(.*?)</section>', page, re.S
    )
    assert found is not None, f"no {name} panel"
    return found.group(1)
