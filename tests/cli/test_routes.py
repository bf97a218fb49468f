from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cupola.cli.main import cli
from cupola.cli.routes import format_routes, routes_as_json
from cupola.routing import Rule

APPS = Path(__file__).parent / "apps"

TABLE = """\
Endpoint          Methods           Rule
----------------  ----------------  --------------------
books.list_books  GET               /books/
books.show        DELETE, GET, PUT  /books/<int:book_id>
contact           POST              /contact
index             GET               /
"""


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.delenv("CUPOLA_APP", raising=False)
    monkeypatch.chdir(APPS)
    modules = set(sys.modules)
    yield
    for name in set(sys.modules) - modules:
        if str(APPS) in (getattr(sys.modules[name], "__file__", None) or ""):
            del sys.modules[name]


def routes(*args: str) -> Result:
    return CliRunner().invoke(cli, ["routes", *args], catch_exceptions=False)


def test_table_sorted_by_endpoint() -> None:
    result = routes("--app", "routes_app")
    assert result.exit_code == 0
    assert result.output == TABLE


def test_sort_by_rule() -> None:
    rows = routes("--app", "routes_app", "--sort", "rule").output.splitlines()[2:]
    assert [row.split()[-1] for row in rows] == [
        "/",
        "/books/",
        "/books/<int:book_id>",
        "/contact",
    ]


def test_sort_by_methods() -> None:
    rows = routes("--app", "routes_app", "--sort", "methods").output.splitlines()[2:]
    endpoints = [row.split()[0] for row in rows]
    assert endpoints == ["books.show", "index", "books.list_books", "contact"]


def test_app_from_file_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    result = routes("--app", f"{APPS / 'routes_app.py'}:app")
    assert result.output == TABLE


def test_app_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUPOLA_APP", "routes_app")
    assert routes().output == TABLE


def test_no_routes() -> None:
    result = routes("--app", "empty_app")
    assert result.exit_code == 0
    assert result.output == "No routes were registered.\n"


def test_unknown_sort_key() -> None:
    result = routes("--app", "routes_app", "--sort", "match")
    assert result.exit_code == 2
    assert "'match' is not one of 'endpoint', 'methods', 'rule'" in result.output


def test_app_not_found() -> None:
    result = routes("--app", "no_app")
    assert result.exit_code == 2
    assert "Could not find a Cupola app in module 'no_app'" in result.output


def test_broken_configuration_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(APPS))
    app = importlib.import_module("routes_app").app
    monkeypatch.setitem(app.config, "MIDDLEWARE", ["no_such_module.Middleware"])
    result = routes("--app", "routes_app")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "no_such_module" in result.output


def test_websocket_rules_are_marked_ws() -> None:
    rules = [
        Rule("/ws/chat/<room>", endpoint="chat", websocket=True),
        Rule("/items", endpoint="items", methods=["GET", "POST", "OPTIONS"]),
    ]
    assert format_routes(rules, sort="rule") == (
        "Endpoint  Methods    Rule\n"
        "--------  ---------  ---------------\n"
        "items     GET, POST  /items\n"
        "chat      WS         /ws/chat/<room>"
    )


def test_options_only_rule_keeps_an_empty_methods_cell() -> None:
    table = format_routes([Rule("/probe", endpoint="probe", methods=["OPTIONS"])])
    assert table.splitlines()[-1] == "probe              /probe"


def test_json_lists_rule_endpoint_and_methods() -> None:
    result = routes("--app", "routes_app", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output) == [
        {"rule": "/books/", "endpoint": "books.list_books", "methods": ["GET", "HEAD", "OPTIONS"]},
        {
            "rule": "/books/<int:book_id>",
            "endpoint": "books.show",
            "methods": ["DELETE", "GET", "HEAD", "OPTIONS", "PUT"],
        },
        {"rule": "/contact", "endpoint": "contact", "methods": ["OPTIONS", "POST"]},
        {"rule": "/", "endpoint": "index", "methods": ["GET", "HEAD", "OPTIONS"]},
    ]


def test_json_sorted_by_rule_and_websockets_marked() -> None:
    rules = [
        Rule("/ws", endpoint="chat", websocket=True),
        Rule("/a", endpoint="a", methods=["GET"]),
    ]
    assert json.loads(routes_as_json(rules, sort="rule")) == [
        {"rule": "/a", "endpoint": "a", "methods": ["GET", "HEAD", "OPTIONS"]},
        {"rule": "/ws", "endpoint": "chat", "methods": ["WS"]},
    ]


def test_json_without_routes_is_an_empty_list() -> None:
    assert json.loads(routes("--app", "empty_app", "--json").output) == []
