"""Flash messages: kept in the session until shown, with categories, in views and templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup

from cupola import Cupola, redirect, request
from cupola.sessions import flash, get_flashed_messages
from cupola.templating import render, render_string
from cupola.testing import TestClient


def routes(app: Cupola) -> None:
    @app.post("/flash")
    def add() -> Any:
        for item in request.json:
            flash(item["message"], *([item["category"]] if "category" in item else []))
        return redirect("/show")

    @app.get("/show")
    def show() -> dict[str, Any]:
        categories = request.args.getlist("category")
        return {
            "pairs": get_flashed_messages(with_categories=True, category_filter=categories),
            "again": get_flashed_messages(),
        }


@pytest.fixture
def client(app: Cupola, client: TestClient) -> TestClient:
    routes(app)
    return client


MESSAGES = [
    {"message": "Saved."},
    {"message": "Wrong password.", "category": "error"},
    {"message": "Welcome back!", "category": "info"},
]


def test_messages_are_shown_once(client: TestClient) -> None:
    client.post("/flash", json=MESSAGES)
    body = client.get("/show").json()
    assert body["pairs"] == [
        ["message", "Saved."],
        ["error", "Wrong password."],
        ["info", "Welcome back!"],
    ]
    assert body["again"] == ["Saved.", "Wrong password.", "Welcome back!"]
    assert client.get("/show").json() == {"pairs": [], "again": []}


def test_category_filter(client: TestClient) -> None:
    client.post("/flash", json=MESSAGES)
    body = client.get("/show?category=error&category=info").json()
    assert body["pairs"] == [["error", "Wrong password."], ["info", "Welcome back!"]]
    assert body["again"] == ["Saved.", "Wrong password.", "Welcome back!"]
    assert client.get("/show").json()["again"] == []  # filtered-out messages went too


def test_messages_accumulate_across_requests(client: TestClient) -> None:
    client.post("/flash", json=MESSAGES[:1])
    client.post("/flash", json=MESSAGES[1:])
    assert client.get("/show").json()["again"] == [
        "Saved.",
        "Wrong password.",
        "Welcome back!",
    ]


def test_reading_no_messages_sets_no_cookie(client: TestClient) -> None:
    response = client.get("/show")
    assert response.json() == {"pairs": [], "again": []}
    assert response.headers.get_list("set-cookie") == []
    assert response.headers["vary"] == "Cookie"


def test_reading_messages_removes_them_from_the_cookie(client: TestClient) -> None:
    client.post("/flash", json=MESSAGES)
    response = client.get("/show")
    assert response.headers["set-cookie"].startswith("session=;")  # emptied: deleted


def test_flash_in_an_async_view(app: Cupola, client: TestClient) -> None:
    @app.post("/async-flash")
    async def add_async() -> str:
        flash("from async", "info")
        return "ok"

    @app.get("/async-show")
    async def show_async() -> list[Any]:
        return get_flashed_messages(with_categories=True)

    client.post("/async-flash")
    assert client.get("/async-show").json() == [["info", "from async"]]


def test_flashed_during_the_request_waits_for_the_next(app: Cupola, client: TestClient) -> None:
    @app.post("/both")
    def both() -> dict[str, list[str]]:
        first = get_flashed_messages()
        flash("next time")
        return {"first": first, "second": get_flashed_messages()}

    client.post("/flash", json=MESSAGES[:1])
    assert client.post("/both").json() == {"first": ["Saved."], "second": ["Saved."]}
    assert client.get("/show").json()["again"] == ["next time"]


def test_markup_messages_stay_markup(app: Cupola, client: TestClient) -> None:
    @app.post("/markup")
    def add_markup() -> str:
        flash(Markup("<b>Saved</b> &amp; done"))
        flash("<script>alert(1)</script>")
        return "ok"

    @app.get("/page")
    def page() -> str:
        return render_string("{% for m in get_flashed_messages() %}[{{ m }}]{% endfor %}")

    client.post("/markup")
    assert client.get("/page").text == (
        "[<b>Saved</b> &amp; done][&lt;script&gt;alert(1)&lt;/script&gt;]"
    )


def test_flashes_in_a_template_file(tmp_path: Path, protocol: str, session_backend: Any) -> None:
    (tmp_path / "layout.html").write_text(
        "{% with messages = get_flashed_messages(with_categories=true) %}"
        "{% for category, message in messages %}"
        '<p class="{{ category }}">{{ message }}</p>'
        "{% endfor %}{% endwith %}"
        "{% for m in get_flashed_messages(category_filter=['error']) %}!{{ m }}{% endfor %}"
    )
    app = Cupola(
        __name__,
        template_folder=str(tmp_path),
        config={"SECRET_KEY": "k", "SESSION_BACKEND": session_backend, "TESTING": True},
    )
    routes(app)

    @app.get("/page")
    def page() -> str:
        return render("layout.html")

    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        client.post("/flash", json=MESSAGES[:2])
        assert client.get("/page").text == (
            '<p class="message">Saved.</p><p class="error">Wrong password.</p>!Wrong password.'
        )
        assert client.get("/page").text == ""
