"""A real browser against the showcase: Chromium, driven through Playwright, over uvicorn.

The visitor signs up, logs in, sees the flash messages, puts a book on the reading list with
a CSRF-protected form and logs out. In between, a page on another origin (a second server)
posts a form to the showcase in the same browser, and the showcase must refuse it.

Chromium is Debian's (``/usr/bin/chromium``, installed by ``scripts/test``); no browser is
ever downloaded. Without it or without Playwright the test is skipped, except under CI,
where it fails.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
CHROMIUM = "/usr/bin/chromium"
# A host name for the other site, resolved by Chromium itself to 127.0.0.1 (RFC 6761 keeps
# ".test" out of real DNS): a page there is cross-site to the showcase, not just another port.
OTHER_SITE = "other-site.test"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    f"--host-resolver-rules=MAP {OTHER_SITE} {HOST}",
]
PASSWORD = "a long and memorable passphrase"
TIMEOUT_MS = 5_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def start(command: list[str], log: Path, url: str, env: dict[str, str] | None = None) -> Any:
    """Start a server process and wait until ``url`` answers; return the process."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{command[2]} exited early:\n{log.read_text()}")
        try:
            httpx.get(url, timeout=1)
        except httpx.TransportError:
            time.sleep(0.05)
        else:
            return process
    stop(process)
    pytest.fail(f"{url} did not answer in 10 s:\n{log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def showcase(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The showcase served by uvicorn (ASGI) on a free local port; its base URL."""
    port = free_port()
    url = f"http://{HOST}:{port}"
    command = [sys.executable, "-m", "uvicorn", "examples.showcase.app:app.asgi"]
    command += ["--host", HOST, "--port", str(port), "--timeout-graceful-shutdown", "2"]
    folder = tmp_path_factory.mktemp("showcase")
    env = {
        **os.environ,
        "CUPOLA_SECRET_KEY": secrets.token_hex(32),
        # A fresh database: the first start migrates it and adds the starting books.
        "CUPOLA_DATABASE_URL": f"sqlite:///{folder / 'showcase.db'}",
    }
    log = folder / "uvicorn.log"
    process = start(command, log, f"{url}/", env)
    try:
        yield url
    finally:
        stop(process)


@pytest.fixture(scope="module")
def other_origin(tmp_path_factory: pytest.TempPathFactory, showcase: str) -> Iterator[str]:
    """A second server with a page whose form posts itself to the showcase; its base URL.

    The page asks to put book 1 on the reading list, without a CSRF token (another site
    cannot read one).
    """
    folder = tmp_path_factory.mktemp("other-origin")
    (folder / "index.html").write_text(
        "<!doctype html><title>Win a prize</title>"
        f'<form id="forged" method="post" action="{showcase}/reading-list/1"></form>'
        "<script>document.getElementById('forged').submit()</script>",
        encoding="utf-8",
    )
    port = free_port()
    command = [sys.executable, "-m", "http.server", str(port), "--bind", HOST]
    command += ["--directory", str(folder)]
    process = start(command, folder.parent / "http-server.log", f"http://{HOST}:{port}/")
    try:
        yield f"http://{{host}}:{port}/"
    finally:
        stop(process)


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
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh browser context: its own cookies."""
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def flashes(page: Page) -> list[str]:
    return [text.strip() for text in page.locator(".alert").all_inner_texts()]


def reading_list(page: Page, showcase: str) -> list[str]:
    page.goto(f"{showcase}/reading-list")
    return page.locator(".reading-list li > a").all_inner_texts()


def assert_forgery_refused(page: Page, attack_url: str, showcase: str, fetch_site: str) -> None:
    """Open the other origin's page, whose form posts itself, and check the showcase's 403.

    Args:
        page: The logged-in page.
        attack_url: The other origin's page.
        showcase: The showcase's base URL.
        fetch_site: The ``Sec-Fetch-Site`` Chromium sends: ``"same-site"`` (the session
            cookie goes along, so only the CSRF check stands in the way) or ``"cross-site"``
            (``SameSite=Lax`` keeps the cookie back as well).
    """
    target = f"{showcase}/reading-list/1"
    with page.expect_response(lambda r: r.url == target and r.request.method == "POST") as info:
        page.goto(attack_url)
    response = info.value
    sent = response.request.all_headers()
    assert sent["sec-fetch-site"] == fetch_site
    assert sent["origin"] == attack_url.rstrip("/")
    assert ("session=" in sent.get("cookie", "")) is (fetch_site == "same-site")
    assert response.status == 403
    page.wait_for_url(target)
    assert page.locator("h1").inner_text() == "Request refused"
    assert "(cross-origin request)" in page.locator("main").inner_text()


def test_sign_up_log_in_keep_a_reading_list_and_log_out(
    page: Page, showcase: str, other_origin: str, tmp_path: Path
) -> None:
    username = f"reader-{uuid.uuid4().hex[:8]}"

    # Sign up: the form (with its hidden CSRF token) leads to the login page and a flash.
    page.goto(f"{showcase}/accounts/signup")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("button:has-text('Create account')")
    page.wait_for_url(f"{showcase}/accounts/login")
    assert flashes(page) == [f"Welcome, {username}! Your account is ready: log in to start."]

    # Log in: back on the front page, greeted by name, with the hashed stylesheet applied.
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{showcase}/")
    assert flashes(page) == [f"Logged in as {username}."]
    assert page.locator(".site-header .user").inner_text() == username
    stylesheets = [link.get_attribute("href") or "" for link in page.locator("link").all()]
    assert stylesheets[0] == "/_cupola/bootstrap/css/bootstrap.min.css"
    assert stylesheets[1].startswith("/static/site.css?v=")
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Georgia" in font

    # A CSRF-protected form: put a book on the reading list.
    page.goto(f"{showcase}/books/3")
    page.click("button:has-text('Add to reading list')")
    page.wait_for_url(f"{showcase}/reading-list")
    assert flashes(page) == ["“Frankenstein” is on your reading list."]
    assert page.locator(".reading-list li > a").all_inner_texts() == ["Frankenstein"]

    # Forged posts from other origins, in the same logged-in browser: another port of the
    # same host (same site, so the session cookie goes along) and another site.
    assert_forgery_refused(page, other_origin.format(host=HOST), showcase, "same-site")
    assert_forgery_refused(page, other_origin.format(host=OTHER_SITE), showcase, "cross-site")
    assert reading_list(page, showcase) == ["Frankenstein"]

    screenshot = tmp_path / "reading-list.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.is_file()
    assert screenshot.stat().st_size > 0

    # Log out: the session is cleared, and the reading list asks for a login again.
    page.click("button:has-text('Log out')")
    page.wait_for_url(f"{showcase}/")
    assert flashes(page) == ["You have been logged out."]
    assert page.locator(".site-header .user").count() == 0
    page.goto(f"{showcase}/reading-list")
    page.wait_for_url(f"{showcase}/accounts/login?next=%2Freading-list")
    assert flashes(page) == ["Please log in first."]


def sign_up_and_log_in(page: Page, showcase: str) -> str:
    username = f"reader-{uuid.uuid4().hex[:8]}"
    page.goto(f"{showcase}/accounts/signup")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("button:has-text('Create account')")
    page.wait_for_url(f"{showcase}/accounts/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{showcase}/")
    return username


def test_the_reading_room_is_live_between_two_browsers(
    page: Page, browser: Browser, showcase: str
) -> None:
    username = sign_up_and_log_in(page, showcase)
    page.goto(f"{showcase}/books/1")
    page.click("text=Join the reading room")
    page.wait_for_url(f"{showcase}/books/1/room")
    page.locator(".status", has_text="Connected.").wait_for()

    # A second visitor, not logged in, reads along in another browser context.
    other = browser.new_context()
    other.set_default_timeout(TIMEOUT_MS)
    try:
        reader = other.new_page()
        reader.goto(f"{showcase}/books/1/room")
        reader.locator(".status", has_text="Connected.").wait_for()
        assert reader.locator("form.say").count() == 0  # visitors may read, not speak

        page.fill("#say-text", "<img src=x onerror=alert(1)> A fine opening line")
        page.click("button:has-text('Send')")
        line = f"{username}: <img src=x onerror=alert(1)> A fine opening line"
        reader.locator(".messages li.message", has_text="A fine opening line").wait_for()
        assert reader.locator(".messages li.message").all_inner_texts() == [line]
        assert reader.locator(".messages img").count() == 0  # shown as text, not HTML
        page.locator(".messages li.message", has_text="A fine opening line").wait_for()
    finally:
        other.close()


def test_a_new_book_is_announced_on_every_open_page(
    page: Page, browser: Browser, showcase: str
) -> None:
    sign_up_and_log_in(page, showcase)
    other = browser.new_context()
    other.set_default_timeout(TIMEOUT_MS)
    try:
        # Another visitor, not logged in, is reading the authors page.
        reader = other.new_page()
        reader.goto(f"{showcase}/authors")
        reader.locator("#new-books[data-state='connected']").wait_for(state="attached")

        title = f"A Notice {uuid.uuid4().hex[:6]}"
        page.goto(f"{showcase}/books/new")
        page.fill("#title", title)
        page.fill("#author", "Ann <b>Author</b>")
        page.fill("#year", "2024")
        page.fill("#price", "9.99")
        page.click("button:has-text('Add the book')")
        page.wait_for_url(f"{showcase}/books/*")
        assert flashes(page) == [f"“{title}” is on the shelf."]

        notice = reader.locator("#new-books .new-book")
        notice.wait_for()
        assert notice.inner_text() == f"New on the shelf: {title} by Ann <b>Author</b>."
        link = reader.locator("#new-books a")
        assert f"{showcase}{link.get_attribute('href')}" == page.url
        assert reader.locator("#new-books b").count() == 0  # shown as text, not HTML
    finally:
        other.close()
