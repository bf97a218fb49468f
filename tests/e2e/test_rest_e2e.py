"""REST views served by gunicorn (WSGI) and uvicorn (ASGI): checks, bodies, headers."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from .conftest import APPS, HOST, Server, free_port, stop, wait_until_ready

pytestmark = pytest.mark.e2e


def _command(name: str, port: int) -> list[str]:
    if name == "gunicorn":
        return [
            *(sys.executable, "-m", "gunicorn", "rest_app:app", "--chdir", str(APPS)),
            *("--workers", "1", "--bind", f"{HOST}:{port}", "--graceful-timeout", "2"),
        ]
    return [
        *(sys.executable, "-m", "uvicorn", "rest_app:app.asgi", "--app-dir", str(APPS)),
        *("--host", HOST, "--port", str(port), "--timeout-graceful-shutdown", "2"),
    ]


@pytest.fixture(scope="module", params=["gunicorn", "uvicorn"])
def client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    name: str = request.param
    port = free_port()
    log = tmp_path_factory.mktemp(name) / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            _command(name, port), cwd=APPS, stdout=out, stderr=subprocess.STDOUT
        )
    server = Server(name, f"http://{HOST}:{port}", process, log)
    try:
        wait_until_ready(server)
        with httpx.Client(base_url=server.url, timeout=5) as http:
            yield http
    finally:
        stop(process)


@pytest.mark.parametrize("path", ["/books/", "/async-books/"])
def test_order_of_checks_and_headers(client: httpx.Client, path: str) -> None:
    response = client.post(path, content=b"{bad", headers={"Content-Type": "application/json"})
    assert response.status_code == 401  # authentication before parsing
    assert response.headers["WWW-Authenticate"] == "Key"
    assert response.headers["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert response.headers["Vary"] == "Accept"
    key = {"X-Key": "ann"}
    response = client.post(path, json={"title": "Dune"}, headers=key)
    assert (response.status_code, response.json()) == (201, {"title": "Dune"})
    assert response.headers["Content-Type"] == "application/json"
    response = client.post(
        path, content=b"{bad", headers={**key, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error - ")
    response = client.post(
        path, content=b"x" * (65 * 1024), headers={**key, "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert client.put(path, headers=key).status_code == 405
    assert client.get(path, headers={**key, "Accept": "application/xml"}).status_code == 406
    head = client.head(path, headers=key)
    assert (head.status_code, head.content) == (200, b"")
