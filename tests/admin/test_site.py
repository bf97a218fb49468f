"""Who may use the admin: staff only; the admin's own login page and POST-only logout."""

from __future__ import annotations

import pytest

from cupola.testing import TestClient

from .conftest import PASSWORD, Site, log_in, token


def test_anonymous_visitors_are_sent_to_the_login_page(client: TestClient) -> None:
    response = client.get("/admin/book/?q=emma&o=title")
    assert response.status_code == 302
    assert (
        response.headers["location"]
        == "/admin/login/?next=%2Fadmin%2Fbook%2F%3Fq%3Demma%26o%3Dtitle"
    )


def test_staff_log_in_and_land_on_next(client: TestClient) -> None:
    page = client.get("/admin/login/?next=/admin/book/")
    assert page.status_code == 200 and 'name="password"' in page.text
    done = client.post(
        "/admin/login/?next=/admin/book/",
        data={"username": "staff", "password": PASSWORD, "csrf_token": token(page.text)},
    )
    assert (done.status_code, done.headers["location"]) == (302, "/admin/book/")
    assert "Select book to change" in client.get("/admin/book/").text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil"])
def test_an_unsafe_next_goes_to_the_index(client: TestClient, target: str) -> None:
    page = client.get("/admin/login/")
    done = client.post(
        f"/admin/login/?next={target}",
        data={"username": "staff", "password": PASSWORD, "csrf_token": token(page.text)},
    )
    assert done.headers["location"] == "/admin/"


@pytest.mark.parametrize(
    ("username", "password"),
    [("staff", "wrong password"), ("nobody", PASSWORD), ("reader", PASSWORD)],
)
def test_refused_logins_say_so_without_echoing_the_password(
    client: TestClient, username: str, password: str
) -> None:
    response = log_in(client, username, password)
    assert response.status_code == 200
    assert "Please enter the correct username and password for a staff account." in response.text
    assert password not in response.text
    assert client.get("/admin/").status_code == 302  # still not logged in


def test_an_inactive_staff_user_is_refused(site: Site, client: TestClient) -> None:
    with site.app.app_context():
        user = site.db.session.get(site.User, 1)
        user.is_active = False
        site.db.session.commit()
    assert log_in(client).status_code == 200


def test_authenticated_non_staff_users_get_403(site: Site, client: TestClient) -> None:
    @site.app.post("/site-login")
    def site_login() -> str:
        from cupola.auth import login_user

        login_user(site.db.session.get(site.User, 2))  # "reader", through the app's own login
        return "ok"

    client.post("/site-login")
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/book/").status_code == 403


def test_a_staff_user_logged_in_by_the_app_may_use_the_admin(
    site: Site, client: TestClient
) -> None:
    @site.app.post("/site-login")
    def site_login() -> str:
        from cupola.auth import login_user

        login_user(site.db.session.get(site.User, 1))
        return "ok"

    client.post("/site-login")
    assert client.get("/admin/").status_code == 200


def test_logout_is_a_post_from_every_page(staff: TestClient) -> None:
    index = staff.get("/admin/").text
    assert '<form class="admin-user" action="/admin/logout/" method="post">' in index
    assert staff.get("/admin/logout/").status_code == 404  # a GET never logs out
    assert staff.get("/admin/").status_code == 200
    done = staff.post("/admin/logout/", data={"csrf_token": token(index)})
    assert (done.status_code, done.headers["location"]) == (302, "/admin/login/")
    assert staff.get("/admin/").status_code == 302


def test_index_lists_the_models_with_links(staff: TestClient) -> None:
    index = staff.get("/admin/").text
    assert '<a href="/admin/book/">Books</a>' in index
    assert '<a class="add" href="/admin/author/add/">Add</a>' in index
    assert "<title>Site administration · Bookshelf admin</title>" in index


def test_unknown_models_and_keys_are_404(staff: TestClient) -> None:
    assert staff.get("/admin/spaceship/").status_code == 404
    assert staff.get("/admin/book/abc/change/").status_code == 404
    assert staff.get("/admin/book/999/change/").status_code == 404
    assert staff.get("/admin/book/999/delete/").status_code == 404
    assert staff.get("/admin/book/999/history/").status_code == 404
