"""Status names and range checks."""

from __future__ import annotations

from cupola.rest import status


def test_names() -> None:
    assert status.HTTP_201_CREATED == 201
    assert status.HTTP_429_TOO_MANY_REQUESTS == 429
    assert status.HTTP_511_NETWORK_AUTHENTICATION_REQUIRED == 511


def test_ranges() -> None:
    assert status.is_informational(100) and not status.is_informational(200)
    assert status.is_success(204) and not status.is_success(301)
    assert status.is_redirect(308) and not status.is_redirect(400)
    assert status.is_client_error(404) and not status.is_client_error(500)
    assert status.is_server_error(503) and not status.is_server_error(600)
