"""A REST API served by a real server for the schemathesis run.

``CUPOLA_TEST_DB`` names its SQLite file.
"""

from __future__ import annotations

import datetime
import os
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cupola import Cupola
from cupola.db import Database
from cupola.rest import filters, pagination, permissions, routers, serializers, versioning, viewsets
from cupola.rest.openapi import add_schema_routes

app = Cupola(
    __name__,
    config={
        "DATABASE_URL": f"sqlite:///{os.environ.get('CUPOLA_TEST_DB', 'schema.db')}",
        "ALLOWED_HOSTS": ["*"],
        "REST": {
            "DEFAULT_AUTHENTICATION_CLASSES": [],
            "DEFAULT_PERMISSION_CLASSES": [permissions.AllowAny],
            "DEFAULT_PAGINATION_CLASS": pagination.PageNumberPagination,
            "PAGE_SIZE": 5,
            "DEFAULT_VERSIONING_CLASS": versioning.URLPathVersioning,
            "ALLOWED_VERSIONS": ["v1"],
        },
    },
)
db = Database(app)


class Author(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class Book(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    price: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    in_stock: Mapped[bool] = mapped_column(default=True)
    published: Mapped[datetime.date | None]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("author.id"))
    author: Mapped[Author | None] = relationship()


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["id", "name"]


class BookSerializer(serializers.ModelSerializer):
    class Meta:
        model = Book
        fields = ["id", "title", "price", "in_stock", "published", "author"]


class BookViewSet(viewsets.ModelViewSet):
    queryset = select(Book)
    serializer_class = BookSerializer
    filter_backends = [filters.SearchFilter, filters.OrderingFilter]
    search_fields = ["title"]
    ordering_fields = ["title", "price"]


class AuthorViewSet(viewsets.ModelViewSet):
    queryset = select(Author)
    serializer_class = AuthorSerializer


router = routers.DefaultRouter()
router.register("books", BookViewSet)
router.register("authors", AuthorViewSet)
app.register_blueprint(router.as_blueprint(url_prefix="/api/<version>"))
add_schema_routes(app, title="Schema test", docs_path=None)

with app.app_context():
    db.create_all()
    if db.session.scalar(select(Author.id)) is None:
        ann = Author(name="Ann")
        db.session.add_all([ann, Book(title="Dune", price=Decimal("9.99"), author=ann)])
        db.session.commit()
    db.session.remove()
