"""The debug toolbar in a real browser: Chromium through Playwright, the showcase on uvicorn.

The showcase runs with ``DEBUG`` on (``apps/debug_showcase.py``), on uvicorn, and on gunicorn
for the checks that need no browser. The toolbar opens and
closes, its SQL panel lists the page's queries, and ``/__debug__/`` lists a JSON API call
the page made, whose details show its queries and endpoint. Screenshots of the toolbar and
of the debug error page are written to the test's temporary folder.

Chromium is Debian's (``/usr/bin/chromium``); without it or Playwright the test is skipped,
except under CI, where it fails.
"""

from __future__ import annotations

import importlib.util
import os
import re
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from .test_browser import CHROMIUM, HOST, ROOT, TIMEOUT_MS, free_port, start, stop

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.e2e

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def showcase(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The showcase with DEBUG on, served by uvicorn on a free local port; its base URL."""
    port = free_port()
    url = f"http://{HOST}:{port}"
    command = [sys.executable, "-m", "uvicorn", "debug_showcase:app.asgi"]
    command += ["--app-dir", str(ROOT / "tests" / "e2e" / "apps")]
    command += ["--host", HOST, "--port", str(port), "--timeout-graceful-shutdown", "2"]
    folder = tmp_path_factory.mktemp("debug-showcase")
    env = {
        **os.environ,
        "CUPOLA_SECRET_KEY": secrets.token_hex(32),
        "CUPOLA_DATABASE_URL": f"sqlite:///{folder / 'showcase.db'}",
    }
    process = start(command, folder / "uvicorn.log", f"{url}/", env)
    try:
        yield url
    finally:
        stop(process)


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same app under gunicorn (WSGI), one sync worker; its base URL."""
    port = free_port()
    url = f"http://{HOST}:{port}"
    command = [sys.executable, "-m", "gunicorn", "debug_showcase:app"]
    command += ["--chdir", str(ROOT / "tests" / "e2e" / "apps"), "--workers", "1"]
    command += ["--bind", f"{HOST}:{port}", "--graceful-timeout", "2"]
    folder = tmp_path_factory.mktemp("debug-gunicorn")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH", "")]
        ),
        "CUPOLA_SECRET_KEY": secrets.token_hex(32),
        "CUPOLA_DATABASE_URL": f"sqlite:///{folder / 'showcase.db'}",
    }
    process = start(command, folder / "gunicorn.log", f"{url}/", env)
    try:
        yield url
    finally:
        stop(process)


@pytest.mark.parametrize("server", ["showcase", "gunicorn"])
def test_real_servers_send_the_id_and_a_right_content_length(
    server: str, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue(server)
    page = httpx.get(f"{url}/books/")
    assert re.fullmatch(r"[0-9a-f]{16}", page.headers["X-Debug-Id"])
    assert page.text.count('id="cupola-debug-toolbar"') == 1
    assert int(page.headers["Content-Length"]) == len(page.content)
    api = httpx.get(f"{url}/api/books?per_page=1")
    history = httpx.get(f"{url}/__debug__/?kind=api").text
    assert f'href="/__debug__/{api.headers["X-Debug-Id"]}"' in history
    if server == "gunicorn":
        # The app believes no X-Forwarded-For: the peer decides. (uvicorn itself rewrites
        # the client address from it for connections from 127.0.0.1, its default.)
        spoofed = httpx.get(f"{url}/__debug__/", headers={"X-Forwarded-For": "203.0.113.9"})
        assert spoofed.status_code == 200


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium, or a skip (a failure under CI) when it cannot run here."""
    if importlib.util.find_spec("playwright") is None:
        missing = "Playwright is not installed: pip install -e '.[dev]'"
    elif not os.access(CHROMIUM, os.X_OK):
        missing = f"Chromium is not at {CHROMIUM}: apt-get install chromium (scripts/test does)"
    else:
        missing = None
    if missing is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser test must run in CI: {missing}", pytrace=False)
        pytest.skip(f"BROWSER TEST NOT RUN: {missing}")

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh browser context, sized like a laptop screen."""
    context = browser.new_context(viewport={"width": 1366, "height": 860})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_the_toolbar_opens_and_lists_the_pages_queries(
    page: Page, showcase: str, tmp_path: Path
) -> None:
    response = page.goto(f"{showcase}/books/")
    assert response is not None and response.status == 200
    debug_id = response.headers["x-debug-id"]
    toolbar = page.locator("#cupola-debug-toolbar")
    assert toolbar.get_attribute("data-debug-id") == debug_id
    dock = toolbar.locator(".cdt-dock")
    assert dock.is_hidden()

    toolbar.locator(".cdt-handle").click()
    assert dock.is_visible()
    toolbar.locator('.cdt-tabs button[data-panel="sql"]').click()
    sql = toolbar.locator("#cdt-panel-sql")
    assert sql.is_visible()
    assert toolbar.locator("#cdt-panel-request").is_hidden()
    statements = sql.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert statements, "the SQL panel lists no query"
    assert any(re.search(r"FROM book\b", s) for s in statements), statements
    count = int(toolbar.locator('button[data-panel="sql"] small').inner_text().split()[0])
    assert count == len(statements)
    page.screenshot(path=str(tmp_path / "toolbar-sql.png"))

    toolbar.locator('.cdt-tabs button[data-panel="route"]').click()
    assert "books.index" in toolbar.locator("#cdt-panel-route").inner_text()
    toolbar.locator(".cdt-close").click()
    assert dock.is_hidden()
    toolbar.locator(".cdt-handle").click()
    page.keyboard.press("Escape")
    assert dock.is_hidden()


def test_the_history_lists_an_api_call(page: Page, showcase: str, tmp_path: Path) -> None:
    page.goto(f"{showcase}/")
    api_id = page.evaluate(
        "fetch('/api/books?per_page=2').then(r => r.json().then(() => r.headers.get('X-Debug-Id')))"
    )
    assert re.fullmatch(r"[0-9a-f]{16}", api_id)

    page.goto(f"{showcase}/__debug__/")
    row = page.locator(f'tr:has(a[href="/__debug__/{api_id}"])')
    assert row.locator(".cdt-kind").inner_text().upper() == "JSON API"
    cells = row.locator("td").all_inner_texts()
    assert cells[2:5] == ["GET", "/api/books?per_page=2", "200"]
    page.screenshot(path=str(tmp_path / "history.png"), full_page=True)

    row.locator("a").click()
    page.wait_for_url(f"{showcase}/__debug__/{api_id}")
    assert "SELECT" in page.locator("#cdt-panel-sql").inner_text()
    assert "api.book_list" in page.locator("#cdt-panel-route").inner_text()
    assert "user-agent" in page.locator("#cdt-panel-request").inner_text().lower()


def test_the_debug_error_page(page: Page, showcase: str, tmp_path: Path) -> None:
    response = page.goto(f"{showcase}/debug/failing/1")
    assert response is not None and response.status == 500
    assert page.locator("h1").inner_text() == "RuntimeError"
    assert "Direct cause of the exception above" in page.locator("#traceback").inner_text()
    assert "e2e-token" not in page.content()
    page.screenshot(path=str(tmp_path / "debug-error-page.png"), full_page=False)
    # The toolbar is on the error page too: the query made before the failure is there.
    page.locator("#cupola-debug-toolbar .cdt-handle").click()
    page.locator('.cdt-tabs button[data-panel="sql"]').click()
    assert "FROM book" in page.locator("#cdt-panel-sql").inner_text()
