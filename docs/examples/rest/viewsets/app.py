from decimal import Decimal

from sqlalchemy import Numeric, String, select
from sqlalchemy.orm import Mapped, mapped_column

from cupola import Cupola
from cupola.db import Database
from cupola.rest import pagination, routers, serializers, viewsets
from cupola.rest.decorators import action
from cupola.rest.response import Response

app = Cupola(__name__, config={"DATABASE_URL": "sqlite:///shelf.db"})
db = Database(app)


class Book(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    price: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    in_stock: Mapped[bool] = mapped_column(default=True)


class BookSerializer(serializers.ModelSerializer):
    class Meta:
        model = Book
        fields = ["id", "title", "price", "in_stock"]


class BookViewSet(viewsets.ModelViewSet):
    queryset = select(Book)
    serializer_class = BookSerializer

    @action(detail=True, methods=["post"])  # POST /api/books/<pk>/restock/
    def restock(self, request, pk=None, **kwargs):
        book = self.get_object()
        book.in_stock = True
        db.session.commit()
        return Response(self.get_serializer(book).data)

    @action(detail=False, url_path="out-of-stock")  # GET /api/books/out-of-stock/
    def out_of_stock(self, request, **kwargs):
        books = db.session.scalars(self.get_queryset().where(Book.in_stock.is_(False)))
        return Response(self.get_serializer(books.all(), many=True).data)


app.config["REST"] = {
    "DEFAULT_PAGINATION_CLASS": pagination.PageNumberPagination,
    "PAGE_SIZE": 20,
}
router = routers.DefaultRouter()
router.register("books", BookViewSet)  # basename "book": book-list, book-detail, ...
app.register_blueprint(router.as_blueprint(url_prefix="/api"))
