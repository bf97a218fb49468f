"""OpenAPI documents at their edges: plain generic views, naming, versioning, security, fields."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate
from sqlalchemy import String, select, text
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import UserDefinedType

from cupola import Cupola
from cupola.db import Database
from cupola.rest import (
    authentication,
    filters,
    generics,
    permissions,
    renderers,
    serializers,
    versioning,
)
from cupola.rest.openapi import (
    AutoSchema,
    SchemaGenerator,
    add_schema_routes,
    map_field,
    map_serializer,
)
from cupola.rest.response import Response
from cupola.rest.views import APIView
from tests.rest.conftest import Shelf, build_shelf

OPEN: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
}


class Code(UserDefinedType[str]):
    """A column type that does not tell its Python type (as some third-party types)."""

    cache_ok = True

    @property
    def python_type(self) -> type:
        raise NotImplementedError

    def get_col_spec(self, **kw: Any) -> str:
        return "VARCHAR(20)"


@pytest.fixture
def shelf(tmp_path: Path) -> Iterator[Shelf]:
    made = build_shelf(f"sqlite:///{tmp_path / 'openapi.db'}", REST=OPEN)
    yield made
    with made.app.app_context():
        made.db.dispose()


def document(app: Cupola, **options: Any) -> dict[str, Any]:
    with app.app_context():
        doc = SchemaGenerator(**options).get_schema()
    validate(doc)
    return doc


def book_serializer(shelf: Shelf) -> Any:
    class BookSerializer(serializers.ModelSerializer):
        class Meta:
            model = shelf.Book
            fields = ["id", "title"]

    return BookSerializer


def test_plain_generic_views(shelf: Shelf) -> None:
    class BookList(generics.ListCreateAPIView):
        queryset = select(shelf.Book)
        serializer_class = book_serializer(shelf)
        pagination_class = None

    class BookByTitle(generics.RetrieveAPIView):
        queryset = select(shelf.Book)
        serializer_class = book_serializer(shelf)
        lookup_field = "title"

    shelf.app.add_url_rule("/books/", view_func=BookList.as_view())
    shelf.app.add_url_rule("/books/<title>/", view_func=BookByTitle.as_view())
    doc = document(shelf.app, url="https://api.example.com/v1")
    assert doc["servers"] == [{"url": "https://api.example.com/v1"}]
    listing = doc["paths"]["/books/"]["get"]
    assert listing["operationId"] == "listBooks"
    assert "parameters" not in listing  # no paginator, no filters
    content = listing["responses"]["200"]["content"]["application/json"]
    assert content["schema"] == {"type": "array", "items": {"$ref": "#/components/schemas/Book"}}
    assert doc["paths"]["/books/"]["post"]["operationId"] == "createBook"
    detail = doc["paths"]["/books/{title}/"]["get"]
    assert detail["operationId"] == "retrieveBook"
    (title,) = detail["parameters"]
    # Looked up by title, not by the integer key: a string, described without "integer".
    assert title["schema"] == {"type": "string", "pattern": "^[^/]+$"}
    assert title["description"] == "A unique value identifying this book."


def test_operation_names_without_a_model(shelf: Shelf) -> None:
    class Widget(serializers.Serializer):
        name = serializers.CharField(allow_blank=True, required=False)

    class WidgetView(generics.GenericAPIView):
        serializer_class = Widget

        def post(self, request: Any) -> Response:
            return Response({}, status=201)

    class Gadgets(generics.GenericAPIView):
        serializer_class = Widget
        schema = AutoSchema(component_name="Gadget")

        def put(self, request: Any) -> Response:
            return Response({})

    class Health(APIView):
        def get(self, request: Any) -> Response:
            return Response({})

    class StatusAPIView(APIView):
        def get(self, request: Any) -> Response:
            return Response({})

    class Report(generics.GenericAPIView):
        """Over a raw statement: no model to name it after."""

        queryset = text("SELECT 1")
        serializer_class = Widget

        def get(self, request: Any) -> Response:
            return Response({})

    class Mine(generics.GenericAPIView):
        def get_serializer_class(self) -> Any:
            return Widget if self.request.user.is_staff else None

        def post(self, request: Any) -> Response:
            return Response({}, status=201)

    shelf.app.add_url_rule("/widgets", view_func=WidgetView.as_view())
    shelf.app.add_url_rule("/gadgets", view_func=Gadgets.as_view())
    shelf.app.add_url_rule("/health", view_func=Health.as_view())
    shelf.app.add_url_rule("/status", view_func=StatusAPIView.as_view())
    shelf.app.add_url_rule("/report", view_func=Report.as_view())
    shelf.app.add_url_rule("/mine", view_func=Mine.as_view())
    doc = document(shelf.app)
    paths = doc["paths"]
    assert paths["/widgets"]["post"]["operationId"] == "createWidget"
    widget = doc["components"]["schemas"]["Widget"]
    assert widget == {"type": "object", "properties": {"name": {"type": "string"}}}
    assert paths["/gadgets"]["put"]["operationId"] == "updateWidget"
    body = paths["/gadgets"]["put"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/Gadget"}
    assert paths["/health"]["get"]["operationId"] == "retrieveHealth"
    assert paths["/status"]["get"]["operationId"] == "retrieveStatus"
    assert paths["/report"]["get"]["operationId"] == "retrieveWidget"
    # A serializer that needs a real request: the body is documented without a schema.
    mine = paths["/mine"]["post"]
    assert mine["requestBody"]["content"]["application/json"] == {"schema": {}}
    assert mine["operationId"] == "createMine"


def test_versioning_parameters(shelf: Shelf) -> None:
    class AnyVersion(versioning.URLPathVersioning):
        allowed_versions = None

    class ByQuery(versioning.QueryParameterVersioning):
        allowed_versions = ["1.0", "2.0"]

    class ByQueryAny(versioning.QueryParameterVersioning):
        allowed_versions = None

    def view(scheme: type[Any]) -> Any:
        class Versioned(APIView):
            versioning_class = scheme

            def get(self, request: Any, **kwargs: Any) -> Response:
                return Response({})

        return Versioned.as_view(scheme.__name__)

    shelf.app.add_url_rule("/<version>/path", view_func=view(AnyVersion))
    shelf.app.add_url_rule("/query", view_func=view(ByQuery))
    shelf.app.add_url_rule("/query-any", view_func=view(ByQueryAny))
    paths = document(shelf.app)["paths"]
    (in_path,) = paths["/{version}/path"]["get"]["parameters"]
    assert in_path["schema"] == {"type": "string", "pattern": "^[^/]+$"}  # any version
    assert in_path["description"] == "The API version."
    (in_query,) = paths["/query"]["get"]["parameters"]
    assert in_query == {
        "name": "version",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": ["1.0", "2.0"]},
    }
    (any_query,) = paths["/query-any"]["get"]["parameters"]
    assert any_query["schema"] == {"type": "string"}


def test_primary_key_names_in_paths(shelf: Shelf) -> None:
    BookSerializer = book_serializer(shelf)

    class Book(generics.RetrieveAPIView):
        queryset = select(shelf.Book)
        serializer_class = BookSerializer

    class AuthorBook(generics.RetrieveAPIView):
        queryset = select(shelf.Book)
        serializer_class = BookSerializer

        def get_queryset(self) -> Any:
            return select(shelf.Book).where(shelf.Book.author_id == self.kwargs["id"])

    class Remote:
        """Rows from another service: not a mapped class."""

    class RemoteItem(APIView):
        model = Remote
        lookup_field = "pk"

        def get(self, request: Any, pk: str) -> Response:
            return Response({})

    shelf.app.add_url_rule("/books/<int:pk>", view_func=Book.as_view())
    shelf.app.add_url_rule("/authors/<int:id>/books/<int:pk>", view_func=AuthorBook.as_view())
    shelf.app.add_url_rule("/remote/<pk>", view_func=RemoteItem.as_view())
    paths = document(shelf.app)["paths"]
    assert "/books/{id}" in paths  # the model's key name
    # The author's {id} is taken: the book's key keeps the URL's name.
    nested = paths["/authors/{id}/books/{pk}"]["get"]["parameters"]
    assert [p["name"] for p in nested] == ["id", "pk"]
    assert nested[1]["description"] == "A unique integer value identifying this book."
    (remote,) = paths["/remote/{pk}"]["get"]["parameters"]
    assert remote["description"] == "A unique value identifying this remote."
    assert remote["schema"] == {"type": "string", "pattern": "^[^/]+$"}
    assert paths["/remote/{pk}"]["get"]["operationId"] == "retrieveRemote"
    shelf.app.config["REST"] = {**OPEN, "SCHEMA_COERCE_PATH_PK": False}
    assert "/books/{pk}" in document(shelf.app)["paths"]


def test_key_of_a_type_without_python_type(tmp_path: Path) -> None:
    app = Cupola(__name__, config={"DATABASE_URL": f"sqlite:///{tmp_path / 'odd.db'}"})
    app.config["REST"] = OPEN
    db = Database(app)

    class Part(db.Model):  # type: ignore[name-defined, misc]
        code: Mapped[str] = mapped_column(Code(), primary_key=True)
        name: Mapped[str] = mapped_column(String(50))

    class PartSerializer(serializers.Serializer):
        name = serializers.CharField()
        replaces = serializers.PrimaryKeyRelatedField(queryset=select(Part))

    class PartView(generics.RetrieveAPIView):
        queryset = select(Part)
        serializer_class = PartSerializer

    app.add_url_rule("/parts/<pk>", view_func=PartView.as_view())
    try:
        doc = document(app)
    finally:
        with app.app_context():
            db.dispose()
    (key,) = doc["paths"]["/parts/{code}"]["get"]["parameters"]
    assert key["schema"] == {"type": "string", "pattern": "^[^/]+$"}
    assert key["description"] == "A unique value identifying this part."
    replaces = doc["components"]["schemas"]["Part"]["properties"]["replaces"]
    assert replaces == {"type": "string"}


def test_security_schemes_of_custom_classes(shelf: Shelf) -> None:
    class Bearer(authentication.TokenAuthentication):
        keyword = "Bearer"

    class Signed(authentication.BaseAuthentication):
        openapi_security_scheme = {"type": "http", "scheme": "signature"}

        def authenticate(self, request: Any) -> None:
            return None

    class Unknown(authentication.BaseAuthentication):
        def authenticate(self, request: Any) -> None:
            return None

    class Private(APIView):
        authentication_classes = [Bearer, Signed, Unknown]
        permission_classes = [permissions.IsAuthenticated]

        def get(self, request: Any) -> Response:
            return Response({})

    class Guarded(APIView):
        """Permission checks, and no way to log in."""

        authentication_classes: list[Any] = []
        permission_classes = [permissions.IsAuthenticated]

        def get(self, request: Any) -> Response:
            return Response({})

    class OwnerOnly(permissions.BasePermission):
        def has_permission(self, request: Any, view: Any) -> bool:
            return request.args.get("owner") == "me"

    class Shared(APIView):
        """Anyone may be let in, depending on the request."""

        authentication_classes = [Bearer]
        permission_classes = [OwnerOnly]

        def get(self, request: Any) -> Response:
            return Response({})

    shelf.app.add_url_rule("/private", view_func=Private.as_view())
    shelf.app.add_url_rule("/guarded", view_func=Guarded.as_view())
    shelf.app.add_url_rule("/shared", view_func=Shared.as_view())
    doc = document(shelf.app)
    assert doc["components"]["securitySchemes"] == {
        "Bearer": {"type": "http", "scheme": "bearer"},
        "Signed": {"type": "http", "scheme": "signature"},
    }  # a class with no known scheme is left out
    assert doc["paths"]["/private"]["get"]["security"] == [{"Bearer": []}, {"Signed": []}]
    guarded = doc["paths"]["/guarded"]["get"]
    assert "security" not in guarded
    assert "403" in guarded["responses"] and "401" not in guarded["responses"]
    shared = doc["paths"]["/shared"]["get"]
    assert shared["security"] == [{"Bearer": []}, {}]  # a token, or none at all
    assert {"401", "403"} <= set(shared["responses"])


def test_chosen_rules_private_without_request_and_repeated_views(shelf: Shelf) -> None:
    class Ping(APIView):
        permission_classes = [permissions.IsAuthenticated]

        def get(self, request: Any) -> Response:
            return Response({})

    shelf.app.add_url_rule("/ping", "ping", view_func=Ping.as_view())
    shelf.app.add_url_rule("/also-ping", "also_ping", view_func=Ping.as_view())
    shelf.app.add_url_rule("/other", "other", view_func=Ping.as_view())
    with shelf.app.app_context():
        rules = [r for r in shelf.app.iter_rules() if r.rule != "/other"]
        doc = SchemaGenerator(patterns=rules).get_schema(public=False)
        only = SchemaGenerator(prefix="/ping").get_schema()
    validate(doc)
    # No request to check permissions against: every operation is documented.
    assert list(doc["paths"]) == ["/ping", "/also-ping"]
    ids = [doc["paths"][p]["get"]["operationId"] for p in ("/ping", "/also-ping")]
    assert ids == ["retrievePing", "retrievePing2"]  # unique in the document
    assert only["paths"]["/ping"]["get"]["tags"] == ["ping"]  # one path: no common prefix


def test_nullable_types_from_a_custom_filter(shelf: Shelf) -> None:
    class Near(filters.BaseFilterBackend):
        def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
            return [
                {"name": "near", "in": "query", "schema": {"type": ["number"], "nullable": True}},
                {"name": "far", "in": "query", "schema": {"type": ["null"], "nullable": True}},
            ]

    class Places(generics.ListAPIView):
        queryset = select(shelf.Author)
        serializer_class = book_serializer(shelf)
        filter_backends = [Near]

    shelf.app.add_url_rule("/places", view_func=Places.as_view())
    parameters = document(shelf.app)["paths"]["/places"]["get"]["parameters"]
    assert [p["schema"] for p in parameters] == [{"type": ["number", "null"]}, {"type": ["null"]}]


def test_converters() -> None:
    app = Cupola(__name__, config={"REST": OPEN})

    class Page(APIView):
        def get(self, request: Any, **kwargs: Any) -> Response:
            return Response({})

    app.add_url_rule("/tags/<slug:tag>/<path:rest>", "tags", view_func=Page.as_view())
    app.add_url_rule("/keys/<lookup:key>", "keys", view_func=Page.as_view())
    paths = document(app)["paths"]
    tag, rest = paths["/tags/{tag}/{rest}"]["get"]["parameters"]
    assert tag["schema"] == {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}
    assert rest["schema"] == {"type": "string"}
    (key,) = paths["/keys/{key}"]["get"]["parameters"]
    assert key["schema"] == {"type": "string", "pattern": "^[^/.]+$"}


def test_field_mapping_edges(shelf: Shelf) -> None:
    class Address(serializers.Serializer):
        city = serializers.CharField()

    class Odd(serializers.Serializer):
        price = serializers.DecimalField(max_digits=None, decimal_places=None, required=False)
        weight = serializers.DecimalField(
            max_digits=None, decimal_places=2, coerce_to_string=False, required=False
        )
        author = serializers.StringRelatedField()
        book = serializers.SlugRelatedField(
            slug_field="title", queryset=select(shelf.Book), required=False
        )
        colours = serializers.MultipleChoiceField(choices=["red", "blue"], required=False)
        notes = serializers.ListField(child=serializers.IntegerField(), min_length=1)
        size = serializers.ChoiceField(
            choices=[(None, "unknown"), ("s", "small")], allow_null=True, required=False
        )
        address = Address(allow_null=True, required=False)
        owner = serializers.HiddenField(default="me")

    schema = map_serializer(Odd())
    props = schema["properties"]
    assert schema["required"] == ["notes"]
    assert "owner" not in props  # set by the server, never sent
    assert props["price"] == {"type": "string", "format": "decimal"}
    assert props["weight"] == {"type": "number"}
    assert props["author"] == {"type": "string", "readOnly": True}
    assert props["book"] == {"type": "string"}
    assert props["colours"] == {"type": "array", "items": {"enum": ["red", "blue"]}}
    assert props["notes"] == {"type": "array", "items": {"type": "integer"}, "minItems": 1}
    assert props["size"] == {"enum": [None, "s"]}  # null once
    assert props["address"]["type"] == ["object", "null"]
    assert map_serializer(Address(), nested=None)["required"] == ["city"]

    class Optional(serializers.Serializer):
        note = serializers.CharField(required=False)

    assert map_serializer(Optional()) == {
        "type": "object",
        "properties": {"note": {"type": "string", "minLength": 1}},
    }
    assert map_field(serializers.JSONField(allow_null=True)) == {}  # null is JSON already
    assert map_field(serializers.FloatField(allow_null=True)) == {
        "type": ["number", "null"],
        "format": "double",
    }


def test_nullable_nested_serializer_in_a_document(shelf: Shelf) -> None:
    class Author(serializers.ModelSerializer):
        class Meta:
            model = shelf.Author
            fields = ["id", "name"]

    class Book(serializers.ModelSerializer):
        author = Author(allow_null=True, read_only=True)

        class Meta:
            model = shelf.Book
            fields = ["id", "title", "author"]

    class BookList(generics.ListAPIView):
        queryset = select(shelf.Book)
        serializer_class = Book

    shelf.app.add_url_rule("/books", view_func=BookList.as_view())
    doc = document(shelf.app)
    author = doc["components"]["schemas"]["Book"]["properties"]["author"]
    assert author == {
        "oneOf": [{"$ref": "#/components/schemas/Author"}, {"type": "null"}],
        "readOnly": True,
    }


def test_guarded_document_without_a_docs_page(shelf: Shelf) -> None:
    add_schema_routes(
        shelf.app,
        docs_path=None,
        title="Staff only",
        authentication_classes=[authentication.BasicAuthentication],
        permission_classes=[permissions.IsAuthenticated],
        renderer_classes=[renderers.JSONRenderer],
    )
    with shelf.app.test_client() as client:
        refused = client.get("/openapi.json")
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/json"
        assert client.get("/api-docs/").status_code == 404
