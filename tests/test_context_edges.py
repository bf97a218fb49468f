"""Context edges: nested pushes of one app context, stream_with_context's decorator form."""

from __future__ import annotations

from collections.abc import Iterator

from cupola import Cupola, g, request, signals
from cupola.context import has_app_context
from cupola.flask import stream_with_context
from cupola.testing import TestClient


def test_nested_push_of_one_context_tears_down_once(app: Cupola) -> None:
    torn: list[BaseException | None] = []
    app.teardown_appcontext(torn.append)
    context = app.app_context()
    with context:
        g.value = 1
        with context:  # the same context pushed again: the inner pop runs no teardown
            assert g.value == 1
        assert torn == []
        assert g.value == 1
    assert torn == [None]
    assert not has_app_context()


def test_app_context_signals(app: Cupola) -> None:
    seen: list[str] = []

    def pushed(sender: Cupola) -> None:
        seen.append(f"pushed {sender is app}")

    def popped(sender: Cupola) -> None:
        seen.append(f"popped {sender is app}")

    signals.appcontext_pushed.connect(pushed, app)
    signals.appcontext_popped.connect(popped, app)
    try:
        with app.app_context():
            assert seen == ["pushed True"]
    finally:
        signals.appcontext_pushed.disconnect(pushed, app)
        signals.appcontext_popped.disconnect(popped, app)
    assert seen == ["pushed True", "popped True"]


def test_stream_with_context_as_a_decorator(app: Cupola, client: TestClient) -> None:
    @app.get("/rows")
    def rows() -> Iterator[str]:
        @stream_with_context
        def generate(prefix: str) -> Iterator[str]:
            yield f"{prefix} {request.args['who']}\n"
            yield "end\n"

        return generate("for")

    response = client.get("/rows?who=ada")
    assert response.status_code == 200
    assert response.text == "for ada\nend\n"


def test_stream_with_context_over_an_iterable_without_close(
    app: Cupola, client: TestClient
) -> None:
    @app.get("/list")
    def listed() -> Iterator[str]:
        return stream_with_context(["a", "b", request.path])

    assert client.get("/list").text == "ab/list"
