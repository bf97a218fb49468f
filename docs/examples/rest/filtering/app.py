from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cupola import Cupola
from cupola.db import Database
from cupola.rest import filters, generics, serializers

app = Cupola(__name__, config={"DATABASE_URL": "sqlite:///shelf.db"})
db = Database(app)


class Author(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class Book(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    price: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"))
    author: Mapped[Author] = relationship()


class BookSerializer(serializers.ModelSerializer):
    class Meta:
        model = Book
        fields = ["id", "title", "price", "author"]


class BookList(generics.ListAPIView):
    queryset = select(Book)
    serializer_class = BookSerializer
    filter_backends = [filters.SearchFilter, filters.OrderingFilter]
    search_fields = ["title", "author__name"]  # ?search=gold river
    ordering_fields = ["price", "title"]  # ?ordering=-price,title
    ordering = ["title"]  # when the client asks for none


app.add_url_rule("/books/", view_func=BookList.as_view("books"))
