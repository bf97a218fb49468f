"""Every form of the showcase in a real browser, invalid then valid, on a desktop and a phone.

Each form is rendered by ``cupola/forms.html`` inside ``cupola/base.html`` with Bootstrap's
CSS served by the app. The browser checks what a visitor sees: Bootstrap's styles applied,
an invalid field outlined with its message shown, nothing overflowing a phone's width.
Screenshots go to ``CUPOLA_SCREENSHOTS`` (a folder) when it is set, to look at them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e.test_browser import TIMEOUT_MS, browser, showcase  # noqa: F401  # fixtures

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.e2e

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 390, "height": 844}}
PASSWORD = "a long and memorable passphrase"


@pytest.fixture(params=sorted(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def page(browser: Browser, viewport: str) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(viewport=VIEWPORTS[viewport])  # type: ignore[arg-type]
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def shots(tmp_path: Path, viewport: str) -> Iterator[Path]:
    folder = Path(os.environ.get("CUPOLA_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    yield folder


def snap(page: Page, shots: Path, viewport: str, name: str) -> None:
    page.screenshot(path=str(shots / f"{name}-{viewport}.png"), full_page=True)


def assert_styled(page: Page) -> None:
    """Bootstrap's CSS applies, and nothing is wider than the window."""
    control = page.locator("form .form-control").first
    assert control.evaluate("e => getComputedStyle(e).display") == "block"
    assert control.evaluate("e => getComputedStyle(e).borderTopLeftRadius") != "0px"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the window"


def assert_invalid(page: Page, field: str, message: str) -> None:
    assert "is-invalid" in (page.locator(f"#{field}").get_attribute("class") or "")
    feedback = page.locator(f"#{field}-errors")
    assert feedback.is_visible()
    assert message in feedback.inner_text()
    assert feedback.evaluate("e => getComputedStyle(e).color") == "rgb(220, 53, 69)"


def test_account_and_book_forms(
    page: Page,
    showcase: str,  # noqa: F811
    viewport: str,
    shots: Path,
) -> None:
    username = f"reader-{uuid.uuid4().hex[:8]}"

    page.goto(f"{showcase}/accounts/signup")
    assert_styled(page)
    page.fill("#username", "x")
    page.click("button:has-text('Create account')")
    assert_invalid(page, "username", "between 3 and 30 characters")
    snap(page, shots, viewport, "signup-invalid")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    snap(page, shots, viewport, "signup-valid")
    page.click("button:has-text('Create account')")
    page.wait_for_url(f"{showcase}/accounts/login")
    assert page.locator(".alert-success").is_visible()

    page.fill("#username", username)
    page.fill("#password", "wrong password here")
    page.click("button:has-text('Log in')")
    assert page.locator(".form-error").inner_text() == "Wrong user name or password."
    snap(page, shots, viewport, "login-invalid")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    snap(page, shots, viewport, "login-valid")
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{showcase}/")

    page.goto(f"{showcase}/books/new")
    assert_styled(page)
    page.fill("#year", "3000")
    page.click("button:has-text('Add the book')")
    assert_invalid(page, "title", "This field is required.")
    assert_invalid(page, "year", "between 0 and 2100")
    snap(page, shots, viewport, "new-book-invalid")
    title = f"Notes {uuid.uuid4().hex[:6]}"
    page.fill("#title", title)
    page.fill("#author", "Ada Lovelace")
    page.fill("#year", "1843")
    page.fill("#price", "12.50")
    snap(page, shots, viewport, "new-book-valid")
    page.click("button:has-text('Add the book')")
    assert page.locator(".alert-success").inner_text() == f"“{title}” is on the shelf."

    page.goto(f"{showcase}/books/2")
    assert_styled(page)
    page.fill("#rating", "9")
    page.fill("#body", "Long, but worth it.")
    page.click("button:has-text('Post review')")
    assert_invalid(page, "rating", "between 1 and 5")
    snap(page, shots, viewport, "review-invalid")
    page.fill("#rating", "4")
    page.click("button:has-text('Post review')")
    assert page.locator(".alert-success").inner_text() == "Thank you for your review."
    snap(page, shots, viewport, "review-valid")
