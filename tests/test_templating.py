"""Jinja templates: autoescape, globals, context processors, filters, TemplateResponse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cupola import Blueprint, Cupola, Middleware, TemplateResponse, g, render
from cupola.exceptions import ImproperlyConfigured
from cupola.http.request import Request
from cupola.templating import render_string
from cupola.testing import TestClient


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    return folder


@pytest.fixture
def app(templates: Path) -> Cupola:
    return Cupola(__name__, template_folder=str(templates))


def write(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_autoescape_in_html_not_in_txt(app: Cupola, client: TestClient, templates: Path) -> None:
    write(templates, "page.html", "<p>{{ value }}</p>")
    write(templates, "mail.txt", "Hi {{ value }}")

    @app.get("/html")
    def html() -> str:
        return render("page.html", value="<script>&")

    @app.get("/txt")
    def txt() -> str:
        return render("mail.txt", value="<script>&")

    assert client.get("/html").text == "<p>&lt;script&gt;&amp;</p>"
    assert client.get("/txt").text == "Hi <script>&"


def test_a_text_file_included_from_html_is_escaped_like_its_parent(
    app: Cupola, client: TestClient, templates: Path
) -> None:
    write(templates, "page.html", "<p>{% include 'part.txt' %}</p>")
    write(templates, "part.txt", "{{ value }}")
    write(templates, "mail.txt", "{% include 'part.txt' %}")
    app.get("/html", endpoint="html")(lambda: render("page.html", value="<b>"))
    app.get("/txt", endpoint="txt")(lambda: render("mail.txt", value="<b>"))
    assert client.get("/html").text == "<p>&lt;b&gt;</p>"
    assert client.get("/txt").text == "<b>"


def test_template_strings_are_escaped(app: Cupola) -> None:
    with app.app_context():
        assert render_string("{{ v }}", v="<b>") == "&lt;b&gt;"


def test_globals(app: Cupola, client: TestClient, templates: Path) -> None:
    write(
        templates,
        "globals.html",
        "{{ url_for('show', item_id=2) }}|{{ request.path }}|{{ request.args['q'] }}"
        "|{{ g.who }}|{{ config['GREETING'] }}",
    )
    app.config["GREETING"] = "hey"

    @app.get("/items/<int:item_id>")
    def show(item_id: int) -> str:
        g.who = "grace"
        return render("globals.html")

    assert client.get("/items/1?q=x").text == "/items/2|/items/1|x|grace|hey"


def test_context_processor_and_explicit_context(
    app: Cupola, client: TestClient, templates: Path
) -> None:
    write(templates, "ctx.html", "{{ site }} {{ user }}")

    @app.context_processor
    def site() -> dict[str, str]:
        return {"site": "Cupola", "user": "default"}

    @app.get("/")
    def view() -> str:
        return render("ctx.html", user="explicit")

    assert client.get("/").text == "Cupola explicit"


def test_blueprint_context_processor_only_for_its_views(
    app: Cupola, client: TestClient, templates: Path
) -> None:
    write(templates, "bp.html", "{{ section | default('none') }}")
    bp = Blueprint("docs", __name__, url_prefix="/docs")

    @bp.context_processor
    def section() -> dict[str, str]:
        return {"section": "docs"}

    @bp.get("/")
    def inside() -> str:
        return render("bp.html")

    @app.get("/")
    def outside() -> str:
        return render("bp.html")

    app.register_blueprint(bp)
    assert client.get("/docs/").text == "docs"
    assert client.get("/").text == "none"


def test_template_filter_and_global(app: Cupola, client: TestClient, templates: Path) -> None:
    write(templates, "f.html", "{{ 'abc' | reverse_text }} {{ 'x' | shout }} {{ answer() }}")

    @app.template_filter()
    def reverse_text(value: str) -> str:
        return value[::-1]

    @app.template_filter("shout")
    def make_loud(value: str) -> str:
        return value.upper() + "!"

    @app.template_global()
    def answer() -> int:
        return 42

    @app.get("/")
    def view() -> str:
        return render("f.html")

    assert client.get("/").text == "cba X! 42"


def test_inheritance(app: Cupola, client: TestClient, templates: Path) -> None:
    write(
        templates,
        "base.html",
        "<title>{% block title %}Base{% endblock %}</title>{% block body %}{% endblock %}",
    )
    write(
        templates,
        "child.html",
        "{% extends 'base.html' %}{% block title %}Child{% endblock %}"
        "{% block body %}{{ text }}{% endblock %}",
    )

    @app.get("/")
    def view() -> str:
        return render("child.html", text="<i>")

    assert client.get("/").text == "<title>Child</title>&lt;i&gt;"


def test_template_response_renders_late(app: Cupola, client: TestClient, templates: Path) -> None:
    write(templates, "a.html", "A {{ n }}")
    write(templates, "b.html", "B {{ n }}")

    class Swap(Middleware):
        def process_template_response(
            self, request: Request, response: TemplateResponse
        ) -> TemplateResponse:
            assert not response.is_rendered
            response.template_name = "b.html"
            response.context["n"] += 1
            return response

    app.add_middleware(Swap)

    @app.get("/")
    def view() -> TemplateResponse:
        return TemplateResponse("a.html", {"n": 1}, status=201, headers={"X-T": "1"})

    response = client.get("/")
    assert response.status_code == 201
    assert response.text == "B 2"
    assert response.headers["x-t"] == "1"
    assert response.headers["content-length"] == "3"


def test_template_response_mutable_until_rendered(app: Cupola) -> None:
    (Path(app.template_path or "") / "t.html").write_text("{{ word }}")
    with app.app_context():
        response = TemplateResponse("t.html", {"word": "before"})
        response.context["word"] = "after"
        assert response.body == b""
        assert response.render() is response
        assert response.body == b"after"
        response.context["word"] = "ignored"
        response.render()
        assert response.body == b"after"


def test_template_response_in_after_request_is_rendered(
    app: Cupola, client: TestClient, templates: Path
) -> None:
    write(templates, "t.html", "{{ greeting }}")
    seen: list[bool] = []

    @app.after_request
    def after(response: TemplateResponse) -> TemplateResponse:
        seen.append(response.is_rendered)
        return response

    @app.get("/")
    def view() -> TemplateResponse:
        return TemplateResponse("t.html", {"greeting": "hi"})

    assert client.get("/").text == "hi"
    assert seen == [True]


def test_missing_template_is_500_without_name_leak(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def view() -> str:
        return render("does-not-exist-xyz.html")

    response = client.get("/")
    assert response.status_code == 500
    assert "does-not-exist-xyz" not in response.text


def test_environment_rebuilt_after_registration(
    app: Cupola, client: TestClient, templates: Path
) -> None:
    write(templates, "late.html", "{{ 'a' | late }}")

    @app.get("/")
    def view() -> str:
        return render("late.html")

    assert client.get("/").status_code == 500

    @app.template_filter()
    def late(value: str) -> str:
        return "late " + value

    assert client.get("/").text == "late a"


@pytest.mark.parametrize(
    "name", ["logo.svg", "page.xhtml", "page.html.j2", "page.jinja", "PAGE.HTML", "page", "a.js"]
)
def test_autoescape_is_on_whatever_the_extension(
    app: Cupola, client: TestClient, templates: Path, name: str
) -> None:
    write(templates, name, "<p>{{ value }}</p>")
    app.get("/", endpoint="page")(lambda: render(name, value="<script>&"))
    assert client.get("/").text == "<p>&lt;script&gt;&amp;</p>"


def test_only_the_listed_suffixes_opt_out(app: Cupola, client: TestClient, templates: Path) -> None:
    app.config["TEMPLATES_UNESCAPED_SUFFIXES"] = [".TXT", ".md"]
    for name in ("mail.txt", "MAIL.TXT", "notes.md", "page.svg"):
        write(templates, name, "{{ value }}")
    app.get("/<name>", endpoint="page")(lambda name: render(name, value="<b>"))
    assert [client.get(f"/{name}").text for name in ("mail.txt", "MAIL.TXT", "notes.md")] == [
        "<b>"
    ] * 3
    assert client.get("/page.svg").text == "&lt;b&gt;"


def test_no_suffix_listed_escapes_everything(
    app: Cupola, client: TestClient, templates: Path
) -> None:
    app.config["TEMPLATES_UNESCAPED_SUFFIXES"] = ()
    write(templates, "mail.txt", "{{ value }}")
    app.get("/", endpoint="page")(lambda: render("mail.txt", value="<b>"))
    assert client.get("/").text == "&lt;b&gt;"


@pytest.mark.parametrize("setting", [".txt", [1]])
def test_a_bad_suffix_setting_is_refused(app: Cupola, setting: Any) -> None:
    app.config["TEMPLATES_UNESCAPED_SUFFIXES"] = setting
    with pytest.raises(ImproperlyConfigured, match="TEMPLATES_UNESCAPED_SUFFIXES"):
        app.jinja_env  # noqa: B018  # the environment is built on first use


class Row:
    """An object with an attribute and an item of the same name, as Jinja sees them."""

    name = "attribute"

    def __getitem__(self, key: str) -> str:
        return "item"


class RowDict(dict[str, Any]):
    """A dict subclass may have attributes of its own; they win over its keys."""

    name = "attribute"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ row.name }}", "widget"),
        ("{{ row.missing }}|{{ row.missing is defined }}", "|False"),
        ("{{ row['items'] }}|{{ row.items is callable }}", "shadowed|True"),
        ("{{ row.copy is callable }}|{{ row.__class__.__name__ }}", "True|dict"),
        ("{{ obj.name }}|{{ obj.other }}", "attribute|item"),
        ("{{ sub.name }}|{{ sub.size }}", "attribute|2"),
    ],
)
def test_dotted_names_read_attributes_first_then_items(
    app: Cupola, source: str, expected: str
) -> None:
    row = {"name": "widget", "items": "shadowed", "copy": "shadowed"}
    with app.app_context():
        rendered = render_string(source, row=row, obj=Row(), sub=RowDict(name="item", size=2))
    assert rendered == expected


def test_globals_are_read_at_render_time(app: Cupola, templates: Path) -> None:
    write(templates, "live.html", "{{ motto }}|{{ own }}")
    with app.app_context():
        app.jinja_env.globals["motto"] = "first"
        assert render("live.html") == "first|"
        app.jinja_env.globals["motto"] = "second"  # the template is cached by now
        assert render("live.html") == "second|"
        template = app.jinja_env.get_template("live.html", globals={"own": "mine"})
        assert template.render() == "second|mine"
        template.globals = {"motto": "plain"}  # a plain mapping is used as it is
        assert template.render() == "plain|"
