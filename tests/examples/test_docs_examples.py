"""The guide's code samples are real files, shown verbatim, and do what the pages say.

Every ``<!-- example: path -->`` marker in ``docs/*.md`` is followed by a code block equal
to that file. Every Python example is imported from its path and exercised by one test
below (registered with :func:`exercises`), under WSGI and ASGI alike.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
import subprocess
import sys
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
def client_for(protocol: str) -> Iterator[Callable[[str], TestClient]]:
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

PAGES = sorted(DOCS.glob("*.md"))
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
    }


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_blocks_match_their_files(page: Path) -> None:
    text = page.read_text()
    for match in MARKER.finditer(text):
        assert match["block"] is not None, f"{match['path']}: no code block after the marker"
        path = ROOT / match["path"]
        assert path.is_file(), f"{page.name} includes the missing file {match['path']}"
        assert match["code"] == path.read_text().rstrip("\n"), (
            f"{page.name}: the block for {match['path']} differs from the file"
        )


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
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


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_links_between_pages_resolve(page: Path) -> None:
    for link in LINK.finditer(without_code(page.read_text())):
        target = DOCS / link["page"] if link["page"] else page
        assert target.is_file(), f"{page.name} links to the missing page {link['page']}"
        if link["anchor"]:
            anchors = {slug(h["title"]) for h in HEADING.finditer(without_code(target.read_text()))}
            assert link["anchor"] in anchors, f"{page.name}: no heading for {link.group(0)}"


def test_every_example_file_is_shown_and_exercised() -> None:
    shown = {path.removeprefix("docs/examples/") for _, path in REFERENCES}
    every_file = {str(p.relative_to(EXAMPLES)) for p in EXAMPLES.rglob("*") if p.is_file()}
    assert every_file - shown == set(), "example files no page shows"
    assert set(PYTHON_FILES) - set(EXERCISED) == set(), "example files no test exercises"
    assert set(EXERCISED) - set(PYTHON_FILES) == set(), "tests for example files that are gone"


@pytest.mark.parametrize("relative", PYTHON_FILES)
def test_example_imports_and_defines_an_app(relative: str) -> None:
    from cupola import Cupola

    module = load(relative)
    assert isinstance(module.app, Cupola)
    module.app.build()  # every route, hook and middleware composes


# -- index and quickstart ---------------------------------------------------------------


@exercises("index/hello.py")
def test_index_hello(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("index/hello.py")
    response = client.get("/")
    assert response.status_code == 200
    assert response.text == "Hello, world!"
    assert response.headers["content-type"] == "text/html; charset=utf-8"


@exercises("quickstart/minimal.py")
def test_quickstart_minimal(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("quickstart/minimal.py")
    assert client.get("/").text == "<p>Hello, world!</p>"
    assert client.get("/missing").status_code == 404


@exercises("quickstart/variables.py")
def test_quickstart_variables(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("quickstart/variables.py")
    assert client.get("/user/ada").text == "User ada"
    assert client.get("/user/<b>").text == "User &lt;b&gt;"
    assert client.get("/post/42").text == "Post 42"
    assert client.get("/post/forty-two").status_code == 404
    assert client.get("/path/a/b/c.txt").text == "Subpath a/b/c.txt"


@exercises("quickstart/url_building.py")
def test_quickstart_url_building(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("quickstart/url_building.py")
    assert client.get("/").json() == {
        "index": "/",
        "login": "/login?next=%2F",
        "profile": "/user/John%20Doe",
    }
    assert client.get("/user/John%20Doe").json() == {"username": "John Doe"}


@exercises("quickstart/methods.py")
def test_quickstart_methods(client_for: Callable[[str], TestClient]) -> None:
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
def test_quickstart_templates(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("quickstart/templates.py")
    assert "<h1>Hello, World!</h1>" in client.get("/hello/").text
    assert "<h1>Hello Ada!</h1>" in client.get("/hello/Ada").text
    assert "<h1>Hello &lt;i&gt;!</h1>" in client.get("/hello/<i>").text  # autoescaped


@exercises("quickstart/request_data.py")
def test_quickstart_request_data(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("quickstart/request_data.py")
    assert client.get("/search?q=owls&page=3").json() == {"q": "owls", "page": 3}
    assert client.get("/search?page=x").json() == {"q": "", "page": 1}
    response = client.post("/notes", json={"text": "hi"}, headers={"X-User": "ada"})
    assert response.status_code == 201
    assert response.json() == {"saved": "hi", "by": "ada"}
    assert client.post("/notes", data={"text": "hi"}).status_code == 415


@exercises("quickstart/redirects.py")
def test_quickstart_redirects(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("quickstart/redirects.py")
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["location"] == "/login"
    assert client.get("/", follow_redirects=True).status_code == 401
    missing = client.get("/nowhere")
    assert missing.status_code == 404
    assert "<h1>Nothing here</h1>" in missing.text


@exercises("quickstart/json_api.py")
def test_quickstart_json_api(client_for: Callable[[str], TestClient]) -> None:
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
def test_routing_rules(client_for: Callable[[str], TestClient]) -> None:
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
def test_routing_converters(client_for: Callable[[str], TestClient]) -> None:
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
def test_routing_converter_args(client_for: Callable[[str], TestClient]) -> None:
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
def test_routing_priority(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("routing/priority.py")
    assert client.get("/items/new").text == "new item form"
    assert client.get("/items/42").text == "item number 42"
    assert client.get("/items/hat").text == "item named hat"


@exercises("routing/custom_converter.py")
def test_routing_custom_converter(client_for: Callable[[str], TestClient]) -> None:
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
def test_routing_trailing_slash(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("routing/trailing_slash.py")
    moved = client.get("/projects?page=2")
    assert moved.status_code == 308
    assert moved.headers["location"] == "/projects/?page=2"
    assert client.get("/projects/").text == "The project page"
    assert client.get("/about").text == "The about page"
    assert client.get("/about/").status_code == 404
    assert client.get("/feed").text == client.get("/feed/").text == "The feed"


@exercises("routing/defaults.py")
def test_routing_defaults(client_for: Callable[[str], TestClient]) -> None:
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
def test_routing_url_building(client_for: Callable[[str], TestClient]) -> None:
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
def test_rr_request_attributes(client_for: Callable[[str], TestClient]) -> None:
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
def test_rr_query(client_for: Callable[[str], TestClient]) -> None:
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
def test_rr_bodies(client_for: Callable[[str], TestClient]) -> None:
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
def test_rr_uploads(client_for: Callable[[str], TestClient], tmp_path: Path) -> None:
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
def test_rr_return_values(client_for: Callable[[str], TestClient]) -> None:
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
def test_rr_responses(client_for: Callable[[str], TestClient]) -> None:
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
def test_rr_streaming(client_for: Callable[[str], TestClient]) -> None:
    client = client_for(f"{RR}/streaming.py")
    count = client.get("/count")
    assert (count.text, count.headers["content-type"]) == ("0\n1\n2\n", "text/plain; charset=utf-8")
    events = client.get("/events")
    assert events.headers["content-type"] == "text/event-stream"
    assert events.text == "data: tick 0\n\ndata: tick 1\n\ndata: tick 2\n\n"


@exercises(f"{RR}/files.py")
def test_rr_files(client_for: Callable[[str], TestClient]) -> None:
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
def test_rr_errors(client_for: Callable[[str], TestClient]) -> None:
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
def test_rr_header_safety(client_for: Callable[[str], TestClient]) -> None:
    client = client_for(f"{RR}/header_safety.py")
    assert client.get("/greet", query={"name": "ada"}).headers["x-greeted"] == "ada"
    split = client.get("/greet", query={"name": "x\r\nSet-Cookie: admin=1"})
    assert split.status_code == 400
    assert "set-cookie" not in split.headers


# -- views ------------------------------------------------------------------------------


@exercises("views/function_views.py")
def test_views_function_views(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("views/function_views.py")
    assert client.get("/sync?q=a").json() == {"kind": "sync", "q": "a"}
    assert client.get("/async?q=b").json() == {"kind": "async", "q": "b"}
    assert client.post("/echo/2", json={"x": 1}).json() == {"echo": [{"x": 1}, {"x": 1}]}


@exercises("views/class_views.py")
def test_views_class_views(client_for: Callable[[str], TestClient]) -> None:
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
def test_views_async_class_view(client_for: Callable[[str], TestClient]) -> None:
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
def test_views_decorators(client_for: Callable[[str], TestClient]) -> None:
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
    client_for: Callable[[str], TestClient], caplog: pytest.LogCaptureFixture
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
def test_mh_middleware(client_for: Callable[[str], TestClient]) -> None:
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
def test_mh_view_and_exception(client_for: Callable[[str], TestClient]) -> None:
    client = client_for(f"{MH}/view_and_exception.py")
    assert client.get("/").json() == {"welcome": True}
    refused = client.get("/catalogue")
    assert (refused.status_code, refused.json()) == (401, {"detail": "Log in first."})
    timeout = client.get("/catalogue", headers={"Authorization": "Bearer x"})
    assert timeout.status_code == 504
    assert timeout.json() == {"detail": "The catalogue did not answer."}
    assert client.get("/missing").status_code == 404  # process_view runs for matched routes


@exercises(f"{MH}/raw_middleware.py")
def test_mh_raw_middleware(client_for: Callable[[str], TestClient]) -> None:
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
def test_blueprints_basic(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("blueprints/basic.py")
    assert client.get("/").json() == {"catalogue": "/books/"}
    assert client.get("/books/").json() == {"books": ["Emma", "Middlemarch"], "first": "/books/1"}
    assert client.get("/books/3").json() == {"id": 3, "all": "/books/", "home": "/"}


@exercises("blueprints/nesting.py")
def test_blueprints_nesting(client_for: Callable[[str], TestClient]) -> None:
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
def test_blueprints_hooks_errors(client_for: Callable[[str], TestClient]) -> None:
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
def test_blueprints_resources(client_for: Callable[[str], TestClient]) -> None:
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
def test_templates_inheritance(client_for: Callable[[str], TestClient]) -> None:
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


@exercises("templates/template_response.py")
def test_templates_template_response(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("templates/template_response.py")
    report = client.get("/report")
    assert report.text.strip() == '<body class="light"><h1>Report</h1><p>3 orders</p></body>'
    assert report.headers["cache-control"] == "no-store"
    assert 'class="dark"' in client.get("/report", cookies={"theme": "dark"}).text
    printed = client.get("/report?print")
    assert "<h1>Report (print)</h1>" in printed.text


@exercises("templates/helpers.py")
def test_templates_helpers(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("templates/helpers.py")
    text = client.get("/summary").text
    assert "<h1>Cupola Books</h1>" in text
    assert "<p>J.A.: 2 books, $1,649.00</p>" in text


@exercises("templates/autoescape.py")
def test_templates_autoescape(client_for: Callable[[str], TestClient]) -> None:
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
    testing_outcomes: dict[str, dict[str, str]], client_for: Callable[[str], TestClient]
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
    testing_outcomes: dict[str, dict[str, str]], client_for: Callable[[str], TestClient]
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
    testing_outcomes: dict[str, dict[str, str]], client_for: Callable[[str], TestClient]
) -> None:
    assert_all_passed(testing_outcomes, "plugin_fixtures.py", {"test_index"})
    assert client_for("testing/plugin_fixtures.py").get("/").json() == {"greeting": "Hello"}


@exercises("testing/contexts.py")
def test_testing_contexts(
    testing_outcomes: dict[str, dict[str, str]], client_for: Callable[[str], TestClient]
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
    testing_outcomes: dict[str, dict[str, str]], client_for: Callable[[str], TestClient]
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
def test_configuration_limits(client_for: Callable[[str], TestClient]) -> None:
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
def test_lifecycle_trace(client_for: Callable[[str], TestClient]) -> None:
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
def test_design_one_app(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("design/one_app.py")
    module = sys.modules[client.app.import_name]
    assert module.wsgi_application is client.app
    assert module.asgi_application is client.app.asgi
    assert client.get("/items/3?q=x").json() == {"id": 3, "q": "x"}
    created = client.post("/items", json={"name": "lamp"})
    assert (created.status_code, created.json()) == (201, {"created": "lamp"})
