"""ViewSets: methods bound to actions, ``self.action``, ``@action`` methods; both protocols."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from cupola.exceptions import ImproperlyConfigured
from cupola.rest import viewsets
from cupola.rest.decorators import action
from cupola.rest.response import Response
from tests.rest.conftest import book_serializer, serve


def test_viewset_as_view_binds_methods_to_actions(shelf: Any, protocol: str) -> None:
    class Greetings(viewsets.ViewSet):
        def list(self, request: Any, **kwargs: Any) -> Response:
            return Response({"action": self.action, "kwargs": kwargs})

        def create(self, request: Any, **kwargs: Any) -> Response:
            return Response({"action": self.action, "data": request.data}, status=201)

    view = Greetings.as_view({"get": "list", "post": "create"})
    assert view.actions == {"get": "list", "post": "create", "head": "list"}
    serve(shelf, ("/hello/<name>/", view))
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        listed = client.get("/hello/ann/")
        assert listed.json() == {"action": "list", "kwargs": {"name": "ann"}}
        assert listed.headers["allow"] == "GET, POST, HEAD, OPTIONS"
        assert client.post("/hello/ann/", json={"a": 1}).json() == {
            "action": "create",
            "data": {"a": 1},
        }
        refused = client.put("/hello/ann/")
        assert refused.status_code == 405
        assert refused.json() == {"detail": 'Method "PUT" not allowed.'}
        assert client.options("/hello/ann/").status_code == 200


def test_action_is_metadata_for_options_and_none_for_unmapped(shelf: Any, protocol: str) -> None:
    seen: list[Any] = []

    class Spy(viewsets.ViewSet):
        def list(self, request: Any, **kwargs: Any) -> Response:
            return Response([])

        def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
            seen.append(self.action)
            super().initial(request, *args, **kwargs)

    serve(shelf, ("/spy/", Spy.as_view({"get": "list"})))
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        client.options("/spy/")
        client.delete("/spy/")
        client.head("/spy/")
    assert seen == ["metadata", None, "list"]


def test_as_view_refuses_bad_arguments() -> None:
    with pytest.raises(TypeError, match="The `actions` argument must be provided"):
        viewsets.ViewSet.as_view()
    with pytest.raises(TypeError, match="mutually exclusive"):
        viewsets.ViewSet.as_view({"get": "list"}, name="A", suffix="B")
    with pytest.raises(TypeError, match="invalid keyword 'nope'"):
        viewsets.ViewSet.as_view({"get": "list"}, nope=1)


def test_model_viewset_actions(shelf: Any, protocol: str) -> None:
    shelf.seed(3)

    class Books(viewsets.ModelViewSet):
        queryset = select(shelf.Book)
        serializer_class = book_serializer(shelf)

        @action(detail=True, methods=["post"])
        def restock(self, request: Any, pk: Any = None, **kwargs: Any) -> Response:
            book = self.get_object()
            book.in_stock = False
            shelf.db.session.commit()
            return Response({"action": self.action, "pk": pk, "in_stock": book.in_stock})

        @action(detail=False)
        def cheapest(self, request: Any, **kwargs: Any) -> Response:
            book = shelf.db.session.scalars(
                self.get_queryset().order_by(shelf.Book.price).limit(1)
            ).one()
            return Response(self.get_serializer(book).data)

    serve(
        shelf,
        ("/books/", Books.as_view({"get": "list", "post": "create"})),
        (
            "/books/<pk>/",
            Books.as_view(
                {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
            ),
        ),
        ("/books/<pk>/restock/", Books.as_view({"post": "restock"}, **Books.restock.kwargs)),
        ("/books/cheapest/", Books.as_view({"get": "cheapest"})),
    )
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert len(client.get("/books/").json()) == 3
        assert client.post("/books/", json={"title": "New", "price": "0.10"}).status_code == 201
        assert client.get("/books/cheapest/").json()["title"] == "New"
        assert client.patch("/books/1/", json={"title": "Uno"}).json()["title"] == "Uno"
        restocked = client.post("/books/2/restock/")
        assert restocked.json() == {"action": "restock", "pk": "2", "in_stock": False}
        assert restocked.headers["allow"] == "POST, OPTIONS"
        assert client.delete("/books/3/").status_code == 204
        assert client.get("/books/3/").status_code == 404


def test_read_only_model_viewset(shelf: Any, protocol: str) -> None:
    shelf.seed(1)

    class Books(viewsets.ReadOnlyModelViewSet):
        model = shelf.Book
        serializer_class = book_serializer(shelf)
        authentication_classes: list[Any] = []

    assert not hasattr(Books, "create")
    serve(shelf, ("/books/<pk>/", Books.as_view({"get": "retrieve"})))
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert client.get("/books/1/").json()["title"] == "Book 1"
        assert client.put("/books/1/").status_code == 405


def test_async_viewset(shelf: Any, protocol: str) -> None:
    class Pinger(viewsets.ViewSet):
        async def list(self, request: Any, **kwargs: Any) -> Response:
            return Response({"pong": self.action})

    serve(shelf, ("/ping/", Pinger.as_view({"get": "list"})))
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert client.get("/ping/").json() == {"pong": "list"}


def test_extra_actions_are_found_and_checked() -> None:
    class Books(viewsets.ViewSet):
        @action(detail=True, methods=["post"], url_path="re-stock")
        def restock(self, request: Any, **kwargs: Any) -> Response:
            return Response()

        @action(detail=False)
        def recent(self, request: Any, **kwargs: Any) -> Response:
            return Response()

    names = [a.__name__ for a in Books.get_extra_actions()]
    assert names == ["recent", "restock"]
    assert Books.restock.url_path == "re-stock"

    def wrapped(self: Any, request: Any) -> Response:
        return Response()

    wrapped.mapping = Books.recent.mapping  # type: ignore[attr-defined]

    class Broken(viewsets.ViewSet):
        misnamed = wrapped

    with pytest.raises(ImproperlyConfigured, match="to match its attribute name"):
        Broken.get_extra_actions()


def test_reverse_action_and_extra_action_urls(shelf: Any, protocol: str) -> None:
    from cupola.rest import routers

    class Books(viewsets.GenericViewSet):
        queryset = select(shelf.Book)

        def retrieve(self, request: Any, pk: Any = None, **kwargs: Any) -> Response:
            return Response(
                {
                    "self": self.reverse_action("detail", kwargs={"pk": pk}),
                    "list": self.reverse_action("list"),
                    "extra": self.get_extra_action_url_map(),
                }
            )

        def list(self, request: Any, **kwargs: Any) -> Response:
            return Response({"extra": self.get_extra_action_url_map()})

        @action(detail=True, name="Put on shelf")
        def shelve(self, request: Any, pk: Any = None, **kwargs: Any) -> Response:
            return Response()

    router = routers.SimpleRouter()
    router.register("books", Books)
    shelf.app.register_blueprint(router.as_blueprint(url_prefix="/api"))
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert client.get("/api/books/").json() == {"extra": {}}
        assert client.get("/api/books/7/").json() == {
            "self": "http://localhost/api/books/7/",
            "list": "http://localhost/api/books/",
            "extra": {"Put on shelf": "http://localhost/api/books/7/shelve/"},
        }
