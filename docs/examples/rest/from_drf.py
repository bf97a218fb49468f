from decimal import Decimal

from sqlalchemy import Numeric, String, select
from sqlalchemy.orm import Mapped, mapped_column

from cupola import Cupola
from cupola.db import Database
from cupola.rest import decorators, pagination, permissions, routers, serializers, viewsets
from cupola.rest.response import Response

app = Cupola(__name__, config={"DATABASE_URL": "sqlite:///shelf.db"})
app.config["REST"] = {  # was settings.REST_FRAMEWORK
    "DEFAULT_PAGINATION_CLASS": pagination.PageNumberPagination,
    "PAGE_SIZE": 20,
}
db = Database(app)


class Book(db.Model):  # was models.Model
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    price: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    in_stock: Mapped[bool] = mapped_column(default=True)


class BookSerializer(serializers.ModelSerializer):  # unchanged
    class Meta:
        model = Book
        fields = ["id", "title", "price", "in_stock"]


class BookViewSet(viewsets.ModelViewSet):
    queryset = select(Book)  # was Book.objects.all()
    serializer_class = BookSerializer
    permission_classes = [permissions.AllowAny]

    @decorators.action(detail=True, methods=["post"])
    def restock(self, request, pk=None, **kwargs):
        book = self.get_object()
        book.in_stock = True
        db.session.commit()  # was book.save()
        return Response(self.get_serializer(book).data)


router = routers.DefaultRouter()
router.register("books", BookViewSet)
app.register_blueprint(router.as_blueprint(url_prefix="/api"))  # was include(router.urls)
