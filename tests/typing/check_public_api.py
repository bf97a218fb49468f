"""Static type checks of the public API: checked by mypy, never run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, assert_type

import httpx

from cupola import (
    Blueprint,
    Cupola,
    JSONResponse,
    RedirectResponse,
    Response,
    View,
    current_app,
    g,
    redirect,
    render,
    request,
    url_for,
)
from cupola.context import AppGlobals
from cupola.http.headers import Headers
from cupola.http.multidict import ImmutableMultiDict
from cupola.http.request import Request
from cupola.testing import TestClient

app = Cupola(__name__, config={"SECRET_KEY": "x"})
books = Blueprint("books", __name__, url_prefix="/books")


@app.get("/items/<int:item_id>")
def show(item_id: int) -> dict[str, int]:
    return {"id": item_id}


kept: Callable[[int], dict[str, int]] = show  # decorators keep the signature


@books.post("/")
async def create(request: Request) -> tuple[dict[str, Any], int]:
    return {"got": request.json}, 201


class Items(View):
    def get(self, request: Request) -> Response:
        return JSONResponse([])


app.add_url_rule("/items", view_func=Items.as_view("items"))
app.register_blueprint(books)

assert_type(request, Request)
assert_type(request.args, ImmutableMultiDict[str])
assert_type(request.headers, Headers)
assert_type(request.view_args, dict[str, Any])
assert_type(current_app, Cupola)
assert_type(g, AppGlobals)
assert_type(url_for("show", item_id=1), str)
assert_type(render("index.html", title="x"), str)
assert_type(redirect("/"), RedirectResponse)
assert_type(app.test_client(), TestClient)
assert_type(app.test_client("asgi").get("/"), httpx.Response)
assert_type(app.config["DEBUG"], Any)
