"""The admin in a real browser, over uvicorn: a staff user's whole round, with screenshots.

Log in, search, filter, add a book with an error and then correctly, edit it, delete it,
and read its history (which outlives the book). Screenshots go to ``CUPOLA_SCREENSHOTS``
when it is set.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e.test_browser import (  # noqa: F401  # fixtures and helpers
    HOST,
    ROOT,
    TIMEOUT_MS,
    browser,
    free_port,
    start,
    stop,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.e2e

PASSWORD = "a long and memorable passphrase"


@pytest.fixture(scope="module")
def showcase_with_staff(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The showcase on uvicorn with a fresh database and a staff account; URL and user name."""
    folder = tmp_path_factory.mktemp("admin-showcase")
    env = {
        **os.environ,
        "CUPOLA_SECRET_KEY": "s" * 64,
        "CUPOLA_DATABASE_URL": f"sqlite:///{folder / 'showcase.db'}",
    }
    username = f"editor-{uuid.uuid4().hex[:6]}"
    created = subprocess.run(
        [sys.executable, "-m", "examples.showcase.users", "createsuperuser", username],
        cwd=ROOT,
        env=env,
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    port = free_port()
    url = f"http://{HOST}:{port}"
    command = [sys.executable, "-m", "uvicorn", "examples.showcase.app:app.asgi"]
    command += ["--host", HOST, "--port", str(port)]
    process = start(command, folder / "uvicorn.log", f"{url}/", env)
    try:
        yield url, username
    finally:
        stop(process)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def snap(page: Page, tmp_path: Path, name: str) -> None:
    folder = Path(os.environ.get("CUPOLA_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"admin-{name}.png"), full_page=True)


def test_a_staff_round(page: Page, showcase_with_staff: tuple[str, str], tmp_path: Path) -> None:
    url, username = showcase_with_staff
    page.goto(f"{url}/admin/book/")
    page.wait_for_url(f"{url}/admin/login/?next=%2Fadmin%2Fbook%2F")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{url}/admin/book/")
    assert page.locator("h1").inner_text() == "Select book to change"

    page.fill("#searchbar", "eliot")
    page.click("button:has-text('Search')")
    rows = page.locator(".result-list tbody tr")
    assert rows.count() == 1 and "Middlemarch" in rows.first.inner_text()
    page.goto(f"{url}/admin/book/")
    page.click(".filters a:has-text('Jane Austen')")
    titles = page.locator(".result-list tbody td:nth-child(3)").all_inner_texts()
    assert titles == ["Emma", "Pride and Prejudice"]
    snap(page, tmp_path, "changelist")

    page.goto(f"{url}/admin/book/add/")
    page.select_option("#author", label="Jane Austen")
    page.fill("#year", "1817")
    page.fill("#price_cents", "600")
    page.fill("#summary", "A second chance.")
    page.click("button:has-text('Save'):not([name])")
    assert page.locator("#title-errors").inner_text() == "This field is required."
    assert page.locator("#price_cents").input_value() == "600"  # what was typed comes back
    snap(page, tmp_path, "add-invalid")
    page.fill("#title", "Persuasion")
    page.click("button:has-text('Save'):not([name])")
    page.wait_for_url(f"{url}/admin/book/")
    assert "was added successfully" in page.locator(".message-success").inner_text()

    page.click(".result-list tbody tr:has-text('Persuasion') td:nth-child(2) a")
    change_url = page.url
    page.fill("#year", "1818")
    page.click("button:has-text('Save and continue editing')")
    page.wait_for_url(change_url)
    snap(page, tmp_path, "change")
    page.click("a.deletelink")
    page.click("button.danger")
    page.wait_for_url(f"{url}/admin/book/")
    assert "Persuasion" not in page.locator(".result-list").inner_text()

    page.goto(change_url.replace("/change/", "/history/"))
    assert page.locator("h1").inner_text() == "Change history: Persuasion"
    actions = page.locator(".history tbody td:nth-child(3)").all_inner_texts()
    assert actions == ["Added.", "Changed Year.", "Deleted."]
    assert page.locator(".history tbody td:nth-child(2)").all_inner_texts() == [username] * 3
    snap(page, tmp_path, "history")
