from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cupola import Cupola, request
from cupola.db import Database
from cupola.rest import serializers

app = Cupola(__name__, config={"DATABASE_URL": "sqlite:///bookshelf.db"})
db = Database(app)


class Author(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class Book(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    price: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    published: Mapped[date | None]
    in_stock: Mapped[bool] = mapped_column(default=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("author.id"))
    author: Mapped[Author | None] = relationship()


class BookSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name", read_only=True)

    class Meta:
        model = Book
        fields = ["id", "title", "price", "published", "in_stock", "author", "author_name"]


def incoming():
    """JSON, or form fields (where an unticked in_stock box means False)."""
    return request.json if request.is_json else request.form


@app.post("/books")
def add_book():
    serializer = BookSerializer(data=incoming())
    if not serializer.is_valid():
        return serializer.errors, 400
    serializer.save()  # INSERT and COMMIT: serializer.data has the new id
    return serializer.data, 201


@app.get("/books")
def list_books():
    books = db.session.scalars(select(Book).order_by(Book.id))
    return BookSerializer(books, many=True).data


@app.route("/books/<int:book_id>", methods=["PUT", "PATCH"])
def change_book(book_id):
    book = db.get_or_404(Book, book_id)
    serializer = BookSerializer(book, data=incoming(), partial=request.method == "PATCH")
    if not serializer.is_valid():
        return serializer.errors, 400
    serializer.save()  # UPDATE and COMMIT
    return serializer.data
