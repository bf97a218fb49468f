"""The showcase's admin over real servers: gunicorn (WSGI) and uvicorn (ASGI), plain HTTP."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_browser import HOST, ROOT, free_port, start, stop

pytestmark = pytest.mark.e2e

PASSWORD = "a long and memorable passphrase"
TOKEN = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*\bvalue="([^"]+)"')
SERVERS = {
    "gunicorn": ["-m", "gunicorn", "examples.showcase.app:app", "--workers", "1"],
    "uvicorn": ["-m", "uvicorn", "examples.showcase.app:app.asgi"],
}


@pytest.fixture(params=sorted(SERVERS))
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    env = {
        **os.environ,
        "CUPOLA_SECRET_KEY": "s" * 64,
        "CUPOLA_DATABASE_URL": f"sqlite:///{tmp_path / 'showcase.db'}",
    }
    username = f"editor-{uuid.uuid4().hex[:6]}"
    subprocess.run(
        [sys.executable, "-m", "examples.showcase.users", "createsuperuser", username],
        cwd=ROOT,
        env=env,
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
        timeout=60,
    )
    port = free_port()
    command = [sys.executable, *SERVERS[request.param]]
    if request.param == "gunicorn":
        command += ["--bind", f"{HOST}:{port}"]
    else:
        command += ["--host", HOST, "--port", str(port)]
    url = f"http://{HOST}:{port}"
    process = start(command, tmp_path / "server.log", f"{url}/", env)
    try:
        yield url, username
    finally:
        stop(process)


def token(html: str) -> str:
    found = TOKEN.search(html)
    assert found
    return found[1]


def test_log_in_add_and_refuse_a_forgery(served: tuple[str, str]) -> None:
    url, username = served
    with httpx.Client(base_url=url, timeout=10) as client:
        assert client.get("/admin/").headers["location"] == "/admin/login/?next=%2Fadmin%2F"
        page = client.get("/admin/login/").text
        data = {"username": username, "password": PASSWORD, "csrf_token": token(page)}
        assert client.post("/admin/login/", data=data).status_code == 302
        form = client.get("/admin/author/add/").text
        added = client.post(
            "/admin/author/add/", data={"name": "Anne Brontë", "csrf_token": token(form)}
        )
        assert added.status_code == 302
        assert "Anne Brontë" in client.get("/admin/author/?q=bront").text
        # A cross-site form post, as a browser would send it: refused, nothing added.
        forged = client.post(
            "/admin/author/add/",
            data={"name": "Mallory"},
            headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        )
        assert forged.status_code == 403
        assert "Mallory" not in client.get("/admin/author/").text
