"""The browsable API: pages, links, forms from serializers, form overrides; both protocols."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cupola import Cupola
from cupola.rest import renderers
from cupola.rest.browsable import BrowsableAPIRenderer
from tests.rest.browsable_app import build_app

HTML = {"Accept": "text/html"}


@pytest.fixture
def shelf_app(tmp_path: Path) -> Iterator[Cupola]:
    app, db = build_app(f"sqlite:///{tmp_path / 'browsable.db'}")
    yield app
    with app.app_context():
        db.session.remove()
        db.dispose()


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match is not None, "no CSRF field on the page"
    return match.group(1)


def log_in(client: Any) -> None:
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login?next=/api/books/",
        data={"username": "ada", "password": "secret", "csrf_token": token},
    )
    assert answer.status_code in (302, 303)


def section(page: str, element_id: str) -> str:
    start = page.index(f'id="{element_id}"')
    return page[start : page.index("</section>", start)]


def test_renderer_is_the_settings_name() -> None:
    assert renderers.BrowsableAPIRenderer is BrowsableAPIRenderer
    assert (BrowsableAPIRenderer.media_type, BrowsableAPIRenderer.format) == ("text/html", "api")


def test_list_page_for_anonymous_user(shelf_app: Cupola, protocol: str) -> None:
    with shelf_app.test_client(protocol) as client:  # type: ignore[arg-type]
        page = client.get("/api/books/", headers=HTML)
        assert page.status_code == 200
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        text = page.text
        assert "<h1>Book List</h1>" in text
        assert "Books on the shelf: anyone reads, signed-in users write." in text
        assert "<pre><b>GET</b> /api/books/</pre>" in text
        assert "<b>HTTP 200 OK</b>" in text
        assert "<b>Allow:</b> GET, POST, HEAD, OPTIONS" in text
        assert "&#34;title&#34;: &#34;Book 1&#34;" in text  # pretty JSON, escaped
        assert '<a href="/api/books/?format=json" class="format">json</a>' in text
        assert 'href="http://localhost/api/books/?page=2" class="page-link">Next' in text
        assert '<a href="/login?next=%2Fapi%2Fbooks%2F" class="login">Log in</a>' in text
        assert 'id="form-post"' not in text  # anonymous users may not write
        assert 'name="_method" value="OPTIONS"' in text
        assert "https://" not in text and "<link" not in text  # nothing external
        # Other clients still get JSON, and ?format=json asks for it from a browser.
        assert client.get("/api/books/").json()["count"] == 3
        as_json = client.get("/api/books/?format=json", headers=HTML)
        assert as_json.headers["content-type"] == "application/json"


def test_post_form_built_from_the_serializer(shelf_app: Cupola, protocol: str) -> None:
    with shelf_app.test_client(protocol) as client:  # type: ignore[arg-type]
        log_in(client)
        text = client.get("/api/books/", headers=HTML).text
        assert '<span class="user-name">ada</span>' in text
        assert 'action="/logout"' in text and "Log in</a>" not in text
        form = section(text, "form-post")
        assert 'name="csrf_token"' in form
        assert '<input type="text" id="form-post-title" name="title" value="" maxlength="200">' in (
            form
        )
        assert 'type="number" id="form-post-price" name="price" value="" step="0.01"' in form
        assert 'type="checkbox" id="form-post-in_stock" name="in_stock" value="true"' in form
        assert 'type="hidden" name="in_stock"' not in form  # unticked: absent, so False
        assert 'type="date" id="form-post-published"' in form
        assert '<option value="1">Ann Lee</option>' in form
        assert 'name="id"' not in form  # read-only fields are not inputs
        raw = section(text, "raw-form")
        assert '<option value="application/json">' in raw
        assert 'name="_method" value="POST"' in raw
        assert "&#34;title&#34;: &#34;&#34;" in raw


def test_failed_post_shows_field_errors_and_keeps_values(shelf_app: Cupola, protocol: str) -> None:
    with shelf_app.test_client(protocol) as client:  # type: ignore[arg-type]
        log_in(client)
        token = csrf_of(client.get("/api/books/", headers=HTML).text)
        failed = client.post(
            "/api/books/",
            data={"title": "Book 1", "price": "abc", "in_stock": "true", "csrf_token": token},
            headers=HTML,
        )
        assert failed.status_code == 400
        form = section(failed.text, "form-post")
        assert "book with this title already exists." in form
        assert "A valid number is required." in form
        assert 'name="title" value="Book 1"' in form  # the submitted values stay
        assert "<b>HTTP 400 Bad Request</b>" in failed.text
        created = client.post(
            "/api/books/",
            data={"title": "New <b>", "price": "4.25", "author": "1", "csrf_token": token},
            headers=HTML,
        )
        assert created.status_code == 201
        assert "&#34;title&#34;: &#34;New &lt;b&gt;&#34;" in created.text
        listed = client.get("/api/books/?page=2").json()
        assert listed["results"][-1]["title"] == "New <b>"
        assert listed["results"][-1]["in_stock"] is False  # an unchecked box


def test_forged_form_post_is_refused(shelf_app: Cupola, protocol: str) -> None:
    with shelf_app.test_client(protocol) as client:  # type: ignore[arg-type]
        log_in(client)
        cross_site = {"Sec-Fetch-Site": "cross-site"}  # a form another site made post here
        refused = client.post("/api/books/", data={"title": "X", "price": "1"}, headers=cross_site)
        assert refused.status_code == 403
        assert refused.json()["detail"].startswith("CSRF Failed: ")
        bad_token = {"title": "X", "price": "1", "csrf_token": "forged"}
        assert client.post("/api/books/", data=bad_token).status_code == 403


def test_detail_page_put_patch_delete_and_options(shelf_app: Cupola, protocol: str) -> None:
    with shelf_app.test_client(protocol) as client:  # type: ignore[arg-type]
        log_in(client)
        text = client.get("/api/books/2/", headers=HTML).text
        assert "<h1>Book Instance</h1>" in text
        put = section(text, "form-put")
        assert 'name="_method" value="PUT"' in put
        assert 'name="title" value="Book 2"' in put
        assert 'name="price" value="2.50"' in put
        assert '<option value="1" selected>Ann Lee</option>' in put
        assert 'id="form-patch"' in text
        assert 'name="_method" value="DELETE"' in text
        token = csrf_of(text)
        updated = client.post(
            "/api/books/2/",
            data={
                "_method": "PUT",
                "title": "Renamed",
                "price": "9.99",
                "in_stock": "true",  # a ticked box
                "csrf_token": token,
            },
            headers=HTML,
        )
        assert updated.status_code == 200
        renamed = client.get("/api/books/2/").json()
        assert (renamed["title"], renamed["in_stock"]) == ("Renamed", True)
        patched = client.post(
            "/api/books/2/", data={"_method": "PATCH", "price": "", "csrf_token": token}
        )
        assert patched.status_code == 400
        assert patched.json() == {"price": ["A valid number is required."]}
        options = client.post("/api/books/2/", data={"_method": "OPTIONS", "csrf_token": token})
        assert options.json()["name"] == "Book Instance"
        deleted = client.post("/api/books/2/", data={"_method": "DELETE", "csrf_token": token})
        assert deleted.status_code == 204
        assert client.get("/api/books/2/").status_code == 404


def test_raw_data_form_sends_json(shelf_app: Cupola, protocol: str) -> None:
    with shelf_app.test_client(protocol) as client:  # type: ignore[arg-type]
        log_in(client)
        token = csrf_of(client.get("/api/books/", headers=HTML).text)
        created = client.post(
            "/api/books/",
            data={
                "_content_type": "application/json",
                "_content": '{"title": "Raw", "price": "1.25", "in_stock": true}',
                "csrf_token": token,
            },
        )
        assert created.status_code == 201
        assert created.json()["title"] == "Raw" and created.json()["in_stock"] is True
        bad = client.post(
            "/api/books/",
            data={"_content_type": "application/json", "_content": "{", "csrf_token": token},
        )
        assert bad.status_code == 400
        assert bad.json()["detail"].startswith("JSON parse error")
        as_form = client.post(
            "/api/books/",
            data={
                "_content_type": "application/x-www-form-urlencoded",
                "_content": "title=Formed&price=2.00",
                "csrf_token": token,
            },
        )
        assert as_form.status_code == 201
        assert as_form.json()["title"] == "Formed"
        assert as_form.json()["in_stock"] is False  # form rules: an absent box is unticked
        unknown = client.post(
            "/api/books/",
            data={"_content_type": "text/plain", "_content": "x", "csrf_token": token},
        )
        assert unknown.status_code == 415


def test_method_override_is_for_form_posts_only(shelf_app: Cupola, protocol: str) -> None:
    with shelf_app.test_client(protocol) as client:  # type: ignore[arg-type]
        log_in(client)
        token = csrf_of(client.get("/api/books/", headers=HTML).text)
        answer = client.post(
            "/api/books/1/",
            json={"_method": "DELETE"},
            headers={"X-CSRFToken": token},
        )
        assert answer.status_code == 405  # a JSON body is never an override
        assert client.get("/api/books/1/").status_code == 200
        ignored = client.post("/api/books/1/", data={"_method": "TRACE", "csrf_token": token})
        assert ignored.status_code == 405
        assert ignored.json() == {"detail": 'Method "POST" not allowed.'}


def test_anonymous_detail_page_has_no_write_forms(shelf_app: Cupola, protocol: str) -> None:
    with shelf_app.test_client(protocol) as client:  # type: ignore[arg-type]
        text = client.get("/api/books/1/", headers=HTML).text
        assert 'id="form-put"' not in text and 'value="DELETE"' not in text
        missing = client.get("/api/books/99/", headers=HTML)
        assert missing.status_code == 404
        assert "No Book matches the given query." in html.unescape(missing.text)
        assert "<b>HTTP 404 Not Found</b>" in missing.text
