"""The bookshelf showcase answers every page and endpoint alike under WSGI and ASGI.

Visitors sign up, log in (forms with CSRF tokens, flash messages, a regenerated session),
review books, keep a reading list in the session and log out; forged posts and open
redirects are refused. The site runs on a SQLite file of the test's own, made by the
checked-in migrations and seeded on startup, with a cheap password hash cost.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cupola.testing import TestClient

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `examples` is a package at the repository root
    sys.path.insert(0, str(ROOT))

from cupola.auth import verify_password  # noqa: E402
from examples.showcase.app import app  # noqa: E402
from examples.showcase.books import STARTING_BOOKS  # noqa: E402
from examples.showcase.models import Review, db  # noqa: E402
from examples.showcase.users import create_user, find_user  # noqa: E402

CSS = ROOT / "examples" / "showcase" / "static" / "site.css"
CSS_VERSION = hashlib.sha256(CSS.read_bytes()).hexdigest()[:12]
PASSWORD = "correct horse battery staple"
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}  # as browsers navigate
TITLES = sorted(title for title, *_ in STARTING_BOOKS)
LAYOUT = (
    f'<link rel="stylesheet" href="/static/site.css?v={CSS_VERSION}">',
    '<link rel="stylesheet" href="/_cupola/bootstrap/css/bootstrap.min.css">',
    '<a class="brand navbar-brand" href="/">Cupola Books</a>',
    '<footer class="site-footer container">',
)
_CSRF_INPUT = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*>')
_VALUE = re.compile(r'\bvalue="([^"]*)"')

pytestmark = pytest.mark.usefixtures("showcase_database")


@pytest.fixture(params=["wsgi", "asgi"])
def protocol(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def client(protocol: str) -> Iterator[TestClient]:
    # A browser that sends no Fetch Metadata or Origin: the CSRF token is needed.
    with app.test_client(protocol, headers=BROWSER, enforce_csrf_checks=True) as test_client:  # type: ignore[arg-type]
        yield test_client


def create_account(username: str, password: str = PASSWORD) -> None:
    with app.app_context():
        create_user(username, password)


def authenticates(username: str, password: str) -> bool:
    """Whether the account exists with this password (checked without the login throttle)."""
    with app.app_context():
        user = find_user(username)
        return user is not None and verify_password(user.password_hash, password)


@pytest.fixture
def username() -> str:
    """A user name no other test uses: the accounts live as long as the process."""
    return f"reader-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def member(client: TestClient, username: str) -> TestClient:
    """``client``, logged in as a new account named ``username``."""
    create_account(username)
    login(client, username)
    return client


def assert_page(response, *fragments: str, status: int = 200) -> None:
    assert response.status_code == status
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    for fragment in (*LAYOUT, *fragments):
        assert fragment in response.text, fragment


def csrf_token(response: httpx.Response) -> str:
    """The CSRF token of the first form on a page."""
    found = _CSRF_INPUT.search(response.text)
    assert found is not None, "no csrf_token input on the page"
    value = _VALUE.search(found.group())
    assert value is not None
    return value.group(1)


def flash(message: str, category: str = "success") -> str:
    kind = {"error": "danger", "message": "info"}.get(category, category)
    role = "alert" if kind in ("danger", "warning") else "status"
    return f'<div class="alert alert-{kind}" role="{role}">{message}</div>'


def signup(client: TestClient, username: str, password: str = PASSWORD, **fields: str):
    token = csrf_token(client.get("/accounts/signup"))
    data = {"username": username, "password": password, "confirm": password, **fields}
    return client.post("/accounts/signup", data={"csrf_token": token, **data})


def login(client: TestClient, username: str, password: str = PASSWORD, query: str = ""):
    token = csrf_token(client.get(f"/accounts/login{query}"))
    data = {"csrf_token": token, "username": username, "password": password}
    return client.post(f"/accounts/login{query}", data=data)


def reading_list(client: TestClient) -> list[str]:
    """The titles on the reading list page, in order."""
    response = client.get("/reading-list")
    assert response.status_code == 200
    section = response.text.partition('<ul class="reading-list">')[2].partition("</ul>")[0]
    return re.findall(r'<a href="/books/\d+">([^<]+)</a>', section)


def add_to_list(client: TestClient, book_id: int):
    token = csrf_token(client.get(f"/books/{book_id}"))
    return client.post(f"/reading-list/{book_id}", data={"csrf_token": token})


def test_other_error_pages_use_the_layout_of_the_404_page(client: TestClient) -> None:
    # templates/error.html (ERROR_TEMPLATE) extends base.html, as 404.html does.
    not_allowed = client.delete("/authors")
    assert_page(not_allowed, "<title>Method Not Allowed · Cupola Books</title>", status=405)
    assert "<h1>Method Not Allowed</h1>" in not_allowed.text
    assert not_allowed.headers["Allow"] == "GET, HEAD, OPTIONS"
    not_found = client.get("/no-such-page")
    assert_page(not_found, "<h1>Page not found</h1>", status=404)
    unauthorized = client.get("/reading-list", headers={"Accept": "application/json"})
    assert_page(unauthorized, "<title>Unauthorized · Cupola Books</title>", status=401)
    bad_host = client.get("/", headers={"Host": "elsewhere.example"})
    assert_page(bad_host, "<title>Bad Request · Cupola Books</title>", status=400)


def test_index_extends_the_layout(client: TestClient) -> None:
    response = client.get("/")
    assert_page(response, "<title>Cupola Books</title>", "<h1>Welcome to Cupola Books</h1>")
    assert "5 classics on the shelf" in response.text
    assert response.text.count('class="card"') == 3
    assert '<a href="/books/2">Emma</a>' in response.text  # the first three by title
    assert "Moby-Dick" not in response.text


def test_book_list_shows_every_book_a_page_at_a_time(client: TestClient) -> None:
    first = client.get("/books/")
    assert_page(first, "<title>Books · Cupola Books</title>", 'href="/books/" aria-current')
    assert_page(first, "Page 1 of 2", '<a rel="next" href="/books/?page=2">Next →</a>')
    assert "Previous" not in first.text
    second = client.get("/books/?page=2")
    assert_page(second, "Page 2 of 2", '<a rel="prev" href="/books/?page=1">← Previous</a>')
    listed = re.findall(r'<a href="/books/\d+">([^<]+)</a>', first.text + second.text)
    assert listed == TITLES
    assert '<td class="num">$12.40</td>' in first.text  # the `price` template filter


@pytest.mark.parametrize("page", ["3", "0", "-1", "two", "1.5"])
def test_pages_that_cannot_exist_are_not_found(client: TestClient, page: str) -> None:
    response = client.get("/books/", query={"page": page})
    assert_page(response, "<h1>Page not found</h1>", status=404)


@pytest.mark.parametrize("query", ["%", "_", "' OR 1=1 --", "Austen'; DROP TABLE book; --"])
def test_search_text_is_inert(client: TestClient, query: str) -> None:
    response = client.get("/books/", query={"q": query})
    assert_page(response, "No books match")
    assert len(re.findall(r'<a href="/books/\d+">', client.get("/books/?page=2").text)) == 2


def test_book_list_without_slash_redirects(client: TestClient) -> None:
    response = client.get("/books?q=emma")
    assert response.status_code == 308
    assert response.headers["location"] == "/books/?q=emma"


def test_book_list_search(client: TestClient) -> None:
    response = client.get("/books/", query={"q": "austen"})
    assert_page(response, 'value="austen"', ">Emma</a>", ">Pride and Prejudice</a>")
    assert "Moby-Dick" not in response.text


def test_book_list_search_without_match_escapes_the_query(client: TestClient) -> None:
    response = client.get("/books/", query={"q": "<b>nothing</b>"})
    assert_page(response, "No books match “&lt;b&gt;nothing&lt;/b&gt;”.")
    assert "<b>nothing</b>" not in response.text


def test_book_detail(client: TestClient) -> None:
    response = client.get("/books/4")
    assert_page(
        response,
        "<title>Moby-Dick · Cupola Books</title>",
        "<h1>Moby-Dick</h1>",
        "Herman Melville, 1851",
        '<p class="price">$11.00</p>',
    )


@pytest.mark.parametrize("path", ["/books/99", "/books/abc", "/no/such/page"])
def test_not_found_renders_the_404_template(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert_page(response, "<title>Page not found · Cupola Books</title>", status=404)
    assert "<h1>Page not found</h1>" in response.text


def test_authors_class_based_view(client: TestClient) -> None:
    response = client.get("/authors")
    assert_page(response, "<h1>Authors</h1>", 'href="/authors" aria-current')
    text = response.text
    assert text.count("<dt>") == 4
    # Authors alphabetically, each with their books by year.
    assert text.index("George Eliot") < text.index("Herman Melville") < text.index("Jane Austen")
    assert text.index("Pride and Prejudice") < text.index(">Emma</a>")


def test_authors_view_answers_head_and_refuses_post(client: TestClient) -> None:
    head = client.head("/authors")
    assert head.status_code == 200
    assert head.content == b""
    post = client.post("/authors")
    assert post.status_code == 405
    assert post.headers["allow"] == "GET, HEAD, OPTIONS"


def test_static_css(client: TestClient) -> None:
    response = client.get("/static/site.css")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/css; charset=utf-8"
    assert response.headers["cache-control"] == "max-age=3600"  # STATIC_MAX_AGE
    assert ".site-header" in response.text
    etag = response.headers["etag"]
    assert client.get("/static/site.css", headers={"if-none-match": etag}).status_code == 304


def test_static_css_with_its_content_hash_is_cached_for_good(client: TestClient) -> None:
    response = client.get(f"/static/site.css?v={CSS_VERSION}")  # as the layout links it
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.content == CSS.read_bytes()
    # A hash of another version of the file is revalidated like a plain URL.
    stale = client.get("/static/site.css?v=000000000000")
    assert stale.headers["cache-control"] == "max-age=3600"


def test_api_book_list(client: TestClient) -> None:
    response = client.get("/api/books")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    books = response.json()
    assert [book["title"] for book in books] == TITLES
    assert books[0] == {
        "id": 2,
        "title": "Emma",
        "author": "Jane Austen",
        "year": 1815,
        "price": "7.50",
    }


def test_api_book_detail(client: TestClient) -> None:
    response = client.get("/api/books/3")
    assert response.status_code == 200
    assert response.json() == {
        "id": 3,
        "title": "Frankenstein",
        "author": "Mary Shelley",
        "year": 1818,
        "price": "6.25",
        "summary": "A scientist makes a creature, then abandons it, and both pay the price.",
        "rating": None,
    }


def test_api_not_found_is_json(client: TestClient) -> None:
    response = client.get("/api/books/99")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_every_route_is_registered() -> None:
    rules = {(rule.rule, rule.endpoint) for rule in app.iter_rules()}
    assert rules == {
        ("/", "index"),
        ("/authors", "authors"),
        ("/static/<path:filename>", "static"),
        ("/_cupola/bootstrap/<path:filename>", "cupola.bootstrap"),
        ("/books/", "books.index"),
        ("/books/<int:book_id>", "books.show"),
        ("/books/<int:book_id>/reviews", "books.review"),
        ("/accounts/signup", "accounts.signup"),
        ("/accounts/login", "accounts.login"),
        ("/accounts/logout", "accounts.logout"),
        ("/reading-list", "reading_list.index"),
        ("/reading-list/<int:book_id>", "reading_list.add"),
        ("/reading-list/<int:book_id>/remove", "reading_list.remove"),
        ("/api/books", "api.book_list"),
        ("/api/books/<int:book_id>", "api.book_detail"),
        ("/api/<version>/", "rest.api-root"),
        ("/api/<version>/books/", "rest.book-list"),
        ("/api/<version>/books/<lookup:pk>/", "rest.book-detail"),
        ("/api/<version>/authors/", "rest.author-list"),
        ("/api/<version>/authors/<lookup:pk>/", "rest.author-detail"),
        ("/api/<version>/reviews/", "rest.review-list"),
        ("/api/<version>/reviews/<lookup:pk>/", "rest.review-detail"),
        ("/openapi.json", "openapi_schema"),
        ("/api/docs/", "openapi_docs"),
        ("/books/<int:book_id>/room", "reading_room.page"),
        ("/books/<int:book_id>/room/socket", "reading_room.socket"),
        ("/books/new", "new_books.add"),
        ("/books/new/feed", "new_books.feed"),
        ("/admin/", "admin.index"),
        ("/admin/login/", "admin.login"),
        ("/admin/logout/", "admin.logout"),
        ("/admin/<model>/", "admin.changelist"),
        ("/admin/<model>/add/", "admin.add"),
        ("/admin/<model>/<int:pk>/change/", "admin.change"),
        ("/admin/<model>/<int:pk>/delete/", "admin.delete"),
        ("/admin/<model>/<int:pk>/history/", "admin.history"),
        ("/admin/static/<path:filename>", "admin.static"),
    }


# -- accounts -----------------------------------------------------------------------------


def test_anonymous_visitors_see_login_and_signup_links(client: TestClient) -> None:
    response = client.get("/")
    assert_page(
        response,
        '<a class="nav-link" href="/accounts/login">Log in</a>',
        '<a class="nav-link" href="/accounts/signup">',
    )
    assert "Log out" not in response.text
    assert "set-cookie" not in response.headers  # reading an empty session stores nothing
    assert response.headers["vary"] == "Cookie"


def test_signup_page_has_a_form_with_a_csrf_token(client: TestClient) -> None:
    response = client.get("/accounts/signup")
    assert_page(
        response,
        "<title>Sign up · Cupola Books</title>",
        '<form class="account" action="/accounts/signup" method="post" novalidate>',
        '<label class="form-label" for="username">User name</label>',
        'name="password" required type="password"',
        'name="confirm" required type="password"',
    )
    assert len(csrf_token(response)) == 86
    cookie = response.headers["set-cookie"]  # the CSRF secret lives in the session
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Path=/" in cookie


def test_signup_creates_an_account_and_flashes_once(client: TestClient, username: str) -> None:
    response = signup(client, username)
    assert response.status_code == 302
    assert response.headers["location"] == "/accounts/login"
    message = flash(f"Welcome, {username}! Your account is ready: log in to start.")
    assert_page(client.get("/accounts/login"), message)
    assert message not in client.get("/accounts/login").text  # shown once
    assert authenticates(username, PASSWORD)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"username": "ab"}, "Field must be between 3 and 30 characters long."),
        ({"username": "<b>x</b>"}, "Use letters, digits, &#39;.&#39;, &#39;_&#39; and &#39;-&#39;"),
        ({"password": "short", "confirm": "short"}, "Field must be between 12 and 200"),
        ({"confirm": "something else entirely"}, "The passwords differ."),
        ({"username": ""}, "This field is required."),
    ],
)
def test_signup_shows_validation_errors(
    client: TestClient, username: str, fields: dict[str, str], error: str
) -> None:
    response = signup(client, **{"username": username, "password": PASSWORD, **fields})
    assert_page(response, 'class="form-control is-invalid"', error, 'aria-invalid="true"')
    assert "<b>x</b>" not in response.text  # the submitted value is escaped
    assert not authenticates(fields.get("username", username), PASSWORD)


def test_signup_refuses_a_taken_user_name_whatever_its_case(
    client: TestClient, username: str
) -> None:
    assert signup(client, username).status_code == 302
    response = signup(client, username.upper(), password="another long password")
    assert_page(response, "That user name is taken.")
    assert not authenticates(username, "another long password")


def test_passwords_are_stored_as_salted_scrypt_hashes(username: str) -> None:
    create_account(username)
    create_account(f"{username}-2")
    with app.app_context():
        first, second = find_user(username), find_user(f"{username}-2")
        assert first is not None and second is not None
        assert first.password_hash.startswith("$scrypt$ln=8,r=8,p=1$")  # the tests' cost
        assert PASSWORD not in first.password_hash
        assert first.password_hash != second.password_hash  # a random salt each
    assert authenticates(username, PASSWORD)
    assert not authenticates(username, PASSWORD + "!")


def test_repeated_wrong_passwords_are_throttled(client: TestClient, username: str) -> None:
    create_account(username)
    for _ in range(5):
        assert login(client, username, "wrong, wrong, wrong").status_code == 200
    response = login(client, username)
    assert_page(response, "Too many failed logins", status=429)
    assert 1 <= int(response.headers["retry-after"]) <= 300
    assert client.get("/reading-list").status_code == 302  # not logged in


def test_login_flashes_and_shows_the_user(client: TestClient, username: str) -> None:
    create_account(username)
    response = login(client, username)
    assert response.status_code == 302
    assert response.headers["location"] == "/"
    page = client.get("/")
    assert_page(
        page,
        flash(f"Logged in as {username}."),
        f'<span class="user">{username}</span>',
        '<form class="logout d-flex align-items-center gap-2" action="/accounts/logout" '
        'method="post">',
        '<a class="nav-link" href="/reading-list">Reading list</a>',
    )
    assert 'href="/accounts/login">Log in</a>' not in page.text


@pytest.mark.parametrize("wrong", ["password", "username"])
def test_login_with_wrong_credentials_says_so(
    client: TestClient, username: str, wrong: str
) -> None:
    create_account(username)
    if wrong == "password":
        response = login(client, username, "not the password at all")
    else:
        response = login(client, f"{username}-unknown")
    assert_page(response, '<p class="form-error" role="alert">Wrong user name or password.</p>')
    assert client.get("/reading-list").status_code == 302  # still not logged in


def test_login_without_a_session_is_refused_by_the_form(client: TestClient, username: str) -> None:
    # Login CSRF: a form posted with no session (and so no secret) does not log anyone in.
    create_account(username)
    response = client.post(
        "/accounts/login", data={"csrf_token": "x" * 86, "username": username, "password": PASSWORD}
    )
    assert_page(response, "The form expired: please send it again.")
    assert "Logged in" not in client.get("/").text


def test_login_regenerates_the_session(client: TestClient, username: str) -> None:
    create_account(username)
    before = client.get("/accounts/login")
    old_token, old_cookie = csrf_token(before), client.cookies["session"]
    login(client, username)
    assert client.cookies["session"] != old_cookie
    # The CSRF secret changed too: a token from before login no longer works.
    refused = client.post("/reading-list/1", data={"csrf_token": old_token})
    assert_page(refused, "(CSRF token incorrect)", status=403)
    assert reading_list(client) == []


def test_logout_clears_the_session_and_flashes(member: TestClient) -> None:
    assert add_to_list(member, 4).status_code == 302
    token = csrf_token(member.get("/"))
    response = member.post("/accounts/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["location"] == "/"
    page = member.get("/")
    assert_page(page, flash("You have been logged out.", "info"), "Log in</a>")
    assert "Log out" not in page.text
    assert member.get("/reading-list").status_code == 302  # the reading list went with it


def test_logout_is_a_post_with_a_token(member: TestClient) -> None:
    assert member.get("/accounts/logout").status_code == 405
    refused = member.post("/accounts/logout")
    assert_page(refused, "(CSRF token missing)", status=403)
    assert member.get("/reading-list").status_code == 200  # still logged in


def test_a_browser_that_vouches_for_the_origin_needs_no_token(member: TestClient) -> None:
    same_origin = {"Sec-Fetch-Site": "same-origin"}
    assert member.post("/accounts/logout", headers=same_origin).status_code == 302
    assert member.get("/reading-list").status_code == 302  # logged out


# -- the reading list ---------------------------------------------------------------------


def test_reading_list_needs_a_login_and_comes_back_after_it(
    client: TestClient, username: str
) -> None:
    create_account(username)
    response = client.get("/reading-list")
    assert response.status_code == 302
    assert response.headers["location"] == "/accounts/login?next=%2Freading-list"
    page = client.get(response.headers["location"])
    assert_page(
        page,
        flash("Please log in first.", "info"),
        'action="/accounts/login?next=%2Freading-list"',  # the form keeps `next`
    )
    after = login(client, username, query="?next=/reading-list")
    assert after.status_code == 302
    assert after.headers["location"] == "/reading-list"
    assert_page(client.get("/reading-list"), "<h1>Your reading list</h1>", "Nothing yet.")


def test_anonymous_posts_to_the_reading_list_go_to_login(client: TestClient) -> None:
    token = csrf_token(client.get("/accounts/login"))
    response = client.post("/reading-list/1", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["location"] == "/accounts/login"  # a POST cannot be replayed


def test_book_page_offers_a_login_to_anonymous_visitors(client: TestClient) -> None:
    response = client.get("/books/2")
    assert_page(response, '<a href="/accounts/login?next=%2Fbooks%2F2">Log in</a> to keep')
    assert "Add to reading list" not in response.text


def test_add_and_remove_books(member: TestClient) -> None:
    detail = member.get("/books/3")
    assert_page(detail, '<form class="reading" action="/reading-list/3" method="post">')
    assert 'name="csrf_token"' in detail.text

    response = add_to_list(member, 3)
    assert response.status_code == 302
    assert response.headers["location"] == "/reading-list"
    page = member.get("/reading-list")
    assert_page(page, flash("“Frankenstein” is on your reading list."))
    add_to_list(member, 1)
    add_to_list(member, 3)  # already there: listed once
    assert reading_list(member) == ["Frankenstein", "Pride and Prejudice"]

    detail = member.get("/books/3")
    assert_page(detail, 'action="/reading-list/3/remove"', "Remove from reading list")
    response = member.post("/reading-list/3/remove", data={"csrf_token": csrf_token(detail)})
    assert response.status_code == 302
    removed = flash("“Frankenstein” is off your reading list.", "info")
    assert_page(member.get("/reading-list"), removed)
    assert reading_list(member) == ["Pride and Prejudice"]


def test_unknown_books_cannot_be_added(member: TestClient) -> None:
    token = csrf_token(member.get("/reading-list"))
    response = member.post("/reading-list/99", data={"csrf_token": token})
    assert_page(response, "<h1>Page not found</h1>", status=404)
    assert reading_list(member) == []


# -- refused forgeries and redirects ------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "token", "reason"),
    [
        ({}, None, "CSRF token missing"),
        ({}, "A" * 86, "CSRF token incorrect"),
        ({"origin": "http://evil.example"}, "valid", "cross-origin request"),
        ({"origin": "null"}, "valid", "cross-origin request"),
        ({"origin": "http://localhost:8080"}, "valid", "cross-origin request"),
        ({"sec-fetch-site": "cross-site"}, "valid", "cross-origin request"),
    ],
)
def test_forged_posts_are_refused(
    member: TestClient, headers: dict[str, str], token: str | None, reason: str
) -> None:
    valid = csrf_token(member.get("/books/1"))
    data = {} if token is None else {"csrf_token": valid if token == "valid" else token}
    response = member.post("/reading-list/1", data=data, headers=headers)
    assert_page(response, "<h1>Request refused</h1>", f"({reason})", status=403)
    assert reading_list(member) == []


def test_a_token_from_another_session_is_refused(member: TestClient, protocol: str) -> None:
    with app.test_client(protocol) as other:  # type: ignore[arg-type]
        foreign = csrf_token(other.get("/accounts/login"))
    response = member.post("/reading-list/1", data={"csrf_token": foreign})
    assert_page(response, "(CSRF token incorrect)", status=403)
    assert reading_list(member) == []


def test_a_same_origin_post_with_a_token_is_accepted(member: TestClient) -> None:
    token = csrf_token(member.get("/books/5"))
    headers = {"origin": "http://localhost", "sec-fetch-site": "same-origin"}
    response = member.post("/reading-list/5", data={"csrf_token": token}, headers=headers)
    assert response.status_code == 302
    assert reading_list(member) == ["Middlemarch"]


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/reading-list", "/reading-list"),
        ("/books/?q=austen", "/books/?q=austen"),
        ("http://localhost/authors", "http://localhost/authors"),
    ],
)
def test_login_follows_a_safe_next(
    client: TestClient, username: str, target: str, location: str
) -> None:
    create_account(username)
    response = login(client, username, query=f"?{httpx.QueryParams(next=target)}")
    assert response.status_code == 302
    assert response.headers["location"] == location


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "///evil.example/",
        "https://evil.example/",
        "http:///evil.example/",
        "http:evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        " //evil.example",
        "/\r\nSet-Cookie: stolen=1",
        "http://localhost@evil.example/",
    ],
)
def test_login_ignores_an_open_redirect_in_next(
    client: TestClient, username: str, target: str
) -> None:
    create_account(username)
    query = f"?{httpx.QueryParams(next=target)}"
    page = client.get(f"/accounts/login{query}")
    assert_page(page, '<form class="account" action="/accounts/login" method="post" novalidate>')
    response = login(client, username, query=query)
    assert response.status_code == 302
    assert response.headers["location"] == "/"
    assert "stolen" not in response.headers.get("set-cookie", "")


# -- the secret key -----------------------------------------------------------------------


def _secret_key_of_a_fresh_process(env: dict[str, str]) -> str:
    code = "from examples.showcase.app import app; print(app.config['SECRET_KEY'])"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return result.stdout.strip()


def test_secret_key_comes_from_the_environment() -> None:
    env = {**os.environ, "CUPOLA_SECRET_KEY": "from-the-environment-" + "k" * 40}
    assert _secret_key_of_a_fresh_process(env) == env["CUPOLA_SECRET_KEY"]


def test_without_the_variable_each_process_makes_its_own_random_key() -> None:
    env = {name: value for name, value in os.environ.items() if name != "CUPOLA_SECRET_KEY"}
    first, second = (_secret_key_of_a_fresh_process(env) for _ in range(2))
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert first != second


# -- reviews --------------------------------------------------------------------------------


def post_review(client: TestClient, book_id: int, rating: str, body: str):
    token = csrf_token(client.get(f"/books/{book_id}"))
    data = {"csrf_token": token, "rating": rating, "body": body}
    return client.post(f"/books/{book_id}/reviews", data=data)


def test_readers_review_books_once_each(member: TestClient, username: str) -> None:
    with app.app_context():  # the other protocol's run reviewed it too
        db.session.query(Review).filter_by(book_id=5).delete()
        db.session.commit()
    assert_page(member.get("/books/5"), "No reviews yet.", "Post review")
    response = post_review(member, 5, "4", "Long, <em>wise</em> and kind.")
    assert (response.status_code, response.headers["location"]) == (302, "/books/5")
    page = member.get("/books/5")
    assert_page(page, flash("Thank you for your review."), "★★★★☆</span> Long, &lt;em&gt;wise")
    assert f'<footer class="muted">{username}</footer>' in page.text
    post_review(member, 5, "5", "Even better the second time.")  # replaces the first
    page = member.get("/books/5")
    assert "Even better the second time." in page.text and "Long," not in page.text
    with app.app_context():
        assert db.session.query(Review).filter_by(book_id=5).count() == 1
    assert member.get("/api/books/5").json()["rating"] == 5


@pytest.mark.parametrize(("rating", "body"), [("0", "x"), ("6", "x"), ("five", "x"), ("3", "")])
def test_invalid_reviews_are_refused(member: TestClient, rating: str, body: str) -> None:
    response = post_review(member, 1, rating, body)
    assert_page(response, 'class="invalid-feedback"', status=400)
    assert "No reviews yet." in response.text


def test_anonymous_visitors_cannot_review(client: TestClient) -> None:
    assert "Post review" not in client.get("/books/1").text
    token = csrf_token(client.get("/accounts/login"))
    response = client.post("/books/1/reviews", data={"csrf_token": token})
    assert (response.status_code, response.headers["location"]) == (302, "/accounts/login")


def test_a_fresh_machine_gets_the_schema_and_the_starting_books(tmp_path: Path) -> None:
    code = (
        "from examples.showcase.app import app\n"
        "with app.test_client() as client:\n"
        "    print(client.get('/api/books').json()[0]['title'])\n"
    )
    env = {**os.environ, "CUPOLA_DATABASE_URL": f"sqlite:///{tmp_path / 'first.db'}"}
    for _ in range(2):  # the second start finds the shelf filled and adds nothing
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert result.stdout.strip() == "Emma"
    import sqlite3

    with sqlite3.connect(tmp_path / "first.db") as connection:
        assert connection.execute("select count(*) from book").fetchone() == (5,)
        assert connection.execute("select count(*) from alembic_version").fetchone() == (1,)


def test_a_review_posted_twice_at_once_is_kept_once(
    member: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader's other request wrote its review between this one's look-up and insert."""
    from examples.showcase import catalog

    with app.app_context():  # the other protocol's run reviewed it too
        db.session.query(Review).filter_by(book_id=4).delete()
        db.session.commit()
    post_review(member, 4, "2", "First thoughts.")
    look_up = catalog.my_review
    missed: list[int] = []

    def miss_once(book_id: int) -> Review | None:
        if not missed:
            missed.append(book_id)
            return None
        return look_up(book_id)

    monkeypatch.setattr(catalog, "my_review", miss_once)
    response = post_review(member, 4, "5", "Second thoughts.")
    assert (response.status_code, response.headers["location"]) == (302, "/books/4")
    with app.app_context():
        reviews = db.session.query(Review).filter_by(book_id=4).all()
        assert [(r.rating, r.body) for r in reviews] == [(5, "Second thoughts.")]
