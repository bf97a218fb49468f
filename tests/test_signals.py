"""Lifecycle signals (cupola/signals.py): Flask's names and arguments, on both protocols."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from cupola import Cupola, flash, render
from cupola.signals import (
    appcontext_popped,
    appcontext_pushed,
    appcontext_tearing_down,
    before_render_template,
    got_request_exception,
    message_flashed,
    request_finished,
    request_started,
    request_tearing_down,
    template_rendered,
)
from cupola.testing import TestClient


@pytest.fixture
def app() -> Cupola:
    app = Cupola(__name__, config={"SECRET_KEY": "signals", "PROPAGATE_EXCEPTIONS": False})

    @app.get("/")
    def index() -> str:
        return "home"

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    @app.get("/async")
    async def asynchronous() -> str:
        return "async"

    @app.get("/page")
    def page() -> str:
        flash("hi", "info")
        return render("page.txt", who="ada")

    return app


@pytest.fixture
def recorded() -> Iterator[Callable[..., list[tuple[str, dict[str, Any]]]]]:
    """``recorded(*signals)``: a list each sent signal appends ``(name, kwargs)`` to."""
    connected: list[tuple[Any, Any]] = []

    def record(*signals: Any) -> list[tuple[str, dict[str, Any]]]:
        events: list[tuple[str, dict[str, Any]]] = []
        for signal in signals:

            def receiver(sender: Any, _name: str = signal.name, **kwargs: Any) -> None:
                assert isinstance(sender, Cupola)
                events.append((_name, kwargs))

            signal.connect(receiver)
            connected.append((signal, receiver))
        return events

    yield record
    for signal, receiver in connected:
        signal.disconnect(receiver)


REQUEST_SIGNALS = (request_started, request_finished, request_tearing_down, appcontext_tearing_down)


@pytest.mark.parametrize("path", ["/", "/async", "/missing"])
def test_request_signals_in_order(
    client: TestClient, recorded: Callable[..., Any], path: str
) -> None:
    events = recorded(*REQUEST_SIGNALS, got_request_exception)
    response = client.get(path)
    names = [name for name, _ in events]
    assert names == [
        "request-started",
        "request-finished",
        "request-tearing-down",
        "appcontext-tearing-down",
    ]
    assert events[1][1]["response"].status == response.status_code
    assert events[2][1] == {"exc": None}


def test_got_request_exception(client: TestClient, recorded: Callable[..., Any]) -> None:
    events = recorded(got_request_exception, request_tearing_down)
    assert client.get("/boom").status_code == 500
    (first, exception), (second, teardown) = events
    assert first == "got-request-exception" and isinstance(exception["exception"], RuntimeError)
    assert second == "request-tearing-down" and teardown["exc"] is exception["exception"]


def test_a_receiver_connected_after_the_first_request_is_reached(
    client: TestClient, recorded: Callable[..., Any]
) -> None:
    assert client.get("/").text == "home"  # built with no receivers: no signal hooks
    events = recorded(request_started)
    client.get("/")
    assert events == [("request-started", {})]


def test_template_and_flash_signals(
    app: Cupola, tmp_path: Any, client: TestClient, recorded: Callable[..., Any]
) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.txt").write_text("hello {{ who }}")
    app.template_folder = str(folder)
    app.invalidate()
    events = recorded(before_render_template, template_rendered, message_flashed)
    assert client.get("/page").text == "hello ada"
    assert [name for name, _ in events] == [
        "message-flashed",
        "before-render-template",
        "template-rendered",
    ]
    assert events[0][1] == {"message": "hi", "category": "info"}
    assert events[2][1]["context"]["who"] == "ada"


def test_app_context_signals(app: Cupola, recorded: Callable[..., Any]) -> None:
    events = recorded(appcontext_pushed, appcontext_tearing_down, appcontext_popped)
    with app.app_context():
        pass
    assert [name for name, _ in events] == [
        "appcontext-pushed",
        "appcontext-tearing-down",
        "appcontext-popped",
    ]
