"""Class-based views: one method per verb, HEAD via get, 405, constructor arguments."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any

import pytest

from cupola import Cupola, Response, View
from cupola.exceptions import ImproperlyConfigured
from cupola.http.request import Request
from cupola.testing import TestClient


class Items(View):
    """The items collection."""

    def get(self, request: Request, **kwargs: Any) -> dict[str, Any]:
        return {"method": "get", "kwargs": kwargs}

    def post(self, request: Request, **kwargs: Any) -> tuple[dict[str, Any], int]:
        return {"method": "post", "body": request.json}, 201

    def delete(self, request: Request, **kwargs: Any) -> tuple[str, int]:
        return "", 204


def test_verbs_dispatch_to_methods(app: Cupola, client: TestClient) -> None:
    app.add_url_rule("/items/<int:item_id>", view_func=Items.as_view("items"))
    assert client.get("/items/3").json() == {"method": "get", "kwargs": {"item_id": 3}}
    created = client.post("/items/3", json={"a": 1})
    assert created.status_code == 201
    assert created.json() == {"method": "post", "body": {"a": 1}}
    assert client.delete("/items/3").status_code == 204


def test_head_uses_get(app: Cupola, client: TestClient) -> None:
    app.add_url_rule("/items", view_func=Items.as_view("items"))
    get = client.get("/items")
    head = client.head("/items")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]


def test_unknown_verb_is_405_with_allow(app: Cupola, client: TestClient) -> None:
    app.add_url_rule("/items", view_func=Items.as_view("items"))
    response = client.put("/items")
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["allow"].split(",")} == {
        "GET",
        "HEAD",
        "OPTIONS",
        "POST",
        "DELETE",
    }
    assert client.options("/items").headers["allow"] == "DELETE, GET, HEAD, OPTIONS, POST"


def test_methods_override_gives_405_from_the_view(app: Cupola, client: TestClient) -> None:
    app.add_url_rule("/items", view_func=Items.as_view("items"), methods=["GET", "PATCH"])
    response = client.patch("/items")
    assert response.status_code == 405
    assert "PATCH" not in response.headers["allow"]


def test_as_view_passes_constructor_arguments(app: Cupola, client: TestClient) -> None:
    instances: list[Greeting] = []

    class Greeting(View):
        def __init__(self, greeting: str, *, punctuation: str = ".") -> None:
            self.greeting = greeting
            self.punctuation = punctuation
            instances.append(self)

        def get(self, request: Request, name: str) -> str:
            return f"{self.greeting}, {name}{self.punctuation}"

    app.add_url_rule("/hi/<name>", view_func=Greeting.as_view("hi", "Hello", punctuation="!"))
    assert client.get("/hi/ada").text == "Hello, ada!"
    assert client.get("/hi/bob").text == "Hello, bob!"
    assert len(instances) == 2
    assert instances[0] is not instances[1]


def test_as_view_name_is_the_endpoint(app: Cupola) -> None:
    view = Items.as_view("collection")
    assert view.__name__ == "collection"
    assert view.view_class is Items  # type: ignore[attr-defined]
    assert view.__doc__ == Items.__doc__
    app.add_url_rule("/c", view_func=view)
    with app.app_context():
        from cupola import url_for

        assert url_for("collection") == "/c"


def test_async_class_view(app: Cupola, client: TestClient) -> None:
    class Slow(View):
        async def get(self, request: Request) -> str:
            await asyncio.sleep(0)
            return "async get"

        async def post(self, request: Request) -> dict[str, Any]:
            return {"got": request.json}

    app.add_url_rule("/slow", view_func=Slow.as_view("slow"))
    assert client.get("/slow").text == "async get"
    assert client.post("/slow", json=[1]).json() == {"got": [1]}
    assert client.head("/slow").content == b""
    assert client.put("/slow").status_code == 405


def test_mixed_sync_and_async_handlers_are_refused() -> None:
    class Mixed(View):
        def get(self, request: Request) -> str:
            return ""

        async def post(self, request: Request) -> str:
            return ""

    with pytest.raises(ImproperlyConfigured, match="mixes sync and async"):
        Mixed.as_view("mixed")


def test_view_without_handlers_is_refused() -> None:
    class Empty(View):
        pass

    with pytest.raises(ImproperlyConfigured, match="defines no handler"):
        Empty.as_view("empty")


def test_decorators_apply_in_order(app: Cupola, client: TestClient) -> None:
    def tag(label: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(view)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                response: Response = app.make_response(view(*args, **kwargs))
                response.headers.add("X-Tag", label)
                return response

            return wrapper

        return decorator

    class Tagged(View):
        decorators = [tag("inner"), tag("outer")]

        def get(self, request: Request) -> str:
            return "tagged"

    app.add_url_rule("/t", view_func=Tagged.as_view("tagged"))
    response = client.get("/t")
    assert response.text == "tagged"
    assert response.headers["x-tag"] == "inner, outer"


def test_explicit_options_and_head_handlers(app: Cupola, client: TestClient) -> None:
    class Custom(View):
        def get(self, request: Request) -> str:
            return "body"

        def head(self, request: Request) -> Response:
            return Response(b"", 200, {"X-Head": "own"})

        def options(self, request: Request) -> Response:
            return Response(b"", 204, {"Allow": "GET, HEAD"})

    app.add_url_rule("/c", view_func=Custom.as_view("custom"))
    assert client.head("/c").headers["x-head"] == "own"
    options = client.options("/c")
    assert options.status_code == 204
    assert options.headers["allow"] == "GET, HEAD"
