"""ViewSets routed by hand on the app, without a router or a blueprint."""

from __future__ import annotations

from typing import Any

import pytest

from cupola import Cupola
from cupola.rest import viewsets
from cupola.rest.decorators import action
from cupola.rest.response import Response


@pytest.fixture
def app() -> Cupola:
    rest = {"DEFAULT_AUTHENTICATION_CLASSES": [], "DEFAULT_PERMISSION_CLASSES": []}
    return Cupola(__name__, config={"REST": rest})


class Shelves(viewsets.ViewSet):
    def list(self, request: Any, **kwargs: Any) -> Response:
        return Response(
            {"self": self.reverse_action("list"), "extra": self.get_extra_action_url_map()}
        )

    def retrieve(self, request: Any, pk: str, **kwargs: Any) -> Response:
        return Response({"extra": self.get_extra_action_url_map()})

    @action(detail=True)
    def dust(self, request: Any, pk: str, **kwargs: Any) -> Response:
        return Response({"dusted": pk})

    @action(detail=True)
    def paint(self, request: Any, pk: str, **kwargs: Any) -> Response:
        return Response({"painted": pk})


def test_reverse_and_extra_actions_without_a_router(app: Cupola, protocol: str) -> None:
    listing = Shelves.as_view({"get": "list"}, basename="shelf", detail=False)
    detail = Shelves.as_view({"get": "retrieve"}, basename="shelf", detail=True)
    dust = Shelves.as_view({"post": "dust"}, basename="shelf", detail=True)
    app.add_url_rule("/shelves/", "shelf-list", view_func=listing)
    app.add_url_rule("/shelves/<pk>/", "shelf-detail", view_func=detail)
    app.add_url_rule("/shelves/<pk>/dust/", "shelf-dust", view_func=dust)
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        # The app's own endpoint names: no blueprint in front of them.
        assert client.get("/shelves/").json() == {
            "self": "http://localhost/shelves/",
            "extra": {},  # a list route: detail actions are not its own
        }
        # Only the actions that have a route here are linked.
        extra = client.get("/shelves/3/").json()["extra"]
        assert extra == {"Dust": "http://localhost/shelves/3/dust/"}
        assert client.post("/shelves/3/dust/").json() == {"dusted": "3"}


def test_extra_actions_of_a_viewset_without_a_kind(app: Cupola, protocol: str) -> None:
    app.add_url_rule("/loose/<pk>/", view_func=Shelves.as_view({"get": "retrieve"}))
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        # Neither a list nor a detail route (``detail`` not given): no actions to link.
        assert client.get("/loose/3/").json() == {"extra": {}}
