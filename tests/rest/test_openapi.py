"""OpenAPI 3.1: the generated document, its views and its agreement with real answers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate
from sqlalchemy import select

from cupola import Cupola
from cupola.rest import (
    authentication,
    decorators,
    filters,
    pagination,
    permissions,
    routers,
    serializers,
    throttling,
    versioning,
    viewsets,
)
from cupola.rest.openapi import (
    AutoSchema,
    SchemaGenerator,
    add_schema_routes,
    get_docs_view,
    get_schema_view,
    map_field,
    map_serializer,
)
from cupola.rest.response import Response
from cupola.rest.views import APIView
from tests.rest.conftest import Shelf, build_shelf


class Token:
    """Stands for a token model: the schema reads the class, never the table."""


def api(shelf: Shelf) -> Cupola:
    """The shelf app with a versioned, paginated, filtered, authenticated books API."""
    app = shelf.app
    app.config["REST"] = {
        "DEFAULT_PAGINATION_CLASS": pagination.PageNumberPagination,
        "PAGE_SIZE": 2,
        "DEFAULT_VERSIONING_CLASS": versioning.URLPathVersioning,
        "ALLOWED_VERSIONS": ["v1", "v2"],
        "DEFAULT_THROTTLE_RATES": {"anon": "1000/min"},
    }

    class BookSerializer(serializers.ModelSerializer):
        class Meta:
            model = shelf.Book
            fields = ["id", "title", "price", "in_stock", "published", "author"]

    class AuthorSerializer(serializers.ModelSerializer):
        class Meta:
            model = shelf.Author
            fields = ["id", "name"]

    class BookViewSet(viewsets.ModelViewSet):
        """Books on the shelf."""

        queryset = select(shelf.Book)
        serializer_class = BookSerializer
        filter_backends = [filters.SearchFilter, filters.OrderingFilter]
        search_fields = ["title"]
        ordering_fields = ["title", "price"]
        authentication_classes = [
            authentication.BasicAuthentication,
            authentication.TokenAuthentication,
            authentication.SessionAuthentication,
        ]
        permission_classes = [permissions.IsAuthenticatedOrReadOnly]
        throttle_classes = [throttling.AnonRateThrottle]

        @decorators.action(detail=True, methods=["post"])
        def restock(self, request: Any, pk: Any = None, **kwargs: Any) -> Response:
            return Response(self.get_serializer(self.get_object()).data)

    class AuthorViewSet(viewsets.ReadOnlyModelViewSet):
        queryset = select(shelf.Author)
        serializer_class = AuthorSerializer
        authentication_classes = [authentication.TokenAuthentication]
        permission_classes = [permissions.IsAuthenticated]

    router = routers.DefaultRouter()
    router.register("books", BookViewSet)
    router.register("authors", AuthorViewSet)
    app.register_blueprint(router.as_blueprint(url_prefix="/api/<version>"))
    add_schema_routes(app, title="Shelf", version="2.0", description="Books and authors.")
    return app


@pytest.fixture
def shelf(tmp_path: Path) -> Iterator[Shelf]:
    made = build_shelf(f"sqlite:///{tmp_path / 'openapi.db'}")
    with made.app.app_context():
        made.db.create_all()
    yield made
    with made.app.app_context():
        made.db.session.remove()
        made.db.dispose()


@pytest.fixture
def document(shelf: Shelf) -> dict[str, Any]:
    app = api(shelf)
    with app.test_client() as client:
        doc: dict[str, Any] = client.get("/openapi.json").json()
    return doc


def test_document_is_valid_openapi_31(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["info"] == {
        "title": "Shelf",
        "version": "2.0",
        "description": "Books and authors.",
    }
    assert list(document["paths"]) == [
        "/api/{version}/books/",
        "/api/{version}/books/{id}/",
        "/api/{version}/books/{id}/restock/",
        "/api/{version}/authors/",
        "/api/{version}/authors/{id}/",
    ]


def test_operations_and_ids(document: dict[str, Any]) -> None:
    paths = document["paths"]
    ids = {
        (path, method): op["operationId"]
        for path, item in paths.items()
        for method, op in item.items()
    }
    assert ids == {
        ("/api/{version}/books/", "get"): "listBooks",
        ("/api/{version}/books/", "post"): "createBook",
        ("/api/{version}/books/{id}/", "get"): "retrieveBook",
        ("/api/{version}/books/{id}/", "put"): "updateBook",
        ("/api/{version}/books/{id}/", "patch"): "partialUpdateBook",
        ("/api/{version}/books/{id}/", "delete"): "destroyBook",
        ("/api/{version}/books/{id}/restock/", "post"): "restockBook",
        ("/api/{version}/authors/", "get"): "listAuthors",
        ("/api/{version}/authors/{id}/", "get"): "retrieveAuthor",
    }
    assert paths["/api/{version}/books/"]["get"]["tags"] == ["books"]
    assert paths["/api/{version}/books/"]["get"]["description"] == "Books on the shelf."


def test_parameters(document: dict[str, Any]) -> None:
    listing = document["paths"]["/api/{version}/books/"]["get"]
    by_name = {p["name"]: p for p in listing["parameters"]}
    assert list(by_name) == ["version", "page", "search", "ordering"]
    assert by_name["version"]["in"] == "path" and by_name["version"]["required"] is True
    assert by_name["version"]["schema"] == {"type": "string", "enum": ["v1", "v2"]}
    assert by_name["page"]["schema"] == {"type": "integer"}
    assert by_name["search"]["in"] == "query"
    detail = document["paths"]["/api/{version}/books/{id}/"]["get"]
    key = next(p for p in detail["parameters"] if p["name"] == "id")
    assert key["schema"] == {"type": "integer"}
    assert key["description"] == "A unique integer value identifying this book."


def test_bodies_responses_and_components(document: dict[str, Any]) -> None:
    books = document["paths"]["/api/{version}/books/"]
    ref = {"$ref": "#/components/schemas/Book"}
    assert books["post"]["requestBody"]["content"] == {
        "application/json": {"schema": ref},
        "application/x-www-form-urlencoded": {"schema": ref},
        "multipart/form-data": {"schema": ref},
    }
    # 404: a version outside ALLOWED_VERSIONS
    assert set(books["post"]["responses"]) == {
        "201",
        "400",
        "401",
        "403",
        "404",
        "406",
        "415",
        "429",
    }
    page = books["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert page["properties"]["results"] == {"type": "array", "items": ref}
    assert page["properties"]["next"]["type"] == ["string", "null"]  # 3.1, not `nullable`
    detail = document["paths"]["/api/{version}/books/{id}/"]
    assert set(detail["delete"]["responses"]) == {"204", "400", "401", "403", "404", "406", "429"}
    assert detail["delete"]["responses"]["400"]["description"] == "Malformed request."
    assert "content" not in detail["delete"]["responses"]["204"]
    authors = document["paths"]["/api/{version}/authors/"]["get"]
    assert "401" in authors["responses"] and "429" not in authors["responses"]
    book = document["components"]["schemas"]["Book"]
    assert book["required"] == ["title", "price"]
    assert book["properties"]["id"] == {"type": "integer", "readOnly": True}
    assert book["properties"]["title"] == {"type": "string", "maxLength": 200, "minLength": 1}
    assert book["properties"]["price"]["type"] == "string"
    assert book["properties"]["price"]["format"] == "decimal"
    assert book["properties"]["published"] == {"type": ["string", "null"], "format": "date"}
    assert book["properties"]["author"] == {"type": ["integer", "null"]}
    assert document["components"]["schemas"]["Error"]["required"] == ["detail"]


def test_security(document: dict[str, Any]) -> None:
    assert document["components"]["securitySchemes"] == {
        "Basic": {"type": "http", "scheme": "basic"},
        "Token": {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'The token with its keyword: "Token <key>".',
        },
        "Session": {"type": "apiKey", "in": "cookie", "name": "session"},
    }
    books = document["paths"]["/api/{version}/books/"]
    assert books["get"]["security"] == [{"Basic": []}, {"Token": []}, {"Session": []}, {}]
    assert books["post"]["security"] == [{"Basic": []}, {"Token": []}, {"Session": []}]
    assert document["paths"]["/api/{version}/authors/"]["get"]["security"] == [{"Token": []}]


def test_real_answers_match_the_document(shelf: Shelf, protocol: str) -> None:
    app = api(shelf)
    shelf.seed(3)
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        doc = client.get("/openapi.json").json()

        def check(path: str, method: str, status: str, body: Any) -> None:
            content = doc["paths"][path][method]["responses"][status]["content"]
            schema = content["application/json"]["schema"]
            jsonschema.Draft202012Validator({**schema, "components": doc["components"]}).validate(
                body
            )

        books = "/api/{version}/books/"
        check(books, "get", "200", client.get("/api/v1/books/").json())
        check(books, "get", "200", client.get("/api/v1/books/?page=2").json())
        check(books + "{id}/", "get", "200", client.get("/api/v1/books/1/").json())
        check(books + "{id}/", "get", "404", client.get("/api/v1/books/99/").json())
        check(books, "post", "401", client.post("/api/v1/books/", json={}).json())
        with pytest.raises(jsonschema.ValidationError):
            check(books + "{id}/", "get", "200", {"id": "one", "title": 3})


def test_schema_view_negotiation_and_docs_page(shelf: Shelf, protocol: str) -> None:
    app = api(shelf)
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        answer = client.get("/openapi.json")
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "application/vnd.oai.openapi+json"
        plain = client.get("/openapi.json", headers={"Accept": "application/json"})
        assert plain.headers["content-type"] == "application/json"
        assert plain.json() == answer.json()
        assert "/openapi.json" not in answer.json()["paths"]  # the document leaves itself out
        docs = client.get("/api-docs/")
        assert docs.status_code == 200
        assert docs.headers["content-type"] == "text/html; charset=utf-8"
        assert '{"schemaUrl": "/openapi.json"}' in docs.text
        assert "<title>Shelf documentation</title>" in docs.text
        assert "http://" not in docs.text and "https://" not in docs.text  # self-contained
        assert "default-src 'self'" in docs.headers["content-security-policy"]


def test_private_document_shows_what_the_user_may_do(shelf: Shelf, protocol: str) -> None:
    app = api(shelf)
    private = get_schema_view(title="Mine", public=False)
    app.add_url_rule("/private.json", "private_schema", view_func=private)
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        doc = client.get("/private.json").json()
    validate(doc)
    assert "/api/{version}/authors/" not in doc["paths"]  # IsAuthenticated
    assert set(doc["paths"]["/api/{version}/books/"]) == {"get"}  # read-only for anonymous


def test_plain_views_converters_and_exclusion(shelf: Shelf, protocol: str) -> None:
    app = shelf.app

    class Ping(APIView):
        """Is the service up?"""

        permission_classes = [permissions.AllowAny]
        authentication_classes: list[Any] = []

        def get(self, request: Any, **kwargs: Any) -> Response:
            return Response({"ping": "pong"})

    class Hidden(APIView):
        schema = None

        def get(self, request: Any) -> Response:
            return Response({})

    class Tagged(APIView):
        schema = AutoSchema(tags=["misc"], operation_id_base="Thing")

        def post(self, request: Any) -> Response:
            return Response({}, status=201)

    @decorators.api_view(["GET", "DELETE"])
    def item(request: Any, ident: uuid.UUID) -> Response:
        return Response({"ident": str(ident)})

    app.add_url_rule("/ping/<int(min=1):n>/<float:x>", view_func=Ping.as_view())
    app.add_url_rule("/hidden", view_func=Hidden.as_view())
    app.add_url_rule("/tagged", view_func=Tagged.as_view())
    app.add_url_rule("/items/<uuid:ident>/<any(a,b):kind>", view_func=item)
    with app.app_context():
        doc = SchemaGenerator(title="Plain").get_schema()
    validate(doc)
    assert "/hidden" not in doc["paths"]
    ping = doc["paths"]["/ping/{n}/{x}"]["get"]
    assert ping["operationId"] == "retrievePing"
    assert [p["schema"] for p in ping["parameters"]] == [
        {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
        {"type": "number"},
    ]
    assert "security" not in ping and "401" not in ping["responses"]
    assert doc["paths"]["/tagged"]["post"]["operationId"] == "createThing"
    assert doc["paths"]["/tagged"]["post"]["tags"] == ["misc"]
    items = doc["paths"]["/items/{ident}/{kind}"]
    assert set(items) == {"get", "delete"}
    params = {p["name"]: p["schema"] for p in items["get"]["parameters"]}
    assert params == {
        "ident": {"type": "string", "format": "uuid"},
        "kind": {"type": "string", "enum": ["a", "b"]},
    }
    assert items["get"]["operationId"] != items["delete"]["operationId"]


def test_field_mapping() -> None:
    class Nested(serializers.Serializer):
        label = serializers.CharField(help_text="A label.")

    class Everything(serializers.Serializer):
        kind = serializers.ChoiceField(choices=["a", "b"], allow_null=True)
        email = serializers.EmailField(required=False)
        ident = serializers.UUIDField(read_only=True)
        secret = serializers.CharField(write_only=True, min_length=8)
        count = serializers.IntegerField(min_value=0, max_value=10, default=3)
        ratio = serializers.FloatField()
        when = serializers.DateTimeField()
        tags = serializers.ListField(child=serializers.CharField(), max_length=5)
        extra = serializers.JSONField(required=False)
        child = Nested()
        children = Nested(many=True, required=False)
        slug = serializers.SlugField()
        cost = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False)

    schema = map_serializer(Everything())
    props = schema["properties"]
    assert schema["required"] == [
        "kind",
        "secret",
        "ratio",
        "when",
        "tags",
        "child",
        "slug",
        "cost",
    ]
    assert props["kind"] == {"enum": ["a", "b", None]}
    assert props["email"] == {"type": "string", "format": "email"}
    assert props["ident"] == {"type": "string", "format": "uuid", "readOnly": True}
    assert props["secret"] == {"type": "string", "minLength": 8, "writeOnly": True}
    assert props["count"] == {"type": "integer", "maximum": 10, "minimum": 0, "default": 3}
    assert props["ratio"] == {"type": "number", "format": "double"}
    assert props["when"] == {"type": "string", "format": "date-time"}
    assert props["tags"] == {
        "type": "array",
        "items": {"type": "string", "minLength": 1},
        "maxItems": 5,
    }
    assert props["extra"] == {}
    assert props["child"]["properties"]["label"] == {
        "type": "string",
        "minLength": 1,
        "description": "A label.",
    }
    assert props["children"]["type"] == "array"
    assert props["slug"]["pattern"]
    assert props["cost"] == {"type": "number", "exclusiveMaximum": 1000, "exclusiveMinimum": -1000}
    assert map_field(serializers.BooleanField()) == {"type": "boolean"}


def test_docs_view_escapes_its_settings(app: Cupola, protocol: str) -> None:
    app.add_url_rule("/docs", view_func=get_docs_view("/a</script>.json", title="<T>"))
    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        page = client.get("/docs").text
    assert "</script>.json" not in page
    assert "<title>&lt;T&gt;</title>" in page
