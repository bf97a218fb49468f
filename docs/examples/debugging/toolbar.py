import logging

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from cupola import Cupola, render
from cupola.cache import cache
from cupola.db import Database

app = Cupola(
    __name__,
    config={
        "DEBUG": True,  # development only: `cupola run` turns it on for you
        "SECRET_KEY": "development only",
        "DATABASE_URL": "sqlite://",
    },
)
db = Database(app)
logger = logging.getLogger(__name__)


class Book(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))


@app.on_startup
def create_tables():
    db.create_all()


@app.get("/")
def shelf():
    books = db.session.scalars(select(Book).order_by(Book.title)).all()
    visits = cache.incr("visits")
    return render("shelf.html", books=books, visits=visits)


@app.post("/api/books")
def add_book(request):
    book = Book(title=request.json["title"])
    db.session.add(book)
    db.session.commit()
    logger.warning("Book %r added", book.title)
    return {"id": book.id, "title": book.title}, 201
