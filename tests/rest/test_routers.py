"""Routers: the routes of registered viewsets as a blueprint, the API root; both protocols."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from cupola.exceptions import ImproperlyConfigured
from cupola.rest import routers, viewsets
from cupola.rest.decorators import action
from cupola.rest.response import Response
from tests.rest.conftest import book_serializer


def book_viewset(shelf: Any) -> Any:
    class BookViewSet(viewsets.ModelViewSet):
        queryset = select(shelf.Book)
        serializer_class = book_serializer(shelf)

        @action(detail=True, methods=["post"])
        def restock(self, request: Any, pk: Any = None, **kwargs: Any) -> Response:
            return Response({"restocked": pk, "kwargs": sorted(kwargs)})

        @action(detail=False, url_path="by-price/cheap", url_name="cheap")
        def cheap(self, request: Any, **kwargs: Any) -> Response:
            return Response({"cheap": True})

    return BookViewSet


def author_viewset(shelf: Any) -> Any:
    class AuthorViewSet(viewsets.ReadOnlyModelViewSet):
        model = shelf.Author

        def list(self, request: Any, **kwargs: Any) -> Response:
            return Response({"version": kwargs.get("version")})

    return AuthorViewSet


def test_simple_router_routes(shelf: Any) -> None:
    router = routers.SimpleRouter()
    router.register("books", book_viewset(shelf))
    assert router.registry[0][2] == "book"
    rules = [(rule.rule, rule.endpoint, rule.view_func.actions) for rule in router.urls]
    assert rules == [
        ("/books/", "book-list", {"get": "list", "post": "create", "head": "list"}),
        ("/books/by-price/cheap/", "book-cheap", {"get": "cheap", "head": "cheap"}),
        (
            "/books/<lookup:pk>/",
            "book-detail",
            {
                "get": "retrieve",
                "put": "update",
                "patch": "partial_update",
                "delete": "destroy",
                "head": "retrieve",
            },
        ),
        ("/books/<lookup:pk>/restock/", "book-restock", {"post": "restock"}),
    ]
    assert router.urls[0].view_func.view_initkwargs == {
        "suffix": "List",
        "basename": "book",
        "detail": False,
    }
    assert router.urls[3].view_func.view_initkwargs["name"] == "Restock"


def test_router_blueprint_answers(shelf: Any, protocol: str) -> None:
    shelf.seed(3)
    router = routers.DefaultRouter()
    router.register("books", book_viewset(shelf))
    shelf.app.register_blueprint(router.as_blueprint(url_prefix="/api"))
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert client.get("/api/books/").status_code == 200
        assert client.get("/api/books/2/").json()["title"] == "Book 2"
        assert client.post("/api/books/2/restock/").json() == {"restocked": "2", "kwargs": []}
        assert client.get("/api/books/by-price/cheap/").json() == {"cheap": True}
        assert client.get("/api/books/2/restock/").headers["allow"] == "POST, OPTIONS"
        # The lookup stops at "." (left for a format suffix); "/" ends it.
        assert client.get("/api/books/2.json/").status_code == 404
        assert client.get("/api/books/a b/").json() == {"detail": "Not found."}
        assert client.delete("/api/books/2/").status_code == 204


def test_no_trailing_slash(shelf: Any, protocol: str) -> None:
    shelf.seed(1)
    router = routers.SimpleRouter(trailing_slash=False)
    router.register("books", book_viewset(shelf))
    assert [rule.rule for rule in router.urls] == [
        "/books",
        "/books/by-price/cheap",
        "/books/<lookup:pk>",
        "/books/<lookup:pk>/restock",
    ]
    shelf.app.register_blueprint(router.as_blueprint(url_prefix="/api"))
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert client.get("/api/books/1").json()["id"] == 1


def test_api_root_lists_prefixes_in_registration_order(shelf: Any, protocol: str) -> None:
    router = routers.DefaultRouter()
    router.register("writers", author_viewset(shelf))
    router.register("books", book_viewset(shelf))
    router.register("stock", book_viewset(shelf), basename="stock")
    shelf.app.register_blueprint(router.as_blueprint(url_prefix="/api"))
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        root = client.get("/api/", headers={"Host": "books.example:8000"})
        assert root.status_code == 200
        assert root.headers["allow"] == "GET, HEAD, OPTIONS"
        assert root.headers["content-type"] == "application/json"
        assert list(root.json().items()) == [
            ("writers", "http://books.example:8000/api/writers/"),
            ("books", "http://books.example:8000/api/books/"),
            ("stock", "http://books.example:8000/api/stock/"),
        ]
        assert client.post("/api/").status_code == 405


def test_prefix_variables_reach_the_views(shelf: Any, protocol: str) -> None:
    router = routers.DefaultRouter()
    router.register("authors", author_viewset(shelf))
    shelf.app.register_blueprint(router.as_blueprint(url_prefix="/api/<version>", name="v"))
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert client.get("/api/v2/authors/").json() == {"version": "v2"}
        assert client.get("/api/v2/").json() == {"authors": "http://localhost/api/v2/authors/"}


def test_router_urls_register_on_an_app(shelf: Any, protocol: str) -> None:
    shelf.seed(1)
    router = routers.SimpleRouter()
    router.register("books", book_viewset(shelf))
    for rule in router.urls:
        shelf.app.add_url_rule(rule.rule, rule.endpoint, rule.view_func)
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert client.get("/books/1/").json()["id"] == 1


def test_empty_prefix_and_lookup_converter(shelf: Any, protocol: str) -> None:
    shelf.seed(2)

    class ById(viewsets.ReadOnlyModelViewSet):
        queryset = select(shelf.Book)
        serializer_class = book_serializer(shelf)
        lookup_value_converter = "int"

    router = routers.SimpleRouter()
    router.register("", ById)
    assert [rule.rule for rule in router.urls] == ["/", "/<int:pk>/"]
    shelf.app.register_blueprint(router.as_blueprint(url_prefix="/books"))
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        assert len(client.get("/books/").json()) == 2
        assert client.get("/books/2/").json()["id"] == 2
        assert client.get("/books/abc/").status_code == 404


def test_lookup_url_kwarg_names_the_variable(shelf: Any) -> None:
    class ByTitle(viewsets.ReadOnlyModelViewSet):
        model = shelf.Book
        lookup_field = "title"
        lookup_url_kwarg = "name"

    router = routers.SimpleRouter()
    router.register("titles", ByTitle)
    assert router.urls[1].rule == "/titles/<lookup:name>/"


def test_registration_errors(shelf: Any) -> None:
    router = routers.SimpleRouter()
    router.register("books", book_viewset(shelf))
    with pytest.raises(ImproperlyConfigured, match='basename "book" is already registered'):
        router.register("more", book_viewset(shelf))

    class Anonymous(viewsets.ViewSet):
        pass

    with pytest.raises(ImproperlyConfigured, match=r"does not have a `\.queryset` attribute"):
        router.register("things", Anonymous)

    class Clash(viewsets.ModelViewSet):
        model = shelf.Author

        @action(detail=False)
        def list(self, request: Any, **kwargs: Any) -> Response:  # type: ignore[override]
            return Response()

    router.register("clash", Clash)
    with pytest.raises(ImproperlyConfigured, match="existing routes: list"):
        _ = router.urls
    with pytest.raises(NotImplementedError):
        routers.BaseRouter().get_urls()
    with pytest.raises(NotImplementedError):
        routers.BaseRouter().register("x", Anonymous)


def test_viewset_without_list_is_left_out_of_the_root(shelf: Any, protocol: str) -> None:
    class DetailOnly(viewsets.GenericViewSet):
        model = shelf.Book

        def retrieve(self, request: Any, pk: Any = None, **kwargs: Any) -> Response:
            return Response({"pk": pk})

    router = routers.DefaultRouter(root_renderers=["cupola.rest.renderers.JSONRenderer"])
    router.register("books", DetailOnly)
    assert [rule.rule for rule in router.urls] == ["/books/<lookup:pk>/", "/"]
    shelf.app.register_blueprint(router.as_blueprint(url_prefix="/api"))
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        root = client.get("/api/")
        assert root.json() == {}
        assert "vary" not in root.headers


def test_api_root_options_describe_it_as_rest_framework_does(shelf: Any, protocol: str) -> None:
    router = routers.DefaultRouter()
    router.register("books", book_viewset(shelf))
    shelf.app.register_blueprint(router.as_blueprint(url_prefix="/api"))
    with shelf.app.test_client(protocol) as client:  # type: ignore[arg-type]
        body = client.options("/api/").json()
        assert body["name"] == "Api Root"
        assert body["description"] == "The default basic root view for DefaultRouter"
        listing = client.options("/api/books/").json()
        assert listing["name"] == "Book List" and "POST" in listing["actions"]
        assert client.options("/api/books/1/").json()["name"] == "Book Instance"
