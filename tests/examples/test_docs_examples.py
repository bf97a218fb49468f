"""The guide's code samples are real files, shown verbatim, and do what the pages say.

Every ``<!-- example: path -->`` marker in ``docs/*.md`` is followed by a code block equal
to that file. Every Python example is imported from its path and exercised by one test
below (registered with :func:`exercises`), under WSGI and ASGI alike.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from cupola.testing import TestClient

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
EXAMPLES = DOCS / "examples"
MARKER = re.compile(
    r"<!-- example: (?P<path>\S+) -->\n(?P<block>```[\w+-]*\n(?P<code>.*?)\n```)?", re.S
)
FENCE = re.compile(r"^```(?P<lang>[\w+-]*)$", re.M)

_counter = itertools.count()
EXERCISED: dict[str, Callable[..., Any]] = {}


def load(relative: str) -> ModuleType:
    """Import ``docs/examples/<relative>`` from its path under a fresh, unique name."""
    path = EXAMPLES / relative
    slug = re.sub(r"\W", "_", relative.removesuffix(".py"))
    name = f"docs_example_{slug}_{next(_counter)}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # Cupola(__name__) finds its folders through sys.modules
    spec.loader.exec_module(module)
    return module


def exercises(relative: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a test as the one that exercises the example file ``relative``."""

    def register(test: Callable[..., Any]) -> Callable[..., Any]:
        assert relative not in EXERCISED, f"{relative} is exercised twice"
        EXERCISED[relative] = test
        return test

    return register


@pytest.fixture(params=["wsgi", "asgi"])
def protocol(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def client_for(protocol: str) -> Iterator[Callable[..., TestClient]]:
    """``client_for("page/file.py")``: a test client for that example's ``app``."""
    clients: list[TestClient] = []

    def make(relative: str, **kwargs: Any) -> TestClient:
        client = load(relative).app.test_client(protocol, **kwargs)
        clients.append(client.__enter__())
        return client

    yield make
    for client in reversed(clients):
        client.__exit__()
        client.close()


# -- the pages and their blocks ---------------------------------------------------------

PAGES = sorted(DOCS.rglob("*.md"))  # docs/rest/ holds the REST toolkit's pages
REFERENCES = [
    (page.name, match["path"]) for page in PAGES for match in MARKER.finditer(page.read_text())
]
PYTHON_FILES = sorted(str(p.relative_to(EXAMPLES)) for p in EXAMPLES.rglob("*.py"))


def test_every_page_of_the_guide_exists() -> None:
    names = {page.stem for page in PAGES}
    assert names >= {
        "index",
        "quickstart",
        "routing",
        "requests-responses",
        "views",
        "middleware-hooks",
        "blueprints",
        "templates",
        "testing",
        "configuration",
        "lifecycle",
        "design",
        "sessions",
        "csrf",
        "forms",
        "static-files",
        "security",
        "deployment",
    }


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(DOCS)))
def test_blocks_match_their_files(page: Path) -> None:
    text = page.read_text()
    for match in MARKER.finditer(text):
        assert match["block"] is not None, f"{match['path']}: no code block after the marker"
        path = ROOT / match["path"]
        assert path.is_file(), f"{page.name} includes the missing file {match['path']}"
        assert match["code"] == path.read_text().rstrip("\n"), (
            f"{page.name}: the block for {match['path']} differs from the file"
        )


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(DOCS)))
def test_every_python_block_is_an_example_file(page: Path) -> None:
    text = page.read_text()
    included = {match.start("block") for match in MARKER.finditer(text) if match["block"]}
    opening = True
    for fence in FENCE.finditer(text):
        if opening and fence["lang"] in ("python", "py", "pycon"):
            assert fence.start() in included, (
                f"{page.name}: the Python block at offset {fence.start()} is not an example file"
            )
        opening = not opening


LINK = re.compile(r"\]\((?P<page>[\w-]+\.md)?(?:#(?P<anchor>[\w-]+))?\)")
HEADING = re.compile(r"^#{1,6} (?P<title>.+)$", re.M)


def slug(title: str) -> str:
    """The anchor a Markdown renderer gives a heading (GitHub's rules)."""
    return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")


def without_code(text: str) -> str:
    return re.sub(r"^```.*?^```$", "", text, flags=re.M | re.S)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(DOCS)))
def test_links_between_pages_resolve(page: Path) -> None:
    for link in LINK.finditer(without_code(page.read_text())):
        target = page.parent / link["page"] if link["page"] else page
        assert target.is_file(), f"{page.name} links to the missing page {link['page']}"
        if link["anchor"]:
            anchors = {slug(h["title"]) for h in HEADING.finditer(without_code(target.read_text()))}
            assert link["anchor"] in anchors, f"{page.name}: no heading for {link.group(0)}"


def exercised_in_page_files() -> set[str]:
    """Examples exercised in ``test_docs_<page>.py`` files, by ``@pytest.mark.example(path)``."""
    marked = re.compile(r'@pytest\.mark\.example\("(?P<path>[^"]+)"\)')
    files = Path(__file__).parent.glob("test_docs_*.py")
    return {m["path"] for f in files for m in marked.finditer(f.read_text())}


def test_every_example_file_is_shown_and_exercised() -> None:
    shown = {path.removeprefix("docs/examples/") for _, path in REFERENCES}
    every_file = {str(p.relative_to(EXAMPLES)) for p in EXAMPLES.rglob("*") if p.is_file()}
    assert every_file - shown == set(), "example files no page shows"
    exercised = set(EXERCISED) | exercised_in_page_files()
    assert set(PYTHON_FILES) - exercised == set(), "example files no test exercises"
    assert exercised - set(PYTHON_FILES) == set(), "tests for example files that are gone"


@pytest.mark.parametrize("relative", PYTHON_FILES)
def test_example_imports_and_defines_an_app(relative: str) -> None:
    from cupola import Cupola

    module = load(relative)
    assert isinstance(module.app, Cupola)
    module.app.build()  # every route, hook and middleware composes


# -- index and quickstart ---------------------------------------------------------------


@exercises("index/hello.py")
def test_index_hello(client_for: Callable[..., TestClient]) -> None:
    client = client_for("index/hello.py")
    response = client.get("/")
    assert response.status_code == 200
    assert response.text == "Hello, world!"
    assert response.headers["content-type"] == "text/html; charset=utf-8"


@exercises("quickstart/minimal.py")
def test_quickstart_minimal(client_for: Callable[..., TestClient]) -> None:
    client = client_for("quickstart/minimal.py")
    assert client.get("/").text == "<p>Hello, world!</p>"
    assert client.get("/missing").status_code == 404


@exercises("quickstart/variables.py")
def test_quickstart_variables(client_for: Callable[..., TestClient]) -> None:
    client = client_for("quickstart/variables.py")
    assert client.get("/user/ada").text == "User ada"
    assert client.get("/user/<b>").text == "User &lt;b&gt;"
    assert client.get("/post/42").text == "Post 42"
    assert client.get("/post/forty-two").status_code == 404
    assert client.get("/path/a/b/c.txt").text == "Subpath a/b/c.txt"


@exercises("quickstart/url_building.py")
def test_quickstart_url_building(client_for: Callable[..., TestClient]) -> None:
    client = client_for("quickstart/url_building.py")
    assert client.get("/").json() == {
        "index": "/",
        "login": "/login?next=%2F",
        "profile": "/user/John%20Doe",
    }
    assert client.get("/user/John%20Doe").json() == {"username": "John Doe"}


@exercises("quickstart/methods.py")
def test_quickstart_methods(client_for: Callable[..., TestClient]) -> None:
    client = client_for("quickstart/methods.py")
    assert "<form" in client.get("/login").text
    assert client.post("/login", data={"username": "ada"}).text == "Logging in as ada"
    assert client.get("/items").json() == ["apple", "pear"]
    created = client.post("/items", json={"name": "fig"})
    assert created.status_code == 201
    assert created.json() == {"created": "fig"}
    refused = client.delete("/items")
    assert refused.status_code == 405
    assert refused.headers["allow"] == "GET, HEAD, OPTIONS, POST"


@exercises("quickstart/templates.py")
def test_quickstart_templates(client_for: Callable[..., TestClient]) -> None:
    client = client_for("quickstart/templates.py")
    assert "<h1>Hello, World!</h1>" in client.get("/hello/").text
    assert "<h1>Hello Ada!</h1>" in client.get("/hello/Ada").text
    assert "<h1>Hello &lt;i&gt;!</h1>" in client.get("/hello/<i>").text  # autoescaped


@exercises("quickstart/request_data.py")
def test_quickstart_request_data(client_for: Callable[..., TestClient]) -> None:
    client = client_for("quickstart/request_data.py")
    assert client.get("/search?q=owls&page=3").json() == {"q": "owls", "page": 3}
    assert client.get("/search?page=x").json() == {"q": "", "page": 1}
    response = client.post("/notes", json={"text": "hi"}, headers={"X-User": "ada"})
    assert response.status_code == 201
    assert response.json() == {"saved": "hi", "by": "ada"}
    assert client.post("/notes", data={"text": "hi"}).status_code == 415


@exercises("quickstart/redirects.py")
def test_quickstart_redirects(client_for: Callable[..., TestClient]) -> None:
    client = client_for("quickstart/redirects.py")
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["location"] == "/login"
    assert client.get("/", follow_redirects=True).status_code == 401
    missing = client.get("/nowhere")
    assert missing.status_code == 404
    assert "<h1>Nothing here</h1>" in missing.text


@exercises("quickstart/json_api.py")
def test_quickstart_json_api(client_for: Callable[..., TestClient]) -> None:
    client = client_for("quickstart/json_api.py")
    assert client.get("/users").json() == [{"id": 1, "name": "Ada"}, {"id": 2, "name": "Grace"}]
    me = client.get("/me")
    assert me.headers["content-type"] == "application/json"
    assert me.json() == {"id": 1, "name": "Ada"}
    created = client.post("/users")
    assert (created.status_code, created.headers["location"]) == (201, "/users/3")


@exercises("quickstart/testing.py")
def test_quickstart_testing(protocol: str) -> None:
    module = load("quickstart/testing.py")
    module.test_index()  # the example's own test, as written (WSGI)
    with module.app.test_client(protocol) as client:
        assert client.get("/").json() == {"message": "hello"}


# -- routing ----------------------------------------------------------------------------


@exercises("routing/rules.py")
def test_routing_rules(client_for: Callable[..., TestClient]) -> None:
    client = client_for("routing/rules.py")
    assert client.get("/").text == "index"
    assert client.get("/articles").text == "GET articles"
    assert client.post("/articles").text == "POST articles"
    assert client.put("/articles/3").json() == {"replaced": 3}
    deleted = client.delete("/articles/3")
    assert (deleted.status_code, deleted.content) == (204, b"")
    head = client.head("/articles")
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-length"] == str(len("HEAD articles"))  # the view ran
    options = client.options("/articles")
    assert options.status_code == 200
    assert options.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    refused = client.get("/articles/3")
    assert refused.status_code == 405
    assert refused.headers["allow"] == "DELETE, OPTIONS, PUT"
    from cupola import url_for

    with client.app.test_request_context("/"):
        assert url_for("remove_article", article_id=3) == "/articles/3"


@exercises("routing/converters.py")
def test_routing_converters(client_for: Callable[..., TestClient]) -> None:
    client = client_for("routing/converters.py")
    token = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
    answers = {
        "/users/ada": {"username": "ada"},
        "/orders/7": {"order_id": 7},
        "/rates/1.5": {"rate": 1.5},
        "/files/a/b.txt": {"name": "a/b.txt"},
        f"/tokens/{token}": {"token": token, "version": 1},
        "/tags/hello-world_2": {"tag": "hello-world_2"},
        "/about": {"page": "about"},
        "/help": {"page": "help"},
    }
    for path, expected in answers.items():
        assert client.get(path).json() == expected, path
    for path in [
        "/users/",
        "/orders/-1",
        "/orders/1.5",
        "/orders/99999999999999999999",
        "/rates/1",
        "/tokens/nope",
        "/tags/h%C3%A9llo",
        "/contact",
    ]:
        assert client.get(path).status_code == 404, path


@exercises("routing/converter_args.py")
def test_routing_converter_args(client_for: Callable[..., TestClient]) -> None:
    client = client_for("routing/converter_args.py")
    assert client.get("/archive/2024/3").json() == {"year": 2024, "month": 3}
    assert client.get("/airports/cdg").json() == {"code": "CDG"}
    assert client.get("/adjust/-5").json() == {"delta": -5}
    assert client.get("/reports/2023.json").json() == {"report": 2023}
    for path in ["/archive/24/3", "/archive/2024/13", "/airports/lhrx", "/reports/2023"]:
        assert client.get(path).status_code == 404, path
    from cupola import url_for

    with client.app.test_request_context("/"):
        assert url_for("archive", year=987, month=6) == "/archive/0987/6"


@exercises("routing/priority.py")
def test_routing_priority(client_for: Callable[..., TestClient]) -> None:
    client = client_for("routing/priority.py")
    assert client.get("/items/new").text == "new item form"
    assert client.get("/items/42").text == "item number 42"
    assert client.get("/items/hat").text == "item named hat"


@exercises("routing/custom_converter.py")
def test_routing_custom_converter(client_for: Callable[..., TestClient]) -> None:
    client = client_for("routing/custom_converter.py")
    assert client.get("/compare/a,b,c").json() == {
        "names": ["a", "b", "c"],
        "reversed": "/compare/c,b,a",
    }
    assert client.get("/compare/x%20y,z").json() == {
        "names": ["x y", "z"],
        "reversed": "/compare/z,x%20y",
    }
    assert client.get("/compare/a,,b").status_code == 404


@exercises("routing/trailing_slash.py")
def test_routing_trailing_slash(client_for: Callable[..., TestClient]) -> None:
    client = client_for("routing/trailing_slash.py")
    moved = client.get("/projects?page=2")
    assert moved.status_code == 308
    assert moved.headers["location"] == "/projects/?page=2"
    assert client.get("/projects/").text == "The project page"
    assert client.get("/about").text == "The about page"
    assert client.get("/about/").status_code == 404
    assert client.get("/feed").text == client.get("/feed/").text == "The feed"


@exercises("routing/defaults.py")
def test_routing_defaults(client_for: Callable[..., TestClient]) -> None:
    client = client_for("routing/defaults.py")
    first = {"page": 1, "first": "/users/", "next": "/users/page/2"}
    assert client.get("/users/").json() == first
    assert client.get("/users/page/1").json() == first
    assert client.get("/users/page/3").json() == {
        "page": 3,
        "first": "/users/",
        "next": "/users/page/4",
    }


@exercises("routing/url_building.py")
def test_routing_url_building(client_for: Callable[..., TestClient]) -> None:
    client = client_for("routing/url_building.py")
    assert client.get("/books/7").json() == {
        "query": "/books/7?format=print",
        "anchor": "/books/7#reviews",
        "external": "http://localhost/books/7",
        "repeated": "/search?tag=poetry&tag=french",
    }
    assert client.get("/search?tag=poetry&tag=french").json() == {"tags": ["poetry", "french"]}


@exercises("routing/outside_request.py")
def test_routing_outside_request(protocol: str) -> None:
    module = load("routing/outside_request.py")
    assert module.book_link(3) == "https://books.example.com/books/3"
    with module.app.test_client(protocol) as client:
        assert client.get("/books/3").json() == {"id": 3}


# -- requests and responses -------------------------------------------------------------

RR = "requests-responses"


@exercises(f"{RR}/request_attributes.py")
def test_rr_request_attributes(client_for: Callable[..., TestClient]) -> None:
    client = client_for(f"{RR}/request_attributes.py")
    response = client.get("/inspect/x?a=1", headers={"User-Agent": "docs/1.0"})
    assert response.json() == {
        "method": "GET",
        "path": "/inspect/x",
        "full_path": "/inspect/x?a=1",
        "url": "http://localhost/inspect/x?a=1",
        "scheme": "http",
        "host": "localhost",
        "is_secure": False,
        "remote_addr": "127.0.0.1",
        "user_agent": "docs/1.0",
        "view_args": {"name": "x"},
    }


@exercises(f"{RR}/query.py")
def test_rr_query(client_for: Callable[..., TestClient]) -> None:
    client = client_for(f"{RR}/query.py")
    assert client.get("/search?tag=a&q=owl&tag=b&page=2").json() == {
        "q": "owl",
        "page": 2,
        "tags": ["a", "b"],
        "keys": ["tag", "q", "page"],
        "has_sort": False,
    }
    assert client.get("/search?page=two&sort=").json()["page"] == 1
    assert client.get("/search?sort=").json()["has_sort"] is True


@exercises(f"{RR}/bodies.py")
def test_rr_bodies(client_for: Callable[..., TestClient]) -> None:
    client = client_for(f"{RR}/bodies.py")
    signup = client.post("/signup", data={"email": "ada@example.com", "topic": ["math", "art"]})
    assert signup.json() == {"email": "ada@example.com", "topics": ["math", "art"]}
    created = client.post("/api/items", json={"name": "lamp"})
    assert (created.status_code, created.json()) == (201, {"name": "lamp"})
    bad = client.post("/api/items", content=b"{oops", headers={"Content-Type": "application/json"})
    assert bad.status_code == 400
    assert client.post("/api/items", data={"name": "lamp"}).status_code == 415
    hook = client.post("/webhook", content=b"\x00\x01\x02", headers={"X-Signature": "abc"})
    assert hook.json() == {"bytes": 3, "signature": "abc"}


@exercises(f"{RR}/uploads.py")
def test_rr_uploads(client_for: Callable[..., TestClient], tmp_path: Path) -> None:
    client = client_for(f"{RR}/uploads.py")
    client.app.config["UPLOAD_FOLDER"] = str(tmp_path)
    response = client.post(
        "/avatar",
        files={"avatar": ("../../me.png", b"\x89PNG...", "image/png")},
        data={"caption": "Me"},
    )
    assert response.json() == {
        "filename": "me.png",
        "sent_as": "../../me.png",
        "size": 7,
        "content_type": "image/png",
        "caption": "Me",
    }
    assert (tmp_path / "me.png").read_bytes() == b"\x89PNG..."
    assert client.post("/avatar", data={"caption": "no file"}).status_code == 400


@exercises(f"{RR}/return_values.py")
def test_rr_return_values(client_for: Callable[..., TestClient]) -> None:
    client = client_for(f"{RR}/return_values.py")
    html = client.get("/html")
    assert (html.headers["content-type"], html.text) == (
        "text/html; charset=utf-8",
        "<h1>Hello</h1>",
    )
    assert client.get("/json").json() == {"ok": True}
    assert client.get("/list").headers["content-type"] == "application/json"
    assert client.get("/list").json() == [1, 2, 3]
    created = client.post("/created")
    assert (created.status_code, created.json()) == (201, {"id": 1})
    tagged = client.get("/tagged")
    assert (tagged.status_code, tagged.headers["x-tag"], tagged.text) == (200, "blue", "tagged")
    everything = client.post("/everything")
    assert (everything.status_code, everything.headers["location"]) == (201, "/items/2")
    assert client.get("/lines").text == "line 0\nline 1\nline 2\n"
    ping = client.get("/ping")
    assert (ping.headers["content-type"], ping.text) == ("text/plain; charset=utf-8", "pong")


@exercises(f"{RR}/responses.py")
def test_rr_responses(client_for: Callable[..., TestClient]) -> None:
    client = client_for(f"{RR}/responses.py")
    robots = client.get("/robots.txt")
    assert robots.headers["content-type"] == "text/plain; charset=utf-8"
    export = client.get("/export.csv")
    assert export.headers["content-type"] == "text/csv; charset=utf-8"
    assert export.headers["content-disposition"] == 'attachment; filename="books.csv"'
    moved = client.get("/old-home")
    assert (moved.status_code, moved.headers["location"]) == (301, "/")
    assert client.get("/").json() == {"theme": "light"}
    chosen = client.post("/theme/dark")
    cookie = chosen.headers["set-cookie"]
    assert cookie.startswith("theme=dark;")
    for attribute in ("Max-Age=2592000", "Path=/", "SameSite=Lax", "HttpOnly"):
        assert attribute in cookie
    assert chosen.headers["cache-control"] == "no-store"
    assert client.get("/").json() == {"theme": "dark"}  # the client keeps cookies
    reset = client.post("/theme/reset")
    assert (reset.status_code, reset.headers["location"]) == (302, "/")
    assert "Max-Age=0" in reset.headers["set-cookie"]
    assert client.get("/").json() == {"theme": "light"}


@exercises(f"{RR}/streaming.py")
def test_rr_streaming(client_for: Callable[..., TestClient]) -> None:
    client = client_for(f"{RR}/streaming.py")
    count = client.get("/count")
    assert (count.text, count.headers["content-type"]) == ("0\n1\n2\n", "text/plain; charset=utf-8")
    events = client.get("/events")
    assert events.headers["content-type"] == "text/event-stream"
    assert events.text == "data: tick 0\n\ndata: tick 1\n\ndata: tick 2\n\n"


@exercises(f"{RR}/files.py")
def test_rr_files(client_for: Callable[..., TestClient]) -> None:
    client = client_for(f"{RR}/files.py")
    content = (EXAMPLES / RR / "files" / "report.txt").read_bytes()
    response = client.get("/report")
    assert response.status_code == 200
    assert response.content == content
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="q3-report.txt"'
    assert response.headers["accept-ranges"] == "bytes"
    partial = client.get("/report", headers={"Range": "bytes=0-8"})
    assert (partial.status_code, partial.content) == (206, content[:9])
    assert partial.headers["content-range"] == f"bytes 0-8/{len(content)}"
    cached = client.get("/report", headers={"If-None-Match": response.headers["etag"]})
    assert (cached.status_code, cached.content) == (304, b"")


@exercises(f"{RR}/errors.py")
def test_rr_errors(client_for: Callable[..., TestClient]) -> None:
    client = client_for(f"{RR}/errors.py")
    assert client.get("/items/pen").json() == {"name": "pen", "stock": 3}
    ink = client.get("/items/ink")
    assert (ink.status_code, ink.json()) == (409, {"error": "Out of stock", "item": "ink"})
    quill = client.get("/items/quill")
    assert quill.status_code == 404
    assert quill.json() == {"error": "Not Found", "detail": "No such item."}
    admin = client.get("/admin")
    assert (admin.status_code, admin.json()["detail"]) == (403, "Staff only.")
    wrong = client.post("/admin")
    assert wrong.status_code == 405
    assert wrong.json()["error"] == "Method Not Allowed"
    assert wrong.headers["allow"] == "GET, HEAD, OPTIONS"  # kept from exc.headers


@exercises(f"{RR}/header_safety.py")
def test_rr_header_safety(client_for: Callable[..., TestClient]) -> None:
    client = client_for(f"{RR}/header_safety.py")
    assert client.get("/greet", query={"name": "ada"}).headers["x-greeted"] == "ada"
    split = client.get("/greet", query={"name": "x\r\nSet-Cookie: admin=1"})
    assert split.status_code == 400
    assert "set-cookie" not in split.headers


# -- views ------------------------------------------------------------------------------


@exercises("views/function_views.py")
def test_views_function_views(client_for: Callable[..., TestClient]) -> None:
    client = client_for("views/function_views.py")
    assert client.get("/sync?q=a").json() == {"kind": "sync", "q": "a"}
    assert client.get("/async?q=b").json() == {"kind": "async", "q": "b"}
    assert client.post("/echo/2", json={"x": 1}).json() == {"echo": [{"x": 1}, {"x": 1}]}


@exercises("views/class_views.py")
def test_views_class_views(client_for: Callable[..., TestClient]) -> None:
    client = client_for("views/class_views.py")
    assert client.get("/notes").json() == [{"id": 1, "text": "Buy milk"}]
    created = client.post("/notes", json={"text": "Call Ada"})
    assert created.status_code == 201
    assert created.headers["location"] == "/notes/2"
    assert client.get("/notes/2").json() == {"id": 2, "text": "Call Ada"}
    assert client.head("/notes/2").status_code == 200  # HEAD falls back to get()
    assert client.delete("/notes/2").status_code == 204
    assert client.get("/notes/2").status_code == 404
    refused = client.put("/notes/1")
    assert refused.status_code == 405
    assert refused.headers["allow"] == "DELETE, GET, HEAD, OPTIONS"
    assert client.options("/notes").headers["allow"] == "GET, HEAD, OPTIONS, POST"


@exercises("views/async_class_view.py")
def test_views_async_class_view(client_for: Callable[..., TestClient]) -> None:
    client = client_for("views/async_class_view.py")
    assert client.get("/forecast/Oslo").json() == {"city": "Oslo", "forecast": "sunny"}
    saved = client.put("/forecast/Oslo", json={"high": 21})
    assert saved.json() == {"city": "Oslo", "saved": {"high": 21}}
    assert client.delete("/forecast/Oslo").status_code == 405

    from cupola import View
    from cupola.exceptions import ImproperlyConfigured

    class Mixed(View):
        def get(self, request):
            return "sync"

        async def post(self, request):
            return "async"

    with pytest.raises(ImproperlyConfigured, match="mixes sync and async"):
        Mixed.as_view("mixed")


@exercises("views/decorators.py")
def test_views_decorators(client_for: Callable[..., TestClient]) -> None:
    client = client_for("views/decorators.py")
    key = {"X-Api-Key": "letmein"}
    assert client.get("/reports").status_code == 401
    assert client.get("/reports", headers=key).json() == ["q1", "q2"]
    assert client.get("/settings").status_code == 401
    assert client.get("/settings", headers=key).json() == {"theme": "dark"}


# -- middleware and hooks ---------------------------------------------------------------

MH = "middleware-hooks"


@exercises(f"{MH}/request_hooks.py")
def test_mh_request_hooks(protocol: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3
    from types import SimpleNamespace

    module = load(f"{MH}/request_hooks.py")
    opened: list[sqlite3.Connection] = []

    def connect(database: str) -> sqlite3.Connection:
        # The test inspects the connection from its own thread after the request.
        connection = sqlite3.connect(database, check_same_thread=False)
        opened.append(connection)
        return connection

    monkeypatch.setattr(module, "sqlite3", SimpleNamespace(connect=connect))
    with module.app.test_client(protocol) as client:
        health = client.get("/health")
        assert (health.status_code, health.headers["x-user"]) == (200, "anonymous")
        refused = client.get("/me")
        assert refused.status_code == 401
        assert refused.json() == {"detail": "Authentication required."}
        assert refused.headers["x-user"] == "anonymous"  # after_request ran on it
        me = client.get("/me", headers={"Authorization": "Bearer s3cret"})
        assert me.json() == {"user": "ada", "answer": 42}
        assert me.headers["x-user"] == "ada"
    assert len(opened) == 2  # /health and the authenticated /me; the 401 skipped it
    for connection in opened:
        with pytest.raises(sqlite3.ProgrammingError, match="closed"):
            connection.execute("select 1")  # teardown_request closed it


@exercises(f"{MH}/error_handlers.py")
def test_mh_error_handlers(
    client_for: Callable[..., TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    client = client_for(f"{MH}/error_handlers.py")
    declined = client.post("/pay")
    assert (declined.status_code, declined.json()) == (402, {"error": "Payment declined."})
    crash = client.get("/crash")
    assert crash.status_code == 500
    assert crash.json() == {"error": "Something went wrong on our side."}
    assert any(record.exc_info and record.exc_info[0] is RuntimeError for record in caplog.records)
    missing = client.get("/missing")
    assert (missing.status_code, missing.json()) == (
        404,
        {"error": "Not found.", "path": "/missing"},
    )
    wrong_method = client.get("/pay")
    assert wrong_method.status_code == 405  # no handler for 405: the default page
    assert "<h1>Method Not Allowed</h1>" in wrong_method.text


@exercises(f"{MH}/middleware.py")
def test_mh_middleware(client_for: Callable[..., TestClient]) -> None:
    client = client_for(f"{MH}/middleware.py")
    normal = client.get("/")
    assert normal.json() == {"hello": "world"}
    assert normal.headers["x-content-type-options"] == "nosniff"
    assert normal.headers["server-timing"].startswith("app;dur=")
    client.app.config["MAINTENANCE"] = True
    closed = client.get("/")
    assert (closed.status_code, closed.headers["retry-after"]) == (503, "600")
    assert closed.headers["x-content-type-options"] == "nosniff"  # entered before Maintenance
    assert "server-timing" not in closed.headers  # Timing was never entered


@exercises(f"{MH}/view_and_exception.py")
def test_mh_view_and_exception(client_for: Callable[..., TestClient]) -> None:
    client = client_for(f"{MH}/view_and_exception.py")
    assert client.get("/").json() == {"welcome": True}
    refused = client.get("/catalogue")
    assert (refused.status_code, refused.json()) == (401, {"detail": "Log in first."})
    timeout = client.get("/catalogue", headers={"Authorization": "Bearer x"})
    assert timeout.status_code == 504
    assert timeout.json() == {"detail": "The catalogue did not answer."}
    assert client.get("/missing").status_code == 404  # process_view runs for matched routes


@exercises(f"{MH}/raw_middleware.py")
def test_mh_raw_middleware(client_for: Callable[..., TestClient]) -> None:
    import asyncio

    import httpx

    module = load(f"{MH}/raw_middleware.py")
    wsgi = httpx.Client(transport=httpx.WSGITransport(app=module.wsgi_application))
    with wsgi:
        response = wsgi.get("http://localhost/")
    assert (response.text, response.headers["x-powered-by"]) == ("hello", "Cupola")

    async def over_asgi() -> httpx.Response:
        transport = httpx.ASGITransport(app=module.asgi_application)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as c:
            return await c.get("/")

    response = asyncio.run(over_asgi())
    assert (response.text, response.headers["x-powered-by"]) == ("hello", "Cupola")
    assert "x-powered-by" not in client_for(f"{MH}/raw_middleware.py").get("/").headers


@exercises(f"{MH}/lifespan.py")
def test_mh_lifespan(protocol: str) -> None:
    module = load(f"{MH}/lifespan.py")
    with module.app.test_client(protocol) as client:
        assert client.get("/rates/USD").json() == {"code": "USD", "rate": 1.08}
    if protocol == "asgi":  # the lifespan shutdown event ran when the client closed
        assert "rates" not in module.app.extensions
    else:  # WSGI has no lifespan: shutdown functions run when the process exits
        assert module.app.extensions["rates"]["USD"] == 1.08


# -- blueprints -------------------------------------------------------------------------


@exercises("blueprints/basic.py")
def test_blueprints_basic(client_for: Callable[..., TestClient]) -> None:
    client = client_for("blueprints/basic.py")
    assert client.get("/").json() == {"catalogue": "/books/"}
    assert client.get("/books/").json() == {"books": ["Emma", "Middlemarch"], "first": "/books/1"}
    assert client.get("/books/3").json() == {"id": 3, "all": "/books/", "home": "/"}


@exercises("blueprints/nesting.py")
def test_blueprints_nesting(client_for: Callable[..., TestClient]) -> None:
    client = client_for("blueprints/nesting.py")
    assert client.get("/api/v1/users/7").json() == {
        "endpoint": "api.v1.users.show",
        "url": "/api/v1/users/7",
    }
    assert client.get("/fr/welcome").text == "Bienvenue"
    assert client.get("/en/welcome").text == "Welcome"
    assert client.get("/de/welcome").status_code == 404
    assert client.get("/site/about").json() == {"endpoint": "pages.about"}
    assert client.get("/legacy/about").json() == {"endpoint": "legacy_pages.about"}
    rules = {(rule.rule, rule.endpoint) for rule in client.app.iter_rules()}
    assert rules == {
        ("/api/v1/users/<int:user_id>", "api.v1.users.show"),
        ("/<any(en, fr):lang>/welcome", "localized.welcome"),
        ("/site/about", "pages.about"),
        ("/legacy/about", "legacy_pages.about"),
    }


@exercises("blueprints/hooks_errors.py")
def test_blueprints_hooks_errors(client_for: Callable[..., TestClient]) -> None:
    client = client_for("blueprints/hooks_errors.py")
    staff = {"X-Role": "staff"}
    home = client.get("/")
    assert (home.status_code, home.text) == (200, "home")  # the admin hook does not apply
    refused = client.get("/admin/stats")
    assert (refused.status_code, refused.json()) == (403, {"detail": "Staff only."})
    assert client.get("/admin/stats", headers=staff).json() == {"users": 42}
    missing_user = client.get("/admin/users/1", headers=staff)
    assert (missing_user.status_code, missing_user.text) == (404, "Nothing here.")  # the app's
    unmatched = client.get("/admin/nope")  # no route: no blueprint, so no staff check
    assert (unmatched.status_code, unmatched.text) == (404, "Nothing here.")
    ids = {
        client.get(path, headers=staff).headers["x-request-id"]
        for path in ["/", "/admin/stats", "/admin/nope", "/nope"]
    }
    assert len(ids) == 4
    assert all(len(request_id) == 32 for request_id in ids)


@exercises("blueprints/resources.py")
def test_blueprints_resources(client_for: Callable[..., TestClient]) -> None:
    client = client_for("blueprints/resources.py")
    page = client.get("/admin/")
    assert '<link rel="stylesheet" href="/admin/static/admin.css">' in page.text
    assert "<h1>42 users</h1>" in page.text
    css = client.get("/admin/static/admin.css")
    assert (css.status_code, css.headers["content-type"]) == (200, "text/css; charset=utf-8")
    assert css.text == (EXAMPLES / "blueprints" / "admin_static" / "admin.css").read_text()
    assert client.get("/admin/static/../resources.py").status_code == 404
    assert client.get("/admin/static/%2e%2e/resources.py").status_code == 404


# -- templates --------------------------------------------------------------------------


@exercises("templates/inheritance.py")
def test_templates_inheritance(client_for: Callable[..., TestClient]) -> None:
    client = client_for("templates/inheritance.py")
    home = client.get("/").text
    assert "<title>Bookshop</title>" in home
    assert "<main><h1>Welcome</h1></main>" in home
    assert 'href="/books">Books</a>' in home
    books = client.get("/books").text
    assert "<title>Books · Bookshop</title>" in books  # {{ super() }}
    assert '<a href="/books" aria-current="page">Books</a>' in books
    assert "<li>Emma (1815)</li>" in books
    assert "<li>Middlemarch (1871)</li>" in books


@exercises("templates/page_layout.py")
def test_templates_page_layout(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("templates/page_layout.py")
    page = client.get("/books/new").text
    assert '<link rel="stylesheet" href="/_cupola/bootstrap/css/bootstrap.min.css">' in page
    assert '<span class="navbar-brand">Bookshop</span>' in page
    assert '<label class="form-label" for="title">Title</label>' in page
    assert '<button type="submit" class="btn btn-primary">Add the book</button>' in page
    token = form_token(page)
    invalid = client.post("/books/new", data={"csrf_token": token, "year": "soon"}).text
    assert 'class="form-control is-invalid" id="title"' in invalid
    assert "Not a valid integer value." in invalid
    added = client.post("/books/new", data={"csrf_token": token, "title": "Emma"})
    assert added.status_code == 302
    shown = client.get("/books/new").text
    assert '<div class="alert alert-success" role="status">“Emma” was added.</div>' in shown


@exercises("templates/template_response.py")
def test_templates_template_response(client_for: Callable[..., TestClient]) -> None:
    client = client_for("templates/template_response.py")
    report = client.get("/report")
    assert report.text.strip() == '<body class="light"><h1>Report</h1><p>3 orders</p></body>'
    assert report.headers["cache-control"] == "no-store"
    assert 'class="dark"' in client.get("/report", cookies={"theme": "dark"}).text
    printed = client.get("/report?print")
    assert "<h1>Report (print)</h1>" in printed.text


@exercises("templates/helpers.py")
def test_templates_helpers(client_for: Callable[..., TestClient]) -> None:
    client = client_for("templates/helpers.py")
    text = client.get("/summary").text
    assert "<h1>Cupola Books</h1>" in text
    assert "<p>J.A.: 2 books, $1,649.00</p>" in text


@exercises("templates/autoescape.py")
def test_templates_autoescape(client_for: Callable[..., TestClient]) -> None:
    client = client_for("templates/autoescape.py")
    text = client.get("/comment", query={"text": "<script>alert(1)</script>"}).text
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>" in text
    assert "<p><em>The editors</em></p>" in text


# -- testing ----------------------------------------------------------------------------
# The testing page's examples are test modules: run them with pytest, as a reader would,
# and also drive their apps under both protocols.

TESTING_EXAMPLES = sorted((EXAMPLES / "testing").glob("*.py"))
RESULT_LINE = re.compile(
    r"^docs/examples/testing/(?P<file>\w+\.py)::(?P<test>\S+) (?P<outcome>[A-Z]+)", re.M
)


@pytest.fixture(scope="module")
def testing_outcomes() -> dict[str, dict[str, str]]:
    """Each testing example's tests and their outcomes, from one pytest run over them."""
    paths = [str(path.relative_to(ROOT)) for path in TESTING_EXAMPLES]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    outcomes: dict[str, dict[str, str]] = {}
    for match in RESULT_LINE.finditer(run.stdout):
        outcomes.setdefault(match["file"], {})[match["test"]] = match["outcome"]
    assert run.returncode == 0, run.stdout + run.stderr
    return outcomes


def assert_all_passed(outcomes: dict[str, dict[str, str]], name: str, expected: set[str]) -> None:
    assert outcomes.get(name, {}) == dict.fromkeys(expected, "PASSED")


@exercises("testing/client_basics.py")
def test_testing_client_basics(
    testing_outcomes: dict[str, dict[str, str]], client_for: Callable[..., TestClient]
) -> None:
    assert_all_passed(
        testing_outcomes,
        "client_basics.py",
        {
            "test_query_string",
            "test_wrong_password",
            "test_login_sets_a_cookie_and_redirects",
            "test_follow_redirects",
        },
    )
    client = client_for("testing/client_basics.py")
    done = client.post("/login", data={"user": "ada", "password": "hunter2"}, follow_redirects=True)
    assert done.json() == {"user": "ada"}


@exercises("testing/both_protocols.py")
def test_testing_both_protocols(
    testing_outcomes: dict[str, dict[str, str]], client_for: Callable[..., TestClient]
) -> None:
    assert_all_passed(
        testing_outcomes,
        "both_protocols.py",
        {
            f"{test}[{p}]"
            for test in ("test_async_view", "test_sync_view")
            for p in ("wsgi", "asgi")
        },
    )
    assert client_for("testing/both_protocols.py").post("/sum", json=[2, 2]).json() == {"sum": 4}


@exercises("testing/plugin_fixtures.py")
def test_testing_plugin_fixtures(
    testing_outcomes: dict[str, dict[str, str]], client_for: Callable[..., TestClient]
) -> None:
    assert_all_passed(testing_outcomes, "plugin_fixtures.py", {"test_index"})
    assert client_for("testing/plugin_fixtures.py").get("/").json() == {"greeting": "Hello"}


@exercises("testing/contexts.py")
def test_testing_contexts(
    testing_outcomes: dict[str, dict[str, str]], client_for: Callable[..., TestClient]
) -> None:
    assert_all_passed(
        testing_outcomes,
        "contexts.py",
        {
            "test_client_address_prefers_the_header",
            "test_client_address_falls_back_to_the_peer",
            "test_url_for_outside_a_view",
        },
    )
    client = client_for("testing/contexts.py")
    assert client.get("/items/3").json() == {"id": 3, "client": "127.0.0.1"}
    forwarded = client.get("/items/3", headers={"X-Real-IP": "203.0.113.9"})
    assert forwarded.json()["client"] == "203.0.113.9"


@exercises("testing/exceptions.py")
def test_testing_exceptions(
    testing_outcomes: dict[str, dict[str, str]], client_for: Callable[..., TestClient]
) -> None:
    assert_all_passed(
        testing_outcomes,
        "exceptions.py",
        {"test_errors_fail_the_test", "test_the_user_sees_a_500"},
    )
    client = client_for("testing/exceptions.py")
    assert client.get("/ratio/3/4").json() == {"ratio": 0.75}
    with pytest.raises(ZeroDivisionError):
        client.get("/ratio/3/0")


# -- configuration ----------------------------------------------------------------------


@exercises("configuration/loading.py")
def test_configuration_loading(protocol: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOOKS_DEBUG", "true")
    monkeypatch.setenv("BOOKS_MAIL__PORT", "2525")
    monkeypatch.setenv("BOOKS_ITEMS_PER_PAGE", "not json, kept as a string")
    module = load("configuration/loading.py")
    config = module.app.config
    assert "helper_value" not in config
    assert module.app.debug is True
    assert config["MAIL"] == {"HOST": "smtp.example.com", "PORT": 2525}
    with module.app.test_client(protocol) as client:
        assert client.get("/settings").json() == {
            "debug": True,
            "items_per_page": "not json, kept as a string",
            "mail": {"HOST": "smtp.example.com", "PORT": 2525},
            "server_name": "books.example.com",
        }


def test_configuration_loading_without_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in [name for name in os.environ if name.startswith("BOOKS_")]:
        monkeypatch.delenv(name)
    config = load("configuration/loading.py").app.config
    assert (config["DEBUG"], config["ITEMS_PER_PAGE"]) == (False, 50)
    assert config["MAIL"] == {"HOST": "smtp.example.com", "PORT": 587}


@exercises("configuration/limits.py")
def test_configuration_limits(client_for: Callable[..., TestClient]) -> None:
    client = client_for("configuration/limits.py")
    megabyte = 1024 * 1024
    assert client.post("/notes", content=b"x" * megabyte).json() == {"bytes": megabyte}
    assert client.post("/notes", content=b"x" * (megabyte + 1)).status_code == 413
    fields = {f"q{n}": "yes" for n in range(20)}
    assert client.post("/survey", data=fields).json() == {"answers": 20, "files": 0}
    assert client.post("/survey", data={**fields, "q20": "no"}).status_code == 413
    files = {f"f{n}": (f"{n}.txt", b"x", "text/plain") for n in range(3)}
    assert client.post("/survey", files=dict(list(files.items())[:2])).json()["files"] == 2
    assert client.post("/survey", files=files).status_code == 413


def test_configuration_documents_every_default() -> None:
    from cupola.config import DEFAULTS

    rows = {
        match["key"]: match["default"]
        for match in re.finditer(
            r"^\| `(?P<key>[A-Z_]+)` \| `(?P<default>[^`]+)` \|",
            (DOCS / "configuration.md").read_text(),
            re.M,
        )
    }
    assert set(rows) == set(DEFAULTS)
    for key, default in rows.items():
        assert eval(default, {"__builtins__": {}}) == DEFAULTS[key], key


# -- lifecycle --------------------------------------------------------------------------

REQUEST_IN = ["Outer.process_request", "Inner.process_request"]
VIEW_IN = ["Outer.process_view", "Inner.process_view", "before_request"]
RESPONSE_OUT = ["after_request", "Inner.process_response", "Outer.process_response"]
EXCEPTION = ["Inner.process_exception", "Outer.process_exception"]
TRACES = {
    "/": (200, "ok", [*REQUEST_IN, *VIEW_IN, "view", *RESPONSE_OUT, "teardown_request(None)"]),
    "/?template": (
        200,
        "Hello from a template",
        [
            *REQUEST_IN,
            *VIEW_IN,
            "view",
            "Inner.process_template_response",
            "Outer.process_template_response",
            *RESPONSE_OUT,
            "teardown_request(None)",
        ],
    ),
    "/?stop=Inner": (
        200,
        "stopped by Inner",
        [*REQUEST_IN, "Inner.process_response", "Outer.process_response", "teardown_request(None)"],
    ),
    "/?stop=Outer": (
        200,
        "stopped by Outer",
        ["Outer.process_request", "Outer.process_response", "teardown_request(None)"],
    ),
    "/?skip": (
        200,
        "skipped by before_request",
        [*REQUEST_IN, *VIEW_IN, *RESPONSE_OUT, "teardown_request(None)"],
    ),
    "/?fail": (
        400,
        "bad value",
        [
            *REQUEST_IN,
            *VIEW_IN,
            "view",
            *EXCEPTION,
            "errorhandler(ValueError)",
            *RESPONSE_OUT,
            "teardown_request(None)",
        ],
    ),
    "/?crash": (
        500,
        "Internal Server Error",
        [
            *REQUEST_IN,
            *VIEW_IN,
            "view",
            *EXCEPTION,
            *RESPONSE_OUT,
            "teardown_request(RuntimeError)",
        ],
    ),
    "/missing": (
        404,
        "Not Found",
        [*REQUEST_IN, "before_request", *RESPONSE_OUT, "teardown_request(None)"],
    ),
}


@exercises("lifecycle/trace.py")
def test_lifecycle_trace(client_for: Callable[..., TestClient]) -> None:
    client = client_for("lifecycle/trace.py")
    module = sys.modules[client.app.import_name]
    for path, (status, text, calls) in TRACES.items():
        module.calls.clear()
        response = client.get(path)
        assert (response.status_code, module.calls) == (status, calls), path
        assert text in response.text, path
    module.calls.clear()
    assert client.post("/").status_code == 405
    assert module.calls == TRACES["/missing"][2]


@exercises("lifecycle/threads.py")
def test_lifecycle_threads(protocol: str) -> None:
    import threading

    module = load("lifecycle/threads.py")
    with module.app.test_client(protocol) as client:
        sync = client.get("/sync").json()
        first, second = client.get("/async").json(), client.get("/async").json()
    assert sync["hook"] == sync["view"]  # hooks and view: one thread, one hop
    assert sync["view"]["loop"] is None  # a sync route never runs on an event loop
    assert first["hook"] == first["view"]
    assert first["view"]["loop"] is not None  # an async route runs on one
    assert first["view"]["loop"] == second["view"]["loop"]  # the same loop every time
    if protocol == "asgi":
        assert sync["view"]["thread"].startswith("cupola")  # the ASGI_THREADS pool
        assert first["view"]["thread"] != sync["view"]["thread"]  # the server's loop thread
    else:
        caller = threading.current_thread().name  # the WSGI server's thread: here, the test's
        assert sync["view"]["thread"] == first["view"]["thread"] == caller


# -- design -----------------------------------------------------------------------------


@exercises("design/one_app.py")
def test_design_one_app(client_for: Callable[..., TestClient]) -> None:
    client = client_for("design/one_app.py")
    module = sys.modules[client.app.import_name]
    assert module.wsgi_application is client.app
    assert module.asgi_application is client.app.asgi
    assert client.get("/items/3?q=x").json() == {"id": 3, "q": "x"}
    created = client.post("/items", json={"name": "lamp"})
    assert (created.status_code, created.json()) == (201, {"created": "lamp"})


# -- sessions ---------------------------------------------------------------------------

REDIS_URL = os.environ.get("CUPOLA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CSRF_FIELD = re.compile(r'name="csrf_token" value="(?P<token>[^"]+)"')


def token_in(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = CSRF_FIELD.search(html)
    assert match is not None, "no CSRF token on the page"
    return match["token"]


@exercises("sessions/recent.py")
def test_sessions_recent(client_for: Callable[..., TestClient]) -> None:
    from cupola.exceptions import ImproperlyConfigured

    client = client_for("sessions/recent.py")
    first = client.get("/books/1")
    assert first.json() == {"title": "Emma"}
    cookie = first.headers["set-cookie"]
    assert cookie.startswith("session=")
    assert cookie.endswith("; Path=/; SameSite=Lax; HttpOnly")  # no Max-Age: not permanent
    assert (first.headers["vary"], first.headers["cache-control"]) == ("Cookie", "private")
    for book_id in (2, 1, 3, 4):
        client.get(f"/books/{book_id}")
    listed = client.get("/recent")
    assert listed.json() == {"recent": ["Villette", "Persuasion", "Emma"]}
    assert "set-cookie" not in listed.headers  # read, not changed: no cookie
    assert listed.headers["vary"] == "Cookie"
    assert client.get("/books/9").status_code == 404

    value = client.cookies["session"]
    forged = ("A" if value[0] != "A" else "B") + value[1:]
    for bad in (forged, value[:20], "garbage", ""):
        client.cookies.clear()
        assert client.get("/recent", cookies={"session": bad}).json() == {"recent": []}

    client.cookies.clear()
    client.cookies.set("session", value)
    app = client.app
    app.config.update(SECRET_KEY="a-new-key", SECRET_KEY_FALLBACKS=["dev-only-secret"])
    assert len(client.get("/recent").json()["recent"]) == 3  # rotated: still signed in
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert client.get("/recent").json() == {"recent": []}  # the old key is gone

    app.config.update(SECRET_KEY=None, TESTING=True)
    with pytest.raises(ImproperlyConfigured, match="Sessions need a SECRET_KEY"):
        client.get("/recent")


@exercises("sessions/login.py")
def test_sessions_login(client_for: Callable[..., TestClient]) -> None:
    client = client_for("sessions/login.py", enforce_csrf_checks=True)
    assert '<a href="/login">Sign in</a>' in client.get("/").text
    page = client.get("/login")
    before_login = token_in(page.text)
    account = {"username": "ada", "password": "correct horse battery staple"}

    refused = client.post("/login", data=account)
    assert refused.status_code == 403
    assert "CSRF check failed: CSRF token missing" in refused.text

    wrong = client.post("/login", data={**account, "password": "guess", "csrf_token": before_login})
    assert wrong.status_code == 200
    assert '<p class="flash error">Wrong user name or password.</p>' in wrong.text

    anonymous = client.cookies["session"]
    done = client.post("/login", data={**account, "remember": "on", "csrf_token": before_login})
    assert (done.status_code, done.headers["location"]) == (302, "/")
    assert "Max-Age=2678400" in done.headers["set-cookie"]  # permanent: 31 days
    assert client.cookies["session"] != anonymous

    stale = client.post("/logout", data={"csrf_token": before_login})
    assert stale.status_code == 403
    assert "CSRF check failed: CSRF token incorrect" in stale.text

    home = client.get("/")
    assert '<p class="flash message">Welcome back, ada.</p>' in home.text
    assert "Signed in as ada." in home.text
    again = client.get("/")
    assert "Welcome back" not in again.text  # shown once
    assert "Max-Age=2678400" in again.headers["set-cookie"]  # refreshed on each request

    out = client.post("/logout", data={"csrf_token": token_in(again.text)})
    assert (out.status_code, out.headers["location"]) == (302, "/")
    home = client.get("/")
    assert '<p class="flash message">You are signed out.</p>' in home.text
    assert "Sign in</a>" in home.text


@exercises("sessions/server_side.py")
@pytest.mark.parametrize("store", ["memory", "redis"])
def test_sessions_server_side(
    store: str, protocol: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "memory://" if store == "memory" else request.getfixturevalue("redis_url")
    monkeypatch.setenv("SESSION_BACKEND", url)
    prefix = f"cupola-test:{uuid.uuid4().hex}:session:"  # this test's own keys
    module = load("sessions/server_side.py")
    module.app.config["SESSION_KEY_PREFIX"] = prefix
    try:
        _exercise_server_side_sessions(module, protocol, store, url, prefix)
    finally:
        if store == "redis":
            import redis

            with redis.Redis.from_url(url) as server:
                keys = list(server.scan_iter(match=prefix + "*"))
                if keys:
                    server.delete(*keys)


def _exercise_server_side_sessions(
    module: Any, protocol: str, store: str, url: str, prefix: str
) -> None:
    from cupola.sessions import SessionTooLarge

    with module.app.test_client(protocol) as client:
        token = client.get("/drafts").json()["csrf_token"]
        headers = {"X-CSRFToken": token}
        for n in range(10):
            added = client.post("/drafts", json={"text": f"{n}" * 1000}, headers=headers)
        assert (added.status_code, added.json()) == (201, {"count": 10})
        stolen = client.cookies["session"]
        assert len(stolen) < 100

        # Another process: with Redis it shares the sessions, with memory it has its own.
        other_app = load("sessions/server_side.py").app
        other_app.config["SESSION_KEY_PREFIX"] = prefix
        with other_app.test_client(protocol) as other:
            seen = other.get("/drafts", cookies={"session": stolen}).json()["drafts"]
            assert len(seen) == (10 if store == "redis" else 0)

        assert client.post("/logout", headers=headers).json() == {"signed_out": True}
        if store == "redis":
            import redis

            with redis.Redis.from_url(url) as server:
                assert server.get(prefix + stolen.rpartition(".")[0]) is None
        client.cookies.set("session", stolen)
        replayed = client.get("/drafts")
        assert replayed.json()["drafts"] == []
        client.post("/logout", headers={"X-CSRFToken": replayed.json()["csrf_token"]})

    module.app.config.update(SESSION_BACKEND="cookie", TESTING=True)
    with module.app.test_client(protocol) as client:
        headers = {"X-CSRFToken": client.get("/drafts").json()["csrf_token"]}
        with pytest.raises(SessionTooLarge, match="SESSION_BACKEND"):
            for _ in range(10):
                client.post("/drafts", json={"text": os.urandom(500).hex()}, headers=headers)


# -- CSRF -------------------------------------------------------------------------------


def csrf_reason(response: Any) -> str:
    """The reason a CSRF failure gives on the standard 403 page."""
    assert response.status_code == 403, response.text
    match = re.search(r"<p>CSRF check failed: (?P<reason>[^<]+)</p>", response.text)
    assert match is not None, response.text
    return match["reason"]


@exercises("csrf/comments.py")
def test_csrf_comments(client_for: Callable[..., TestClient]) -> None:
    client = client_for("csrf/comments.py", enforce_csrf_checks=True)
    page = client.get("/comments").text
    token = token_in(page)
    assert f'<input type="hidden" name="csrf_token" value="{token}">' in page
    assert token_in(client.get("/comments").text) != token  # masked afresh per render

    posted = client.post("/comments", data={"text": "First!", "csrf_token": token})
    assert (posted.status_code, posted.headers["location"]) == (303, "/comments")
    assert "<li>First!</li>" in client.get("/comments").text

    assert csrf_reason(client.post("/comments", data={"text": "x"})) == "CSRF token missing"
    altered = token[:-1] + ("B" if token.endswith("A") else "A")  # never the same token
    wrong = {"text": "x", "csrf_token": altered}
    assert csrf_reason(client.post("/comments", data=wrong)) == "CSRF token incorrect"
    valid = {"text": "x", "csrf_token": token}
    for headers in (
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://localhost"},  # another scheme: another origin
    ):
        refused = client.post("/comments", data=valid, headers=headers)
        assert csrf_reason(refused) == "cross-origin request", headers
    same = client.post("/comments", data=valid, headers={"Origin": "http://localhost"})
    assert same.status_code == 303

    # A browser without the cookie (a forged login, say) is refused by the origin check;
    # a script that sends neither cookie nor Origin needs no token.
    client.cookies.clear()
    forged = client.post(
        "/comments", data={"text": "x"}, headers={"Origin": "https://evil.example"}
    )
    assert csrf_reason(forged) == "cross-origin request"
    assert client.post("/comments", data={"text": "from a script"}).status_code == 303
    other = client_for("csrf/comments.py", enforce_csrf_checks=True)
    other_token = token_in(other.get("/comments").text)
    client.get("/comments")
    stolen = {"text": "x", "csrf_token": other_token}  # another visitor's token
    assert csrf_reason(client.post("/comments", data=stolen)) == "CSRF token incorrect"


@exercises("csrf/javascript.py")
def test_csrf_javascript(protocol: str) -> None:
    module = load("csrf/javascript.py")
    with module.app.test_client(
        protocol, base_url="https://localhost", enforce_csrf_checks=True
    ) as client:
        page = client.get("/").text
        token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page)[1]  # type: ignore[index]
        same_page = {"Referer": "https://localhost/"}
        assert client.post("/likes", headers={"X-CSRFToken": token, **same_page}).json() == {
            "likes": 1
        }
        fetch = {"X-CSRFToken": token, "Origin": "https://localhost"}  # fetch sends Origin
        assert client.post("/likes", headers=fetch).json() == {"likes": 2}
        assert csrf_reason(client.post("/likes", headers=same_page)) == "CSRF token missing"
        # Over HTTPS, a request without Origin must come from an HTTPS page of this site.
        assert csrf_reason(client.post("/likes", headers={"X-CSRFToken": token})) == (
            "Referer missing"
        )
        for referer in ("http://localhost/", "https://evil.example/"):
            headers = {"X-CSRFToken": token, "Referer": referer}
            assert csrf_reason(client.post("/likes", headers=headers)) == "Referer not trusted"


@exercises("csrf/exempt.py")
def test_csrf_exempt(client_for: Callable[..., TestClient]) -> None:
    import hashlib
    import hmac

    client = client_for("csrf/exempt.py")
    client.cookies.set("session", "a browser that also uses the site's pages")
    cross_site = {"Origin": "https://elsewhere.example", "Sec-Fetch-Site": "cross-site"}
    auth = {"Authorization": "Bearer tok-ada"}
    note = client.post("/api/notes", json={"text": "hi"}, headers={**auth, **cross_site})
    assert (note.status_code, note.json()) == (201, {"author": "ada", "text": "hi"})
    assert client.post("/api/notes", json={"text": "hi"}).status_code == 401

    body = b'{"paid": 1200}'
    signature = hmac.new(b"whsec-from-the-payment-provider", body, hashlib.sha256).hexdigest()
    hook = client.post("/hooks/payments", content=body, headers={"X-Signature": signature})
    assert hook.json() == {"received": True}
    unsigned = client.post("/hooks/payments", content=body, headers={"X-Signature": "forged"})
    assert unsigned.status_code == 403


@exercises("csrf/failures.py")
def test_csrf_failures(client_for: Callable[..., TestClient]) -> None:
    client = client_for("csrf/failures.py", enforce_csrf_checks=True)
    form = {"email": "ada@example.com"}
    for origin in ("https://shop.example.com", "https://example.com"):
        accepted = client.post("/newsletter", data=form, headers={"Origin": origin})
        assert accepted.json() == {"subscribed": "ada@example.com"}, origin
    for origin in ("https://evil.example", "http://shop.example.com", "https://example.com.evil"):
        refused = client.post("/newsletter", data=form, headers={"Origin": origin})
        assert refused.status_code == 403, origin
        assert refused.json() == {"error": "csrf", "reason": "cross-origin request"}
    client.cookies.set("session", "anything")
    missing = client.post("/newsletter", data=form)
    assert missing.json() == {"error": "csrf", "reason": "CSRF token missing"}


# -- forms ------------------------------------------------------------------------------

FORM_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="(?P<token>[^"]+)"')


def form_token(html: str) -> str:
    """The token ``{{ form.csrf_token }}`` rendered on a page."""
    match = FORM_TOKEN.search(html)
    assert match is not None, "no CSRF field on the page"
    return match["token"]


def errors_on(html: str) -> list[str]:
    return re.findall(r'<div class="invalid-feedback"[^>]*><div>(.*?)</div>', html)


@exercises("forms/signup.py")
def test_forms_signup(client_for: Callable[..., TestClient]) -> None:
    client = client_for("forms/signup.py", enforce_csrf_checks=True)
    page = client.get("/signup").text
    token = form_token(page)
    assert '<input id="csrf_token" name="csrf_token" type="hidden"' in page
    assert '<label class="form-label" for="username">User name</label>' in page
    assert '<div class="form-text" id="password-help">At least 12 characters.</div>' in page
    assert (
        '<input class="btn btn-primary" id="submit" name="submit" type="submit" value="Sign up">'
    ) in page

    wrong = {"username": "Ada", "email": "ada@example.com", "password": "short"}
    shown = client.post("/signup", data={**wrong, "confirm": "other", "csrf_token": token})
    assert shown.status_code == 200
    documented = re.search(r"for a taken name:\n\n```html\n(.*?)\n```", DOC_FORMS, re.S)
    assert documented is not None and documented[1] in shown.text
    assert errors_on(shown.text) == [
        "That name is taken.",
        "Field must be at least 12 characters long.",
        "The passwords differ.",
        "This field is required.",
    ]
    assert 'value="short"' not in shown.text  # passwords are not sent back

    refused = client.post("/signup", data=wrong)  # the browser has the cookie, no token
    assert csrf_reason(refused) == "CSRF token missing"

    good = {"username": "grace", "email": "grace@example.com", "password": "x" * 12}
    done = client.post(
        "/signup", data={**good, "confirm": "x" * 12, "terms": "y", "csrf_token": token}
    )
    assert (done.status_code, done.headers["location"]) == (302, "/welcome")
    assert client.get("/welcome").text.strip() == "<p>Welcome, grace!</p>"
    assert client.get("/welcome").text.strip() == ""

    client.cookies.clear()  # no session cookie: the middleware lets it by, the form does not
    tokenless = client.post(
        "/signup", data={**good, "username": "hopper", "confirm": "x" * 12, "terms": "y"}
    )
    assert tokenless.status_code == 200
    assert 'id="username"' in tokenless.text and errors_on(tokenless.text) == []


DOC_FORMS = (DOCS / "forms.md").read_text()


@exercises("forms/avatar.py")
def test_forms_avatar(client_for: Callable[..., TestClient], tmp_path: Path) -> None:
    client = client_for("forms/avatar.py")
    client.app.config["UPLOAD_FOLDER"] = str(tmp_path)
    page = client.get("/avatar").text
    assert '<form method="post" enctype="multipart/form-data">' in page
    assert (
        'accept="image/png, image/jpeg" class="form-control" id="image" name="image" required '
        'type="file"'
    ) in page
    token = {"csrf_token": form_token(page)}

    def upload(name: str, content: bytes) -> Any:
        return client.post("/avatar", data=token, files={"image": (name, content, "image/png")})

    saved = upload("../../me.png", b"\x89PNG\r\n")
    assert (saved.status_code, saved.headers["location"]) == (303, "/avatar")
    (stored,) = tmp_path.iterdir()
    assert re.fullmatch(r"[0-9a-f]{16}-me\.png", stored.name)
    assert stored.read_bytes() == b"\x89PNG\r\n"
    assert errors_on(upload("me.exe", b"MZ").text) == ["File type not allowed: use jpeg, jpg, png."]
    too_big = upload("me.png", b"x" * (1024 * 1024 + 1))
    assert errors_on(too_big.text) == ["File size must be between 0 and 1048576 bytes."]
    assert errors_on(upload("", b"").text) == ["This field is required."]
    not_multipart = client.post("/avatar", data={**token, "image": "me.png"})
    assert errors_on(not_multipart.text) == ["This field is required."]
    assert len(list(tmp_path.iterdir())) == 1


@exercises("forms/api.py")
def test_forms_api(client_for: Callable[..., TestClient]) -> None:
    client = client_for("forms/api.py")
    created = client.post("/api/books", json={"title": "Emma", "year": 1815})
    assert (created.status_code, created.json()) == (201, {"id": 1, "title": "Emma", "year": 1815})
    invalid = client.post("/api/books", json={"title": ""})
    assert (invalid.status_code, invalid.json()) == (
        422,
        {"errors": {"title": ["This field is required."]}},
    )
    extra = client.post("/api/books", json={"title": "Persuasion", "id": 99, "admin": True})
    assert extra.json() == {"id": 2, "title": "Persuasion", "year": None}
    not_an_object = client.post("/api/books", json=["Emma"])
    assert not_an_object.status_code == 400
    assert "A form&#x27;s JSON body must be an object." in not_an_object.text
    assert client.post("/api/books", json={"title": "Emma", "year": 1200}).status_code == 422
    form = client.post("/api/books", data={"title": "Villette", "year": "1853"})
    assert form.json() == {"id": 3, "title": "Villette", "year": 1853}
    assert "set-cookie" not in form.headers  # no CSRF field: no session started


# -- security ---------------------------------------------------------------------------

DOC_SECURITY = (DOCS / "security.md").read_text()


@exercises("security/headers.py")
def test_security_headers(protocol: str) -> None:
    module = load("security/headers.py")
    documented = re.search(r"carries:\n\n```http\n(.*?)\n```", DOC_SECURITY, re.S)
    assert documented is not None
    expected = dict(line.split(": ", 1) for line in documented[1].splitlines())
    with module.app.test_client(protocol, base_url="http://books.example.com") as client:
        for path in ("/", "/missing"):  # error pages too
            response = client.get(path)
            for name, value in expected.items():
                assert response.headers[name] == value, (path, name)
            assert "strict-transport-security" not in response.headers  # plain HTTP
        widget = client.get("/basket-widget")
        assert widget.headers.get_list("x-frame-options") == ["SAMEORIGIN"]
        for host in ("books.example.com:8443", "books.example.org", "shop.books.example.org"):
            assert client.get("/", headers={"Host": host}).status_code == 200, host
        for host in ("evil.example", "example.com", "books.example.com.evil.example"):
            refused = client.get("/", headers={"Host": host})
            assert refused.status_code == 400, host
            assert f"The host &#x27;{host}&#x27; is not served here." in refused.text
    with module.app.test_client(protocol, base_url="https://books.example.com") as client:
        assert client.get("/").headers["strict-transport-security"] == "max-age=3600"


@exercises("security/proxy.py")
def test_security_proxy(client_for: Callable[..., TestClient]) -> None:
    client = client_for("security/proxy.py")  # the test client's peer is 127.0.0.1
    documented = re.search(r"the view answers:\n\n```json\n(.*?)\n```", DOC_SECURITY, re.S)
    assert documented is not None
    forwarded = {
        "Host": "127.0.0.1:8000",
        "X-Forwarded-For": "203.0.113.7",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "books.example.com",
    }
    answer = client.get("/whoami", headers=forwarded)
    assert answer.json() == json.loads(documented[1])
    spoofed = {**forwarded, "X-Forwarded-For": "198.51.100.1, 203.0.113.7, 127.0.0.1"}
    assert client.get("/whoami", headers=spoofed).json()["client"] == "203.0.113.7"
    plain = client.get("/whoami", headers={**forwarded, "X-Forwarded-Proto": "http"})
    assert (plain.status_code, plain.headers["location"]) == (
        301,
        "https://books.example.com/whoami",
    )
    assert client.get("/whoami", headers={"Host": "127.0.0.1:8000"}).status_code == 400

    client.app.config["TRUSTED_PROXIES"] = []  # the same headers from an untrusted peer
    ignored = client.get("/whoami", headers={**forwarded, "Host": "books.example.com"})
    assert (ignored.status_code, ignored.headers["location"]) == (
        301,
        "https://books.example.com/whoami",
    )


@exercises("security/redirects.py")
def test_security_redirects(client_for: Callable[..., TestClient]) -> None:
    from cupola.security import is_safe_redirect

    client = client_for("security/redirects.py")
    safe = ["/books?page=2", "books", "#top", "http://localhost/books", "https://localhost/x"]
    unsafe = [
        "//evil.example/",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/ok\r\nSet-Cookie: x=1",
        "/ok\tx",
        " /books",
        "http:evil.example",
        "http:///evil.example",
        "https://user@localhost/",
        "javascript:alert(1)",
        "data:text/html,hi",
        "https://evil.example/",
        "",
    ]
    for target in safe + unsafe:
        response = client.post("/language", data={"language": "fr", "next": target})
        expected = target if target in safe else "/"
        assert (response.status_code, response.headers["location"]) == (303, expected), target
    assert client.get("/").json() == {"language": "fr"}
    kept = client.post("/language", data={"language": "xx", "next": "/"})
    assert "set-cookie" not in kept.headers
    assert client.get("/").json() == {"language": "fr"}
    forged = client.post(
        "/language", data={"language": "de"}, headers={"Origin": "https://evil.example"}
    )
    assert forged.status_code == 403  # a cross-site form: refused before the view

    assert is_safe_redirect("https://shop.example.com/", allowed_hosts=[".example.com"])
    assert not is_safe_redirect("https://shop.example.com/", allowed_hosts=["*"])
    assert not is_safe_redirect(None)  # type: ignore[arg-type]  # never raises

    from cupola import Cupola, redirect, request

    unchecked = Cupola(__name__)  # redirect() itself refuses a line break

    @unchecked.get("/go")
    def go() -> Any:
        return redirect(request.args["to"])

    with unchecked.test_client(client.protocol) as other:  # type: ignore[arg-type]
        refused = other.get("/go", query={"to": "/a\r\nSet-Cookie: x=1"})
        assert refused.status_code == 400
        assert "Header &#x27;Location&#x27; has a value with a forbidden character." in refused.text
        assert "set-cookie" not in refused.headers


# -- static files -----------------------------------------------------------------------

DOC_STATIC = (DOCS / "static-files.md").read_text()


@exercises("static-files/assets.py")
def test_static_files_assets(protocol: str, tmp_path: Path) -> None:
    import gzip
    import shutil

    from cupola.static import static_version

    module = load("static-files/assets.py")
    folder = EXAMPLES / "static-files" / "static"
    with module.app.test_client(protocol) as client:
        page = client.get("/").text
        css = f"/static/site.css?v={static_version(str(folder), 'site.css')}"
        logo = f"/static/img/logo.svg?v={static_version(str(folder), 'img/logo.svg')}"
        assert f'href="{css}"' in page and f'src="{logo}"' in page
        assert f"The page links `{css}` and `{logo}`." in DOC_STATIC

        hashed = client.get(css)
        assert hashed.text == (folder / "site.css").read_text()
        assert hashed.headers["content-type"] == "text/css; charset=utf-8"
        assert hashed.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert hashed.headers["x-content-type-options"] == "nosniff"
        for plain in ("/static/site.css", "/static/site.css?v=0123456789ab"):
            assert client.get(plain).headers["cache-control"] == "no-cache", plain
        head = client.head(css)
        assert (head.content, head.headers["content-length"]) == (
            b"",
            hashed.headers["content-length"],
        )
        etag, modified = hashed.headers["etag"], hashed.headers["last-modified"]
        assert client.get(css, headers={"If-None-Match": etag}).status_code == 304
        assert client.get(css, headers={"If-Modified-Since": modified}).status_code == 304
        assert client.get(css, headers={"If-Match": '"other"'}).status_code == 412
        part = client.get(css, headers={"Range": "bytes=0-3"})
        assert (part.status_code, part.text) == (206, "body")
        assert client.get(css, headers={"Range": "bytes=9999-"}).status_code == 416
        assert client.post("/static/site.css").status_code == 405
        for path in (
            "/static/%2e%2e/assets.py",
            "/static/%252e%252e/assets.py",
            "/static/..%5cassets.py",
            "/static/img%5c..%5c..%5cassets.py",
            "/static/%2fetc/passwd",
            "/static/site.css%00.txt",
            "/static/img",
            "/static/nope.css",
        ):
            assert client.get(path).status_code == 404, path

    # Pre-compressed siblings, on a copy of the example so the docs folder stays as it is.
    copy = tmp_path / "static-files"
    shutil.copytree(EXAMPLES / "static-files", copy)
    source = (copy / "static" / "site.css").read_bytes()
    (copy / "static" / "site.css.gz").write_bytes(gzip.compress(source))
    spec = importlib.util.spec_from_file_location("docs_static_copy", copy / "assets.py")
    assert spec is not None and spec.loader is not None
    copied = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = copied
    spec.loader.exec_module(copied)
    with copied.app.test_client(protocol) as client:
        url = f"/static/site.css?v={static_version(str(copy / 'static'), 'site.css')}"
        assert url == css  # the hash is the original's
        zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert zipped.headers["content-encoding"] == "gzip"
        assert zipped.headers["content-type"] == "text/css; charset=utf-8"
        assert zipped.headers["vary"] == "Accept-Encoding"
        assert zipped.content == source  # httpx decoded it
        identity = client.get(url, headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in identity.headers
        assert identity.headers["vary"] == "Accept-Encoding"
        assert identity.headers["etag"] != zipped.headers["etag"]
    del sys.modules[spec.name]


@exercises("static-files/downloads.py")
def test_static_files_downloads(client_for: Callable[..., TestClient]) -> None:
    client = client_for("static-files/downloads.py")
    spring = client.get("/catalogues/spring.txt")
    assert spring.text == (EXAMPLES / "static-files" / "catalogues" / "spring.txt").read_text()
    assert spring.headers["content-disposition"] == 'attachment; filename="spring.txt"'
    part = client.get("/catalogues/spring.txt", headers={"Range": "bytes=0-5"})
    assert (part.status_code, part.text) == (206, "Spring")
    for path in ("%2e%2e/downloads.py", "..%5cdownloads.py", "missing.txt", "%2fetc%2fpasswd"):
        assert client.get(f"/catalogues/{path}").status_code == 404, path
    export = client.get("/export.csv")
    assert export.text == "title,year\r\nEmma,1815\r\nMiddlemarch,1871\r\n"
    assert export.headers["content-type"] == "text/csv; charset=utf-8"
    assert export.headers["content-disposition"] == 'attachment; filename="books.csv"'
    assert export.headers["content-length"] == str(len(export.content))
    assert client.get("/export.csv", headers={"Range": "bytes=0-4"}).text == "title"


# -- deployment -------------------------------------------------------------------------


@exercises("deployment/bookshop.py")
def test_deployment_bookshop(
    protocol: str, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import redis

    from cupola.exceptions import ImproperlyConfigured

    monkeypatch.setenv("BOOKSHOP_SECRET_KEY", "first-production-key")
    monkeypatch.setenv("BOOKSHOP_REDIS_URL", redis_url)
    # Two worker processes: two imports of the module, each with its own app and pool.
    workers = [load("deployment/bookshop.py").app for _ in range(2)]
    via_nginx = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    base = "http://books.example.com"  # nginx forwards over plain HTTP
    sids: list[str] = []
    try:
        with workers[0].test_client(protocol, base_url=base) as first:
            home = first.get("/", headers=via_nginx)
            assert "<p>Visit number 1.</p>" in home.text
            assert re.search(r'href="/static/site\.css\?v=[0-9a-f]{12}"', home.text)
            assert home.headers["strict-transport-security"] == "max-age=3600"
            cookie = home.headers["set-cookie"]
            assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie
            value = cookie.partition(";")[0].partition("=")[2]
            sids.append(value.rpartition(".")[0])
            css = re.search(r'href="([^"]+)"', home.text)[1]  # type: ignore[index]
            cached = first.get(css, headers=via_nginx).headers["cache-control"]
            assert cached == "public, max-age=31536000, immutable"

            plain = first.get("/")  # not through HTTPS
            assert (plain.status_code, plain.headers["location"]) == (
                301,
                "https://books.example.com/",
            )
            forged = first.get("/", headers={**via_nginx, "Host": "evil.example"})
            assert forged.status_code == 400

        session_cookie = {"Cookie": f"session={value}"}  # Secure: sent by hand over http://
        with workers[1].test_client(protocol, base_url=base) as second:
            again = second.get("/", headers={**via_nginx, **session_cookie})
            assert "<p>Visit number 2.</p>" in again.text  # the other worker's session

        monkeypatch.setenv("BOOKSHOP_SECRET_KEY", "second-production-key")
        monkeypatch.setenv("BOOKSHOP_OLD_SECRET_KEYS", "first-production-key")
        rotated = load("deployment/bookshop.py").app
        with rotated.test_client(protocol, base_url=base) as third:
            after = third.get("/", headers={**via_nginx, **session_cookie})
            assert "<p>Visit number 3.</p>" in after.text  # still signed in after rotation

        monkeypatch.delenv("BOOKSHOP_SECRET_KEY")
        keyless = load("deployment/bookshop.py").app
        keyless.config["TESTING"] = True
        with (
            keyless.test_client(protocol, base_url=base) as fourth,
            pytest.raises(ImproperlyConfigured, match="Sessions need a SECRET_KEY"),
        ):
            fourth.get("/", headers=via_nginx)
    finally:
        with redis.Redis.from_url(redis_url) as server:
            for sid in sids:
                server.delete("cupola:session:" + sid)


BAD_SETTINGS = [
    ("security.md", {"ALLOWED_HOSTS": ["example.com:8000"]}),
    ("security.md", {"ALLOWED_HOSTS": "example.com"}),
    ("security.md", {"TRUSTED_PROXIES": ["nginx"]}),
    ("security.md", {"SECURE_HSTS_SECONDS": "1 year"}),
    ("security.md", {"X_FRAME_OPTIONS": "ALLOW"}),
    ("sessions.md", {"SESSION_COOKIE_SAMESITE": "None"}),
]


@pytest.mark.parametrize(("page", "settings"), BAD_SETTINGS, ids=repr)
def test_documented_configuration_errors(page: str, settings: dict[str, Any]) -> None:
    from cupola import Cupola
    from cupola.exceptions import ImproperlyConfigured

    app = Cupola(__name__, config=settings)
    with pytest.raises(ImproperlyConfigured) as raised:
        app.build()
    text = " ".join((DOCS / page).read_text().split())
    assert str(raised.value) in text  # the page quotes the message as it is


def test_documented_session_errors(protocol: str) -> None:
    from cupola import Cupola, session

    text = " ".join((DOCS / "sessions.md").read_text().split())
    app = Cupola(__name__, config={"SECRET_KEY": "k", "TESTING": True})

    @app.get("/tags")
    def tags() -> str:
        session["tags"] = {"poetry"}
        return "saved"

    with app.test_client(protocol) as client, pytest.raises(TypeError) as raised:
        client.get("/tags")
    assert f"TypeError: {raised.value}" in text

    bare = Cupola(__name__, config={"MIDDLEWARE": ["cupola.csrf:CsrfMiddleware"], "TESTING": True})
    bare.add_url_rule("/tags", "tags", tags)
    with bare.test_client(protocol) as client, pytest.raises(RuntimeError) as missing:
        client.get("/tags")
    assert f"RuntimeError: {missing.value}" in text


# -- websockets ---------------------------------------------------------------------------


@exercises("websockets/echo.py")
def test_websockets_echo(client_for: Callable[..., TestClient]) -> None:
    client = client_for("websockets/echo.py")
    with client.websocket_connect("/ws/echo") as ws:
        ws.send_text("hello")
        assert ws.receive_text() == "hello"
    with client.websocket_connect("/ws/sum") as ws:
        ws.send_json([1, 2])
        assert ws.receive_json() == {"total": 3}
        ws.send_json([10])
        assert ws.receive_json() == {"total": 13}
    assert client.get("/ws/echo").status_code == 426


@exercises("websockets/rooms.py")
def test_websockets_rooms(client_for: Callable[..., TestClient]) -> None:
    from cupola.websockets import WebSocketDisconnect

    client = client_for("websockets/rooms.py")
    assert client.get("/books/7").json() == {"feed": "ws://localhost/live/books/7"}
    with client.websocket_connect("/live/books/7?format=long", subprotocols=["feed.v1"]) as ws:
        assert ws.accepted_subprotocol == "feed.v1"
        assert ws.receive_json() == {"book": 7, "format": "long"}
        ws.send_text("next")
        assert ws.receive_json() == {"book": 7, "command": "next"}
        ws.send_text("stop")
        with pytest.raises(WebSocketDisconnect) as info:
            ws.receive_json()
    assert (info.value.code, info.value.reason) == (4000, "stopped by the client")
    with client.websocket_connect("/live/books/8") as ws:
        assert ws.receive_json() == {"book": 8, "format": "short"}


@exercises("websockets/chat.py")
def test_websockets_chat(client_for: Callable[..., TestClient]) -> None:
    client = client_for("websockets/chat.py")
    with (
        client.websocket_connect("/ws/chat/lobby") as alice,
        client.websocket_connect("/ws/chat/lobby") as bob,
        client.websocket_connect("/ws/chat/other", timeout=0.2) as carol,
    ):
        alice.send_json({"text": "hi"})
        assert alice.receive_json() == bob.receive_json() == {"text": "hi"}
        bob.send_json({"text": "x" * 600})
        assert len(alice.receive_json()["text"]) == 500
        with pytest.raises(TimeoutError):
            carol.receive_json()


@exercises("websockets/security.py")
def test_websockets_security(client_for: Callable[..., TestClient]) -> None:
    from cupola.testing import WebSocketRejected

    client = client_for("websockets/security.py", base_url="https://books.example.com")
    own, trusted = "https://books.example.com", "https://www.example.com"
    with client.websocket_connect("/ws/whoami", headers={"Origin": own}) as ws:
        assert ws.receive_json() == {"reader": None}
    response = client.post("/login", data={"name": "ada"}, headers={"Origin": own})
    assert response.json() == {"reader": "ada"}
    for origin in (own, trusted):
        with client.websocket_connect("/ws/whoami", headers={"Origin": origin}) as ws:
            assert ws.receive_json() == {"reader": "ada"}
    with pytest.raises(WebSocketRejected) as info:
        client.websocket_connect(
            "/ws/whoami", headers={"Origin": "https://evil.example"}
        ).__enter__()
    assert info.value.status == 403
    with pytest.raises(WebSocketRejected) as info:
        client.websocket_connect("/ws/whoami", headers={"Host": "other.example"}).__enter__()
    assert info.value.status == 400


@exercises("websockets/handshake.py")
def test_websockets_handshake(client_for: Callable[..., TestClient]) -> None:
    from cupola.testing import WebSocketRejected

    client = client_for("websockets/handshake.py")

    def refusal(path: str) -> tuple[int, bytes]:
        with pytest.raises(WebSocketRejected) as info:
            client.websocket_connect(path).__enter__()
        return info.value.status, info.value.body

    assert client.get("/members/").status_code == 401
    assert refusal("/members/feed") == (401, b"Sign in first.")
    assert client.post("/login", data={"name": "ada"}).json() == {"reader": "ada"}
    assert client.get("/members/").json() == {"reader": "ada"}
    with client.websocket_connect("/members/feed?key=k-123") as ws:
        assert ws.receive_json() == {"hello": "ada"}
    assert refusal("/members/feed?key=wrong") == (401, b"Unknown key.")


@exercises("websockets/testing.py")
def test_websockets_testing(client_for: Callable[..., TestClient]) -> None:
    module = load("websockets/testing.py")
    with module.app.test_client() as client:
        module.test_echo(client)
        module.test_the_app_closes(client)
        module.test_a_foreign_page_is_refused(client)
    client_for("websockets/testing.py")  # and its app runs under both protocols


# -- channel layers, broadcasts, server-sent events -----------------------------------------


@exercises("channels/broadcast.py")
def test_channels_broadcast(client_for: Callable[..., TestClient]) -> None:
    client = client_for("channels/broadcast.py")
    with (
        client.websocket_connect("/ws/new-books") as first,
        client.websocket_connect("/ws/new-books") as second,
    ):
        assert client.post("/books", json={"title": "Dune"}).status_code == 201
        imported = client.post("/books/import", json={"titles": ["Emma", "Ulysses"]})
        assert imported.json() == {"imported": 2}
        for ws in (first, second):
            assert [ws.receive_json()["title"] for _ in range(3)] == ["Dune", "Emma", "Ulysses"]


@exercises("channels/outside.py")
def test_channels_outside(client_for: Callable[..., TestClient]) -> None:
    import asyncio

    from cupola.channels import get_channel_layer

    client = client_for("channels/outside.py")
    module = sys.modules[client.app.import_name]
    layer = get_channel_layer(client.app)

    async def listen() -> dict[str, Any]:
        mailbox = await layer.new_channel()
        await layer.group_add("staff", mailbox)
        assert client.post("/reports").status_code == 202  # the thread broadcasts
        report = await asyncio.wait_for(layer.receive(mailbox), 5)
        await layer.group_discard("staff", mailbox)
        return report

    assert asyncio.run(listen()) == {"type": "report.ready", "url": "/reports/latest"}
    assert asyncio.run(module.who_is_listening(client.app)) == {"type": "roll.call"}


@exercises("channels/redis.py")
def test_channels_redis(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from cupola.channels import get_channel_layer
    from cupola.channels.layers.redis import RedisChannelLayer

    monkeypatch.setenv("REDIS_URL", redis_url)
    app = load("channels/redis.py").app
    assert app.config["CHANNEL_PREFIX"] == "bookshop:channels:"
    own = f"cupola-test:{uuid.uuid4().hex}:channels:"  # flush() must touch only this test's keys
    app.config["CHANNEL_PREFIX"] = own
    layer = get_channel_layer(app)
    assert isinstance(layer, RedisChannelLayer)
    assert (layer.capacity, layer.expiry, layer.prefix) == (200, 30, own)

    async def round_trip() -> dict[str, Any]:
        try:
            mailbox = await layer.new_channel()
            await layer.group_add("readers", mailbox)
            await layer.group_send("readers", {"type": "hello"})
            return await asyncio.wait_for(layer.receive(mailbox), 5)
        finally:
            await layer.flush()
            await layer.close()

    assert asyncio.run(round_trip()) == {"type": "hello"}


@exercises("sse/countdown.py")
def test_sse_countdown(client_for: Callable[..., TestClient]) -> None:
    client = client_for("sse/countdown.py")
    response = client.get("/countdown/2")
    assert response.headers["content-type"] == "text/event-stream"
    assert response.text == (
        'event: tick\nid: 2\ndata: {"left":2}\n\n'
        'event: tick\nid: 1\ndata: {"left":1}\n\n'
        "event: done\nretry: 10000\ndata: Lift-off!\ndata: Well done.\n\n"
    )
    log = client.get("/log").text
    assert log.startswith("id: 1\ndata: import asyncio\n\nid: 2\ndata: \n\n")


@exercises("sse/notifications.py")
def test_sse_notifications(client_for: Callable[..., TestClient]) -> None:
    import asyncio

    from cupola.channels import async_broadcast

    client = client_for("sse/notifications.py")
    app = client.app
    assert client.post("/notices", json={"text": "nobody listens yet"}).json() == {"sent": True}

    async def browser() -> list[bytes]:
        """One EventSource that leaves after its first event."""
        chunks: list[bytes] = []
        arrived = asyncio.Event()
        requested = False

        async def receive() -> dict[str, Any]:
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b""}
            await arrived.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body" and message.get("body"):
                chunks.append(message["body"])
                arrived.set()

        scope = {
            "type": "http",
            "method": "GET",
            "path": "/notifications",
            "raw_path": b"/notifications",
            "query_string": b"",
            "headers": [(b"host", b"localhost")],
            "http_version": "1.1",
        }
        stream = asyncio.ensure_future(app.asgi(scope, receive, send))
        while not arrived.is_set():  # until the stream has joined the group
            await async_broadcast("notifications", {"type": "notice", "text": "Hi!"}, app=app)
            await asyncio.wait([stream], timeout=0.05)
        await asyncio.wait_for(stream, 5)
        return chunks

    assert asyncio.run(browser())[0] == b"event: notice\ndata: Hi!\n\n"
    from cupola.channels import get_channel_layer

    assert get_channel_layer(app)._groups == {}  # type: ignore[attr-defined]  # it left
