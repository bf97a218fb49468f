"""Schemathesis against REST APIs over a real server (uvicorn): no 5xx, no schema violation.

A test API (every operation open to anonymous clients) and the showcase's ``/api/v1/``.

Requests are generated from the app's own ``/openapi.json``; each operation gets a few
examples, so the run stays within seconds. Schema-valid data may still be refused with a
400, as REST framework refuses it (a title already taken, an author id that does not
exist), so schemathesis's "valid data is accepted" check is left out; every other default
check runs (no 5xx, status codes, content types, headers and bodies as documented).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_browser import free_port, start, stop

schemathesis = pytest.importorskip("schemathesis", reason="pip install -e '.[dev]'")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("schemathesis")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "uvicorn", "tests.rest.apps.schema_app:app.asgi"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    env = {**os.environ, "CUPOLA_TEST_DB": str(folder / "schema.db")}
    process: subprocess.Popen[bytes] = start(
        command, folder / "uvicorn.log", f"{url}/openapi.json", env
    )
    try:
        yield url
    finally:
        stop(process)


def failure_of(operation: Any, server: str) -> str | None:
    """Run one operation's generated cases; the first failure found, or ``None``."""
    from hypothesis import HealthCheck, given, settings
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    @given(case=operation.as_strategy())
    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(base_url=server, excluded_checks=[positive_data_acceptance])

    try:
        run()
    except Exception as exc:  # NOTE: schemathesis's failure groups are Exceptions
        return f"{operation.label}: {exc}"
    return None


def test_schemathesis_finds_no_server_error_or_schema_violation(server: str) -> None:
    schema = schemathesis.openapi.from_url(f"{server}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 12  # list, create, retrieve, update, partial update, destroy x2
    failures = [failure_of(operation, server) for operation in operations]
    assert [failure for failure in failures if failure] == []


@pytest.fixture(scope="module")
def showcase(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The showcase on uvicorn with a fresh database (migrated and seeded at start-up)."""
    folder = tmp_path_factory.mktemp("schemathesis-showcase")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "uvicorn", "examples.showcase.app:app.asgi"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    env = {
        **os.environ,
        "CUPOLA_SECRET_KEY": secrets.token_hex(32),
        "CUPOLA_DATABASE_URL": f"sqlite:///{folder / 'showcase.db'}",
    }
    process: subprocess.Popen[bytes] = start(
        command, folder / "uvicorn.log", f"{url}/openapi.json", env
    )
    try:
        yield url
    finally:
        stop(process)


def test_schemathesis_on_the_showcase_api(showcase: str) -> None:
    schema = schemathesis.openapi.from_url(f"{showcase}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 18  # books, authors and reviews: six operations each
    failures = [failure_of(operation, showcase) for operation in operations]
    assert [failure for failure in failures if failure] == []
