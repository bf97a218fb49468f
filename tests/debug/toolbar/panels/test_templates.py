"""The templates panel: each render, includes too, with its context's keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cupola import Cupola
from cupola.templating import render, render_string
from cupola.testing import TestClient

from ...conftest import details, panel


def test_renders_are_listed_with_their_context_keys(tmp_path: Path, protocol: str) -> None:
    (tmp_path / "page.html").write_text(
        "<html><body>{{ title }}{% include 'part.html' %}</body></html>"
    )
    (tmp_path / "part.html").write_text("<p>{{ items|length }}</p>")
    app = Cupola(__name__, template_folder=str(tmp_path), config={"DEBUG": True})

    @app.context_processor
    def site() -> dict[str, Any]:
        return {"site_name": "Shop"}

    @app.get("/")
    def page() -> str:
        return render("page.html", title="<Books>", items=[1, 2])

    @app.get("/inline")
    def inline() -> str:
        return render_string("<b>{{ who }}</b>", who="me")

    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get("/")
        assert "&lt;Books&gt;<p>2</p>" in response.text
        templates = panel(details(client, response.headers["X-Debug-Id"]), "templates")
        assert "<td>page.html</td><td>items, site_name, title</td>" in templates
        assert "<td>part.html</td>" in templates
        inline = panel(details(client, client.get("/inline").headers["X-Debug-Id"]), "templates")
        assert "<td>(from a string)</td><td>site_name, who</td>" in inline


def test_nothing_rendered(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def plain() -> str:
        return "plain"

    templates = panel(details(client, client.get("/").headers["X-Debug-Id"]), "templates")
    assert "None." in templates
