"""Context locals: request, g and current_app, across threads and asyncio tasks."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import types
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from cupola import Cupola, current_app, g, request, session
from cupola.context import AppContext, ContextProxy, has_app_context, has_request_context
from cupola.http.request import Request
from cupola.testing import TestClient


def test_proxies_inside_a_view(app: Cupola, client: TestClient) -> None:
    @app.post("/items/<int:item_id>")
    def view(item_id: int) -> dict[str, Any]:
        g.seen = "yes"
        return {
            "path": request.path,
            "method": request.method,
            "json": request.json,
            "app": current_app.import_name,
            "same_app": current_app._get_current_object() is app,  # type: ignore[attr-defined]
            "g": g.seen,
            "view_args": request.view_args,
        }

    assert client.post("/items/4", json={"k": 1}).json() == {
        "path": "/items/4",
        "method": "POST",
        "json": {"k": 1},
        "app": app.import_name,
        "same_app": True,
        "g": "yes",
        "view_args": {"item_id": 4},
    }


def test_request_parameter_is_the_proxied_request(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def view(request: Request) -> str:
        from cupola import request as proxy

        return str(proxy._get_current_object() is request)  # type: ignore[attr-defined]

    assert client.get("/").text == "True"


def test_g_is_fresh_per_request(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def view() -> dict[str, Any]:
        before = g.get("counter")
        g.counter = g.setdefault("counter", 0) + 1
        return {"before": before, "after": g.counter, "has": "counter" in g}

    assert client.get("/").json() == {"before": None, "after": 1, "has": True}
    assert client.get("/").json() == {"before": None, "after": 1, "has": True}


def test_proxies_outside_a_context_raise() -> None:
    assert not has_app_context()
    with pytest.raises(RuntimeError, match="outside of request context"):
        _ = request.path
    with pytest.raises(RuntimeError, match="outside of application context"):
        _ = current_app.config
    with pytest.raises(RuntimeError, match="outside of application context"):
        g.x = 1
    assert not request
    assert repr(request) == "<unbound ContextProxy>"


def test_app_context(app: Cupola) -> None:
    with app.app_context() as ctx:
        assert isinstance(ctx, AppContext)
        assert has_app_context()
        assert not has_request_context()
        assert current_app.config is app.config
        g.value = 1
        assert g.pop("value") == 1
        with pytest.raises(RuntimeError, match="request context"):
            _ = request.method
    assert not has_app_context()


def test_nested_app_contexts_restore(app: Cupola) -> None:
    other = Cupola("other")
    with app.app_context():
        g.name = "outer"
        with other.app_context():
            assert current_app.import_name == "other"
            assert "name" not in g
        assert current_app.import_name == app.import_name
        assert g.name == "outer"


def test_session_without_middleware_raises(app: Cupola) -> None:
    app.config["MIDDLEWARE"] = []
    with app.test_request_context("/"), pytest.raises(RuntimeError, match="session"):
        _ = session["user"]


def test_test_request_context(app: Cupola) -> None:
    @app.route("/items/<int:item_id>", methods=["PUT"])
    def update(item_id: int) -> str:
        return ""

    with app.test_request_context("/items/9?x=1&x=2", method="put", json={"a": [1]}) as req:
        assert request._get_current_object() is req  # type: ignore[attr-defined]
        assert request.method == "PUT"
        assert request.path == "/items/9"
        assert request.args.getlist("x") == ["1", "2"]
        assert request.json == {"a": [1]}
        assert request.view_args == {"item_id": 9}
        assert request.endpoint == "update"
        assert request.url == "http://localhost/items/9?x=1&x=2"
        g.inside = True
        assert current_app._get_current_object() is app  # type: ignore[attr-defined]
    assert not has_request_context()


def test_test_request_context_with_headers_and_form(app: Cupola) -> None:
    with app.test_request_context(
        "/", method="POST", data={"name": "ada"}, headers={"X-A": "b"}, base_url="https://x.io"
    ):
        assert request.form["name"] == "ada"
        assert request.headers["x-a"] == "b"
        assert request.is_secure
        assert request.host == "x.io"
        assert request.endpoint is None


def test_context_is_per_thread(app: Cupola, client: TestClient) -> None:
    @app.get("/<int:n>")
    def view(n: int) -> dict[str, Any]:
        g.n = n
        time.sleep(0.01)
        return {"path": request.path, "g": g.n, "arg": request.args["n"]}

    def fetch(n: int) -> bool:
        body = client.get(f"/{n}", query={"n": n}).json()
        return bool(body == {"path": f"/{n}", "g": n, "arg": str(n)})

    with ThreadPoolExecutor(max_workers=10) as pool:
        assert all(pool.map(fetch, range(30)))


def test_context_is_per_task_with_50_concurrent_requests(
    app: Cupola, asgi_call: Callable[..., Any]
) -> None:
    @app.get("/<int:n>")
    async def view(n: int) -> dict[str, Any]:
        mine = request._get_current_object()  # type: ignore[attr-defined]
        g.n = n
        await asyncio.sleep(0.01 * (n % 5))
        same = request._get_current_object() is mine  # type: ignore[attr-defined]
        return {"path": request.path, "same": same, "g": g.n}

    async def main() -> list[Any]:
        return await asyncio.gather(*(asgi_call("GET", f"/{n}".encode()) for n in range(50)))

    started = time.monotonic()
    responses = asyncio.run(main())
    # All ran concurrently on one loop: less than the sum of the sleeps (1 s), with room
    # for a busy machine (one after another would take 1 s or more).
    assert time.monotonic() - started < 0.8
    for n, response in enumerate(responses):
        assert response.status == 200
        assert json.loads(response.body) == {"path": f"/{n}", "same": True, "g": n}


def test_context_reset_after_request(app: Cupola, protocol: str) -> None:
    @app.get("/")
    def view() -> str:
        return ""

    client = app.test_client(protocol)  # type: ignore[arg-type]
    try:
        client.get("/")
        assert not has_request_context()
        assert not has_app_context()
    finally:
        client.close()


def test_context_follows_async_helpers(app: Cupola, client: TestClient) -> None:
    async def helper() -> str:
        await asyncio.sleep(0)
        return request.path

    @app.get("/a/<x>")
    async def view(x: str) -> dict[str, str]:
        first, second = await asyncio.gather(helper(), asyncio.create_task(helper()))
        return {"first": first, "second": second}

    assert client.get("/a/b").json() == {"first": "/a/b", "second": "/a/b"}


def test_proxy_current_object_passes_to_threads(app: Cupola, client: TestClient) -> None:
    @app.get("/")
    def view() -> str:
        real = request._get_current_object()  # type: ignore[attr-defined]
        result: list[str] = []
        thread = threading.Thread(target=lambda: result.append(real.path))
        thread.start()
        thread.join()
        return result[0]

    assert client.get("/").text == "/"


def test_proxy_forwards_mapping_operations() -> None:
    target: dict[str, Any] = {"seed": 1}
    proxy: Any = ContextProxy(lambda: target)
    proxy["user"] = "ada"
    assert sorted(proxy) == ["seed", "user"]
    assert len(proxy) == 2
    assert "user" in proxy
    del proxy["seed"]
    assert proxy["user"] == "ada"
    assert proxy == {"user": "ada"}
    assert proxy != {}
    assert str(proxy) == repr(proxy) == "{'user': 'ada'}"
    assert proxy._get_current_object() is target
    with pytest.raises(TypeError):
        hash(proxy)


def test_proxy_forwards_attributes() -> None:
    target = types.SimpleNamespace(a=1)
    proxy: Any = ContextProxy(lambda: target)
    proxy.b = 2
    assert (proxy.a, target.b) == (1, 2)
    del proxy.a
    assert not hasattr(target, "a")
    assert bool(proxy) is True


def test_g_namespace_helpers(app: Cupola) -> None:
    with app.app_context():
        g.a = 1
        g.setdefault("b", 2)
        assert sorted(g) == ["a", "b"]
        assert "a" in g
        assert g.get("missing", 3) == 3
        assert repr(g) == "<g {'a': 1, 'b': 2}>"
        del g.a
        assert "a" not in g
        with pytest.raises(KeyError):
            g.pop("a")
        assert g.pop("a", None) is None
