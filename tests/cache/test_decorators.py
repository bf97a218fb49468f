"""``@cached``: which responses are kept and under what key (cupola/cache/decorators.py)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from cupola import Cupola, Response, TemplateResponse, request, session
from cupola.cache import cached
from cupola.testing import TestClient


@pytest.fixture
def calls() -> Iterator[int]:
    return itertools.count(1)


@pytest.fixture(params=["sync", "async"])
def route(request: pytest.FixtureRequest, app: Cupola) -> Callable[..., Any]:
    """``route(path, body, **cached_kwargs)``: a cached sync or async view running ``body()``."""

    def add(path: str, body: Callable[[], Any], **options: Any) -> None:
        if request.param == "sync":

            @app.route(path, methods=["GET", "HEAD", "POST"], endpoint=path)
            @cached(**options)
            def view() -> Any:
                return body()

        else:

            @app.route(path, methods=["GET", "HEAD", "POST"], endpoint=path)
            @cached(**options)
            async def async_view() -> Any:
                return body()

    return add


def test_get_responses_are_cached_per_path_and_query(
    route: Callable[..., Any], client: TestClient, calls: Iterator[int]
) -> None:
    route("/n", lambda: ({"n": next(calls), "q": request.args.get("q")}, {"X-Extra": "1"}))
    first = client.get("/n?q=a")
    assert first.json() == {"n": 1, "q": "a"}
    again = client.get("/n?q=a")
    assert again.json() == {"n": 1, "q": "a"}
    assert again.headers["x-extra"] == "1"
    assert again.headers["content-type"] == "application/json"
    assert client.get("/n?q=b").json() == {"n": 2, "q": "b"}
    assert client.head("/n?q=a").status_code == 200  # HEAD shares the GET entry
    assert client.post("/n?q=a").json() == {"n": 3, "q": "a"}  # never cached
    assert client.get("/n?q=a").json() == {"n": 1, "q": "a"}


@pytest.mark.parametrize(
    "response",
    [
        lambda n: ({"n": n}, 404),
        lambda n: ({"n": n}, 201),
        lambda n: ({"n": n}, {"Vary": "Accept-Language"}),
        lambda n: ({"n": n}, {"Cache-Control": "private, max-age=60"}),
        lambda n: ({"n": n}, {"Cache-Control": "no-store"}),
        lambda n: iter([b'{"n":', str(n).encode(), b"}"]),
    ],
    ids=["404", "201", "vary", "private", "no-store", "streamed"],
)
def test_uncacheable_responses_are_not_kept(
    route: Callable[..., Any],
    client: TestClient,
    calls: Iterator[int],
    response: Callable[[int], Any],
) -> None:
    route("/r", lambda: response(next(calls)))
    assert client.get("/r").json() == {"n": 1}
    assert client.get("/r").json() == {"n": 2}


def test_requests_with_credentials_neither_read_nor_fill_the_cache(
    route: Callable[..., Any], client: TestClient, calls: Iterator[int]
) -> None:
    route("/mine", lambda: {"n": next(calls)})
    token = {"Authorization": "Bearer secret"}
    assert client.get("/mine", headers=token).json() == {"n": 1}
    assert client.get("/mine").json() == {"n": 2}
    assert client.get("/mine", headers=token).json() == {"n": 3}
    assert client.get("/mine").json() == {"n": 2}


def test_responses_setting_cookies_are_not_kept(
    route: Callable[..., Any], client: TestClient, calls: Iterator[int]
) -> None:
    def body() -> Response:
        response = Response(str(next(calls)))
        response.set_cookie("seen", "1")
        return response

    route("/cookie", body)
    assert client.get("/cookie").text == "1"
    assert client.get("/cookie").text == "2"


def test_responses_that_read_the_session_are_not_kept(
    route: Callable[..., Any], client: TestClient, calls: Iterator[int]
) -> None:
    route("/hello", lambda: f"{session.get('name', 'guest')} {next(calls)}")
    assert client.get("/hello").text == "guest 1"
    assert client.get("/hello").text == "guest 2"


def test_template_responses_are_rendered_then_kept(
    app: Cupola, route: Callable[..., Any], client: TestClient, calls: Iterator[int], tmp_path: Any
) -> None:
    (tmp_path / "n.html").write_text("<p>{{ n }}</p>")
    app.template_folder = str(tmp_path)
    route("/t", lambda: TemplateResponse("n.html", {"n": next(calls)}))
    assert client.get("/t").text == "<p>1</p>"
    assert client.get("/t").text == "<p>1</p>"


def test_a_custom_key_and_ttl(
    app: Cupola, route: Callable[..., Any], client: TestClient, calls: Iterator[int]
) -> None:
    route("/k", lambda: {"n": next(calls)}, ttl=30, key=lambda req: req.path)
    assert client.get("/k?a=1").json() == {"n": 1}
    assert client.get("/k?a=2").json() == {"n": 1}  # the key ignores the query
