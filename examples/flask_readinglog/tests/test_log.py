import pytest
from readinglog.db import get_db


def test_index(client, auth):
    response = client.get("/")
    assert b"Log in" in response.data
    assert b"Register" in response.data

    auth.login()
    response = client.get("/")
    assert b"Log out" in response.data
    assert b"The Left Hand of Darkness" in response.data
    assert b"read by test on 2024-03-01" in response.data
    assert b"Read on the train." in response.data
    assert b'href="/1/edit"' in response.data


def test_entries_as_json(client):
    response = client.get("/entries.json")
    assert response.get_json() == [{"id": 1, "title": "The Left Hand of Darkness", "by": "test"}]
    assert response.json[0]["by"] == "test"


@pytest.mark.parametrize("path", ("/add", "/1/edit", "/1/remove"))
def test_login_required(client, path):
    response = client.post(path)
    assert response.headers["Location"] == "/auth/login"


def test_reader_required(app, client, auth):
    with app.app_context():
        db = get_db()
        db.execute("UPDATE entry SET reader_id = 2 WHERE id = 1")
        db.commit()

    auth.login()
    assert client.post("/1/edit").status_code == 403
    assert client.post("/1/remove").status_code == 403
    assert b'href="/1/edit"' not in client.get("/").data


@pytest.mark.parametrize("path", ("/2/edit", "/2/remove"))
def test_exists_required(client, auth, path):
    auth.login()
    assert client.post(path).status_code == 404


def test_add(client, auth, app):
    auth.login()
    assert client.get("/add").status_code == 200
    client.post("/add", data={"title": "Dune", "note": ""})

    with app.app_context():
        assert get_db().execute("SELECT COUNT(id) FROM entry").fetchone()[0] == 2


def test_edit(client, auth, app):
    auth.login()
    assert client.get("/1/edit").status_code == 200
    client.post("/1/edit", data={"title": "The Dispossessed", "note": ""})

    with app.app_context():
        entry = get_db().execute("SELECT * FROM entry WHERE id = 1").fetchone()
        assert entry["title"] == "The Dispossessed"


@pytest.mark.parametrize("path", ("/add", "/1/edit"))
def test_add_edit_validate(client, auth, path):
    auth.login()
    response = client.post(path, data={"title": "", "note": ""})
    assert b"A title is required." in response.data


def test_remove(client, auth, app):
    auth.login()
    response = client.post("/1/remove")
    assert response.headers["Location"] == "/"

    with app.app_context():
        assert get_db().execute("SELECT * FROM entry WHERE id = 1").fetchone() is None
