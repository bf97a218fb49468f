"""The showcase's admin: staff made by the documented command edit books and read history."""

from __future__ import annotations

import io
import re
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from cupola.testing import TestClient

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `examples` is a package at the repository root
    sys.path.insert(0, str(ROOT))

from examples.showcase.app import app  # noqa: E402
from examples.showcase.models import Book, db  # noqa: E402
from examples.showcase.users import create_user, find_user, main  # noqa: E402

PASSWORD = "correct horse battery staple"
TOKEN = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*\bvalue="([^"]+)"')

pytestmark = pytest.mark.usefixtures("showcase_database")


@pytest.fixture(params=["wsgi", "asgi"])
def client(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    with app.test_client(request.param) as client:
        yield client


def token(html: str) -> str:
    found = TOKEN.search(html)
    assert found
    return found[1]


def log_in(client: TestClient, username: str) -> int:
    page = client.get("/admin/login/").text
    data = {"username": username, "password": PASSWORD, "csrf_token": token(page)}
    return client.post("/admin/login/", data=data).status_code


def test_createsuperuser_makes_a_staff_account(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    name = f"editor-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["createsuperuser", name]) == 0
    assert f"Staff account {name} created." in capsys.readouterr().out
    with app.app_context():
        assert find_user(name).is_staff is True  # type: ignore[union-attr]


def test_createsuperuser_promotes_a_reader(capsys: pytest.CaptureFixture[str]) -> None:
    name = f"reader-{uuid.uuid4().hex[:8]}"
    with app.app_context():
        create_user(name, PASSWORD)
    assert main(["createsuperuser", name]) == 0
    with app.app_context():
        assert find_user(name).is_staff is True  # type: ignore[union-attr]


def test_staff_edit_a_book_and_read_its_history(client: TestClient) -> None:
    name = f"editor-{uuid.uuid4().hex[:8]}"
    with app.app_context():
        create_user(name, PASSWORD, is_staff=True)
    assert log_in(client, name) == 302
    index = client.get("/admin/").text
    for link in ("Books", "Authors", "Reviews", "Users"):
        assert f">{link}</a>" in index
    assert '<a class="add" href="/admin/user/add/">' not in index  # readers sign up themselves
    listing = client.get("/admin/book/?q=austen").text
    assert "<td>Emma</td>" in listing and re.search(r"<td>\$\d+\.\d\d</td>", listing)
    with app.app_context():
        emma = db.session.query(Book).filter_by(title="Emma").one()
        emma_id, author_id = emma.id, emma.author_id
    change = client.get(f"/admin/book/{emma_id}/change/").text
    data = {
        "title": "Emma",
        "author": str(author_id),
        "year": "1815",
        "price_cents": "800",
        "summary": "A young matchmaker.",
        "csrf_token": token(change),
    }
    assert client.post(f"/admin/book/{emma_id}/change/", data=data).status_code == 302
    history = client.get(f"/admin/book/{emma_id}/history/").text
    assert f"<td>{name}</td>" in history and "Changed Price cents, Summary." in history


def test_readers_are_kept_out(client: TestClient) -> None:
    name = f"reader-{uuid.uuid4().hex[:8]}"
    with app.app_context():
        create_user(name, PASSWORD)
    assert log_in(client, name) == 200  # refused: not staff
    assert client.get("/admin/").status_code == 302
