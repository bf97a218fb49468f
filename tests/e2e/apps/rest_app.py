"""REST views over real servers: `gunicorn rest_app:app`, `uvicorn rest_app:app.asgi`."""

from __future__ import annotations

import asyncio
from typing import Any

from cupola import Cupola, PlainTextResponse
from cupola.rest import exceptions
from cupola.rest.response import Response
from cupola.rest.views import APIView

app = Cupola(__name__, config={"MAX_CONTENT_LENGTH": 64 * 1024}, static_folder=None)
app.config["REST"] = {"DEFAULT_AUTHENTICATION_CLASSES": [], "DEFAULT_PERMISSION_CLASSES": []}


class KeyAuthentication:
    def authenticate(self, request: Any) -> Any:
        key = request.headers.get("X-Key")
        return None if key is None else (key, key)

    def authenticate_header(self, request: Any) -> str:
        return "Key"


class Authenticated:
    def has_permission(self, request: Any, view: Any) -> bool:
        return request.auth is not None


class Books(APIView):
    authentication_classes = [KeyAuthentication]
    permission_classes = [Authenticated]

    def get(self, request: Any) -> Response:
        return Response({"books": [], "user": request.user})

    def post(self, request: Any) -> Response:
        return Response(request.data, status=201)


class AsyncBooks(Books):
    async def get(self, request: Any) -> Response:  # type: ignore[override]
        await asyncio.sleep(0)
        return Response({"books": [], "async": True})

    async def post(self, request: Any) -> Response:  # type: ignore[override]
        await asyncio.sleep(0)
        if not request.data:
            raise exceptions.ValidationError({"title": ["This field is required."]})
        return Response(request.data, status=201)


@app.get("/plain")
def plain() -> PlainTextResponse:
    return PlainTextResponse("Hello, world!")


app.add_url_rule("/books/", view_func=Books.as_view("books"))
app.add_url_rule("/async-books/", view_func=AsyncBooks.as_view("async-books"))
