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
MARKER = re.compile(r"<!-- example: (?P<path>\S+) -->\n(?P<block>```[\w+-]*\n(?P<code>.*?)\n```)?", re.S)
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
