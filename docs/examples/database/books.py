from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cupola import Cupola, request
from cupola.db import Database

app = Cupola(__name__, config={"DATABASE_URL": "sqlite:///books.db"})
db = Database(app)


class Author(db.Model):  # table "author"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    books: Mapped[list["Book"]] = relationship(back_populates="author")


class Book(db.Model):  # table "book"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"))
    author: Mapped[Author] = relationship(back_populates="books")


def book_json(book):
    return {"id": book.id, "title": book.title, "author": book.author.name}


@app.post("/books")
def add_book():
    data = request.json
    author = db.session.scalars(select(Author).filter_by(name=data["author"])).first()
    book = Book(title=data["title"], author=author or Author(name=data["author"]))
    db.session.add(book)
    db.session.commit()  # a duplicate title raises IntegrityError here: the client gets 409
    return book_json(book), 201


@app.get("/books/<int:book_id>")
def show_book(book_id):
    return book_json(db.get_or_404(Book, book_id, description="No book with this id."))


@app.get("/books")
def list_books():
    page = db.paginate(select(Book).order_by(Book.title), max_per_page=50)
    return {
        "books": [book_json(book) for book in page.items],
        "page": page.page,
        "pages": page.pages,
        "total": page.total,
        "next": page.next_num,
    }
