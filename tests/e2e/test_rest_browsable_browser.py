"""The browsable API in a real browser: Chromium through Playwright, the showcase on uvicorn.

A visitor opens the book list, follows a book's link to its detail page, logs in from the
page's "Log in" link, submits the POST form with a blank title and sees the field's error
on the form, then fixes it and sees the new book. Everything works without JavaScript,
so the test turns it off. Chromium and the server helpers are those of ``test_browser``.
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING

import pytest

from tests.e2e.test_browser import PASSWORD, browser, showcase  # noqa: F401  # fixtures

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 5_000


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:  # noqa: F811  # the imported fixture's
    """A page without JavaScript, in a fresh browser context."""
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def content(page: Page) -> dict[str, object]:
    """The JSON the page shows in its response panel."""
    loaded: dict[str, object] = json.loads(page.locator("code.content").inner_text())
    return loaded


def test_browse_log_in_and_post(page: Page, showcase: str) -> None:  # noqa: F811
    username = f"rest{uuid.uuid4().hex[:8]}"
    page.goto(f"{showcase}/accounts/signup")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("button:has-text('Create account')")

    # The list: name, request, status, pretty JSON; no write form for anonymous visitors.
    page.goto(f"{showcase}/api/v1/books/")
    assert page.locator("h1").inner_text() == "Book List"
    assert "HTTP 200 OK" in page.locator(".response-info").inner_text()
    listed = content(page)
    assert listed["count"] == 5
    assert page.locator("#form-post").count() == 0

    # A detail page, through the URL the list shows.
    first = listed["results"][0]  # type: ignore[index]
    page.goto(f"{showcase}/api/v1/books/{first['id']}/")
    assert page.locator("h1").inner_text() == "Book Instance"
    assert content(page)["title"] == first["title"]

    # Log in from the page's link, and come back to the list.
    page.goto(f"{showcase}/api/v1/books/")
    page.click("a.login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{showcase}/api/v1/books/")
    assert page.locator(".user-name").inner_text() == username

    # The POST form: a blank title comes back with the error next to the field.
    form = page.locator("#form-post")
    form.locator("[name=title]").fill("")
    form.locator("[name=author]").select_option(label="Jane Austen")
    form.locator("[name=year]").fill("1817")
    form.locator("[name=price_cents]").fill("550")
    form.locator("[name=summary]").fill("Two sisters, a cliff and a sensible marriage.")
    form.locator("button:has-text('POST')").click()
    assert "HTTP 400 Bad Request" in page.locator(".response-info").inner_text()
    error = page.locator("#form-post .has-errors .error")
    assert error.inner_text() == "This field may not be blank."
    assert page.locator("#form-post [name=year]").input_value() == "1817"  # values kept

    # Fixed, it creates the book.
    page.locator("#form-post [name=title]").fill("Persuasion")
    page.locator("#form-post [name=summary]").fill("A second chance, eight years on.")
    page.locator("#form-post button:has-text('POST')").click()
    assert "HTTP 201 Created" in page.locator(".response-info").inner_text()
    created = content(page)
    assert (created["title"], created["price"]) == ("Persuasion", "5.50")
