from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cupola import Cupola
from cupola.admin import Admin, ModelAdmin
from cupola.auth import Auth, UserMixin
from cupola.db import Database

app = Cupola(__name__, config={"SECRET_KEY": "dev-only-secret"})
db = Database(app)


class Author(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))

    def __str__(self):
        return self.name


class Book(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"))
    author: Mapped[Author] = relationship()
    price: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    in_stock: Mapped[bool] = mapped_column(default=True)

    def __str__(self):
        return self.title


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(30), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    is_staff: Mapped[bool] = mapped_column(default=False)


def find_user(username):
    return db.session.scalar(select(User).where(User.username == username))


Auth(app, user_loader=lambda user_id: db.session.get(User, int(user_id)))
admin = Admin(app, db, title="Bookshelf admin", user_lookup=find_user)


class BookAdmin(ModelAdmin):
    list_display = ["id", "title", "author", "price", "in_stock"]
    search_fields = ["title", "author.name"]  # across a relationship too
    list_filter = ["in_stock", "author"]
    ordering = ["title"]
    readonly_fields = ["in_stock"]
    list_per_page = 20

    def has_delete_permission(self, request, obj=None):
        return request.user.username == "owner"  # only the owner deletes books


admin.register(Book, BookAdmin)
admin.register(Author)  # everything inferred from the columns
