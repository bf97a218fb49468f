"""Content negotiation: REST framework's precedence rules, format override, limits."""

from __future__ import annotations

from typing import Any

import pytest

from cupola import Cupola
from cupola.rest import renderers
from cupola.rest.exceptions import NotAcceptable, NotFound
from cupola.rest.negotiation import (
    BaseContentNegotiation,
    DefaultContentNegotiation,
    MediaType,
    media_type_matches,
)
from cupola.rest.request import Request

RENDERERS = [renderers.JSONRenderer(), renderers.BrowsableAPIRenderer()]


def select(accept: str | None, query: str = "", **settings: Any) -> tuple[str, str]:
    app = Cupola(__name__)
    app.config["REST"] = settings
    headers = {} if accept is None else {"Accept": accept}
    with app.test_request_context("/" + query, headers=headers):  # type: ignore[attr-defined]
        from cupola import request

        rest = Request(request._get_current_object())  # type: ignore[attr-defined]
        renderer, media_type = DefaultContentNegotiation().select_renderer(rest, RENDERERS)
    return renderer.format, media_type


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, ("json", "application/json")),
        ("*/*", ("json", "application/json")),
        ("*/*; q=0.8", ("json", "application/json;q=0.8")),
        ("text/*", ("api", "text/html")),
        ("application/json; indent=4", ("json", "application/json; indent=4")),
        ("text/html, application/json", ("json", "application/json")),
        ("application/json;q=0.1, text/html", ("json", "application/json;q=0.1")),
        ("application/xml, text/html;level=1, */*", ("api", "text/html;level=1")),
        ("text/html; charset=utf-8", ("api", "text/html; charset=utf-8")),
    ],
)
def test_accept(accept: str | None, expected: tuple[str, str]) -> None:
    # NOTE: as in REST framework 3.18 (answers checked against it), quality values do not
    # reorder: specificity does.
    assert select(accept) == expected


def test_format_override() -> None:
    assert select(None, "?format=api") == ("api", "text/html")
    assert select("text/html", "?format=api") == ("api", "text/html")
    assert select(None, "?fmt=api", URL_FORMAT_OVERRIDE="fmt") == ("api", "text/html")
    assert select(None, "?format=api", URL_FORMAT_OVERRIDE=None) == ("json", "application/json")
    with pytest.raises(NotFound):
        select(None, "?format=yaml")
    with pytest.raises(NotAcceptable):
        select("text/html", "?format=json")


def test_not_acceptable_lists_renderers() -> None:
    with pytest.raises(NotAcceptable) as info:
        select("image/png")
    assert info.value.available_renderers == RENDERERS


def test_accept_limits() -> None:
    long_range = "application/" + "x" * 300
    assert select(f"{long_range}, text/html") == ("api", "text/html")
    many = ", ".join(f"application/x{i}" for i in range(70)) + ", text/html"
    with pytest.raises(NotAcceptable):  # only the first 64 ranges count
        select(many)
    huge = "application/x, " * 600 + "text/html"
    with pytest.raises(NotAcceptable):  # cut at 8192 characters
        select(huge)


def test_media_types() -> None:
    assert media_type_matches("application/json", "application/json; charset=utf-8")
    assert not media_type_matches("application/json; indent=4", "application/json")
    assert media_type_matches("*/*", "text/plain")
    assert not media_type_matches("text/html", "application/json")
    assert MediaType("text/*").precedence == 1
    assert str(MediaType("Application/JSON; Indent=4")) == "application/json; indent=4"
    assert repr(MediaType("text/html")) == "<MediaType 'text/html'>"


def test_base_class_must_be_subclassed() -> None:
    base = BaseContentNegotiation()
    with pytest.raises(NotImplementedError):
        base.select_parser(None, [])  # type: ignore[arg-type]
    with pytest.raises(NotImplementedError):
        base.select_renderer(None, [])  # type: ignore[arg-type]


def test_an_empty_accept_is_not_a_missing_one() -> None:
    # The empty header matches no renderer (as REST framework's ''), unlike an absent one.
    with pytest.raises(NotAcceptable):
        select("")


def test_select_parser_takes_the_first_parser_that_matches() -> None:
    from types import SimpleNamespace

    from cupola.rest import parsers

    json, form, anything = parsers.JSONParser(), parsers.FormParser(), parsers.JSONParser()
    anything.media_type = "*/*"
    negotiation = DefaultContentNegotiation()

    def chosen(content_type: str, offered: list[Any]) -> Any:
        request: Any = SimpleNamespace(content_type=content_type)
        return negotiation.select_parser(request, offered)

    assert chosen("application/json", [json, form]) is json  # exactly the first's type
    assert chosen("application/json", [form, json]) is json
    assert chosen("application/json; charset=utf-8", [json]) is json
    assert chosen("application/json", [anything, json]) is anything
    assert chosen("text/plain", [json, form]) is None
    assert chosen("application/json", []) is None
