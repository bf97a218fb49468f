from decimal import Decimal

from sqlalchemy import Numeric, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from cupola import Cupola
from cupola.db import Database
from cupola.rest import authentication, pagination, permissions, routers, serializers, viewsets
from cupola.rest.openapi import AutoSchema, add_schema_routes

app = Cupola(__name__, config={"DATABASE_URL": "sqlite:///shelf.db"})
app.config["REST"] = {
    "DEFAULT_PAGINATION_CLASS": pagination.PageNumberPagination,
    "PAGE_SIZE": 20,
    "DEFAULT_AUTHENTICATION_CLASSES": [authentication.BasicAuthentication],
}
db = Database(app)


class Book(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    price: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    summary: Mapped[str | None] = mapped_column(String(2000))


class BookSerializer(serializers.ModelSerializer):
    class Meta:
        model = Book
        fields = ["id", "title", "price", "summary"]
        extra_kwargs = {"summary": {"help_text": "A paragraph about the book."}}


class BookViewSet(viewsets.ModelViewSet):
    """Books on the shelf."""

    queryset = select(Book)
    serializer_class = BookSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]


class ShelfStatsViewSet(viewsets.ViewSet):
    """How many books the shelf holds."""

    schema = AutoSchema(tags=["stats"], operation_id_base="ShelfStats")

    def list(self, request, **kwargs):
        return {"books": db.session.scalar(select(func.count()).select_from(Book))}


router = routers.DefaultRouter()
router.register("books", BookViewSet)
router.register("stats", ShelfStatsViewSet, basename="stats")
app.register_blueprint(router.as_blueprint(url_prefix="/api"))

# GET /openapi.json: the document; GET /api-docs/: a page to explore and try it.
add_schema_routes(app, title="Shelf API", version="1.0.0", prefix="/api/")
