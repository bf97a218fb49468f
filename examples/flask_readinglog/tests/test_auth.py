import pytest
from flask import g, session
from readinglog.db import get_db


def test_register(client, app):
    assert client.get("/auth/register").status_code == 200
    response = client.post("/auth/register", data={"username": "a", "password": "a"})
    assert response.headers["Location"] == "/auth/login"

    with app.app_context():
        assert get_db().execute("SELECT * FROM reader WHERE username = 'a'").fetchone() is not None


@pytest.mark.parametrize(
    ("username", "password", "message"),
    (
        ("", "", b"A user name is required."),
        ("a", "", b"A password is required."),
        ("test", "test", b"The name test is taken."),
    ),
)
def test_register_validate_input(client, username, password, message):
    response = client.post("/auth/register", data={"username": username, "password": password})
    assert message in response.data


def test_login(client, auth):
    assert client.get("/auth/login").status_code == 200
    response = auth.login()
    assert response.headers["Location"] == "/"

    with client:
        client.get("/")
        assert session["reader_id"] == 1
        assert g.user["username"] == "test"


def test_a_second_hash_format_logs_in(client, auth):
    assert auth.login("other", "other").headers["Location"] == "/"


@pytest.mark.parametrize(
    ("username", "password"),
    (("a", "test"), ("test", "a")),
)
def test_login_validate_input(auth, username, password):
    response = auth.login(username, password)
    assert b"Wrong user name or password." in response.data


def test_logout(client, auth):
    auth.login()

    with client:
        auth.logout()
        assert "reader_id" not in session


def test_session_transaction_logs_in_without_the_form(client):
    with client.session_transaction() as sess:
        sess["reader_id"] = 2

    response = client.get("/")
    assert b"<span>other</span>" in response.data
    assert b"Log out" in response.data
