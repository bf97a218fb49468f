"""The route panel: rule, endpoint, view and converters of the matched route."""

from __future__ import annotations

from typing import Any

from cupola import Blueprint, Cupola
from cupola.testing import TestClient
from cupola.views import View

from ...conftest import details, panel


def test_the_matched_rule(app: Cupola, client: TestClient) -> None:
    shop = Blueprint("shop", __name__, url_prefix="/shop")

    @shop.get("/items/<int:item_id>/<slug>")
    def item(item_id: int, slug: str) -> Any:
        return {"id": item_id}

    class Listing(View):
        def get(self) -> str:
            return "list"

    shop.add_url_rule("/items", view_func=Listing.as_view("listing"))
    app.register_blueprint(shop)

    route = panel(details(client, client.get("/shop/items/7/emma").headers["X-Debug-Id"]), "route")
    assert "<td>Rule</td><td>/shop/items/&lt;int:item_id&gt;/&lt;slug&gt;</td>" in route
    assert "<td>Endpoint</td><td>shop.item</td>" in route
    assert "test_the_matched_rule.&lt;locals&gt;.item</td>" in route
    assert "<td>Blueprint</td><td>shop</td>" in route
    assert "<td>item_id</td><td>IntegerConverter</td>" in route
    assert "<td>slug</td><td>StringConverter</td>" in route
    assert "<td>item_id</td><td>7</td>" in route
    listing = panel(details(client, client.get("/shop/items").headers["X-Debug-Id"]), "route")
    assert "test_the_matched_rule.&lt;locals&gt;.Listing</td>" in listing


def test_no_match(app: Cupola, client: TestClient) -> None:
    route = panel(details(client, client.get("/nowhere").headers["X-Debug-Id"]), "route")
    assert "No rule matched this request." in route
