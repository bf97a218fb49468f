from decimal import Decimal

from sqlalchemy import Numeric, String, select
from sqlalchemy.orm import Mapped, mapped_column

from cupola import Cupola
from cupola.db import Database
from cupola.rest import generics, serializers

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


class BookList(generics.ListCreateAPIView):
    queryset = select(Book)  # run anew on every request
    serializer_class = BookSerializer


class BookDetail(generics.RetrieveUpdateDestroyAPIView):
    model = Book  # the same as queryset = select(Book)
    serializer_class = BookSerializer


class BookByTitle(generics.RetrieveAPIView):
    queryset = select(Book)
    serializer_class = BookSerializer
    lookup_field = "title"


class CheapBooks(generics.ListAPIView):
    serializer_class = BookSerializer

    def get_queryset(self):
        return select(Book).where(Book.price < 10).order_by(Book.price)


app.add_url_rule("/books/", view_func=BookList.as_view("book_list"))
app.add_url_rule("/books/<pk>/", view_func=BookDetail.as_view("book_detail"))
app.add_url_rule("/titles/<title>/", view_func=BookByTitle.as_view("book_by_title"))
app.add_url_rule("/cheap/", view_func=CheapBooks.as_view("cheap_books"))
