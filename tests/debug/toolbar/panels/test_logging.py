"""The logging panel: the records emitted while the request ran, escaped."""

from __future__ import annotations

import logging

import pytest

from cupola import Cupola
from cupola.debug.toolbar.panels import base
from cupola.testing import TestClient

from ...conftest import details, panel

logger = logging.getLogger("tests.debug.shop")


def test_records_of_the_request(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def view() -> str:
        logger.warning("stock low for <%s>", "Emma")
        return "ok"

    logger.warning("before any request")
    first = client.get("/").headers["X-Debug-Id"]
    second = client.get("/missing").headers["X-Debug-Id"]
    records = panel(details(client, first), "logging")
    assert "<td>WARNING</td><td>tests.debug.shop</td><td>stock low for &lt;Emma&gt;</td>" in records
    assert "before any request" not in records
    assert "stock low" not in panel(details(client, second), "logging")


def test_the_unhandled_exception_is_logged_in_its_request(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def view() -> str:
        raise KeyError("gone")

    records = panel(details(client, client.get("/").headers["X-Debug-Id"]), "logging")
    assert (
        "<td>ERROR</td><td>cupola.app</td><td>Exception on request [KeyError: &#x27;gone&#x27;]"
        in records
    )


def test_records_are_bounded_per_request(
    app: Cupola, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(base, "MAX_ITEMS", 3)

    @app.get("/")
    def view() -> str:
        for index in range(5):
            logger.warning("record %d", index)
        return "ok"

    records = panel(details(client, client.get("/").headers["X-Debug-Id"]), "logging")
    assert "record 2" in records and "record 3" not in records
    assert "2 more not kept." in records
