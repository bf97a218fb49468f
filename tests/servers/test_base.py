"""cupola.servers.base: the adapter registry, the interface choice, options and app loading."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cupola import Cupola
from cupola.exceptions import ImproperlyConfigured
from cupola.servers import base
from cupola.servers.base import ServeOptions, get_adapter, interface_for, load_served_app

APPS = Path(__file__).parent / "apps"


def test_every_server_has_an_adapter_named_after_it() -> None:
    for name in base.ADAPTERS:
        assert get_adapter(name).name == name
    assert base.DEFAULT_SERVER == "granian"


def test_unknown_server() -> None:
    with pytest.raises(ImproperlyConfigured, match="Unknown server 'waitress': pick one of"):
        get_adapter("waitress")


def test_a_server_that_is_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(base.ADAPTERS, "nowhere", "nowhere.adapter:Adapter")
    with pytest.raises(ImproperlyConfigured, match=r"pip install 'cupola\[nowhere\]'"):
        get_adapter("nowhere")


def test_interface_follows_websocket_routes() -> None:
    app = Cupola("plain")
    app.get("/")(lambda: "ok")
    assert interface_for(app) == "wsgi"

    @app.websocket("/ws")
    async def ws(socket: Any) -> None:
        await socket.accept()

    assert interface_for(app) == "asgi"


def test_options_addresses_and_environment() -> None:
    options = ServeOptions(
        spec="blog:app",
        interface="wsgi",
        binds=(("127.0.0.1", 8000), ("::1", 8001)),
        uds="/run/blog.sock",
        threads=8,
        access_log="json",
    )
    assert options.addresses == [
        "http://127.0.0.1:8000",
        "http://[::1]:8001",
        "unix:/run/blog.sock",
    ]
    assert options.environ() == {
        base.APP_ENV: "blog:app",
        base.ACCESS_LOG_ENV: "json",
        base.THREADS_ENV: "8",
    }
    assert ServeOptions(spec="", interface="asgi").environ() == {base.APP_ENV: ""}


def test_adapters_refuse_what_their_server_cannot_do() -> None:
    two = ServeOptions(spec="", interface="wsgi", binds=(("127.0.0.1", 1), ("127.0.0.1", 2)))
    with pytest.raises(ImproperlyConfigured, match="granian listens on one address"):
        get_adapter("granian").check(two)
    get_adapter("gunicorn").check(two)
    get_adapter("uvicorn").check(two)
    asgi = ServeOptions(spec="", interface="asgi")
    with pytest.raises(ImproperlyConfigured, match="gunicorn does not serve ASGI apps"):
        get_adapter("gunicorn").check(asgi)
    get_adapter("uvicorn").check(asgi)


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(APPS)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setenv(base.APP_ENV, "serve_app")
    monkeypatch.delenv(base.ACCESS_LOG_ENV, raising=False)
    monkeypatch.delenv(base.THREADS_ENV, raising=False)
    yield
    sys.modules.pop("serve_app", None)


@pytest.mark.usefixtures("served")
def test_load_served_app_gives_the_wsgi_or_asgi_callable(monkeypatch: pytest.MonkeyPatch) -> None:
    wsgi = load_served_app("wsgi")
    app = sys.modules["serve_app"].app
    assert wsgi is app
    assert load_served_app("asgi") is app.asgi
    monkeypatch.setenv(base.THREADS_ENV, "7")
    load_served_app("wsgi")
    assert app.config["ASGI_THREADS"] == 40  # WSGI: the server's threads
    load_served_app("asgi")
    assert app.config["ASGI_THREADS"] == 7


@pytest.mark.usefixtures("served")
def test_load_served_app_wraps_for_the_access_log(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(base.ACCESS_LOG_ENV, "text")
    wrapped = load_served_app("wsgi")
    assert wrapped is not sys.modules["serve_app"].app
    assert wrapped.__name__ == "logged"
