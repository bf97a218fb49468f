"""Cupola's admin for the admin bench: the same models and options as Django's side.

``setup(path, rows)`` builds the SQLite file and returns the WSGI app and the ``Cookie``
header of a logged-in staff user's session.
"""

from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cupola import Cupola
from cupola.admin import Admin, ModelAdmin
from cupola.auth import Auth, UserMixin, login_user


def setup(path, rows):
    app = Cupola(
        __name__,
        config={
            "SECRET_KEY": "bench-" * 8,
            "ALLOWED_HOSTS": ["bench.local", "localhost"],
            "DATABASE_URL": f"sqlite:///{path}",
        },
    )
    from cupola.db import Database

    db = Database(app)

    class Author(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(String(100))

        def __str__(self):
            return self.name

    class Book(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str] = mapped_column(String(200), index=True)
        author_id: Mapped[int] = mapped_column(ForeignKey("author.id"), index=True)
        author: Mapped[Author] = relationship(lazy="joined")
        price: Mapped[Decimal] = mapped_column(Numeric(8, 2))
        in_stock: Mapped[bool] = mapped_column(default=True)

        def __str__(self):
            return self.title

    class User(UserMixin, db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        username: Mapped[str] = mapped_column(String(30))
        password_hash: Mapped[str] = mapped_column(String(200))
        is_staff: Mapped[bool] = mapped_column(default=True)

    Auth(app, user_loader=lambda user_id: db.session.get(User, int(user_id)))
    admin = Admin(app, db)

    class BookAdmin(ModelAdmin):
        list_display = ["id", "title", "author", "price", "in_stock"]
        search_fields = ["title", "author.name"]
        list_filter = ["in_stock"]
        ordering = ["title"]
        list_per_page = 20

    admin.register(Book, BookAdmin)
    admin.register(Author)

    @app.post("/bench-login")
    def bench_login():
        login_user(db.session.scalar(select(User)))
        return "ok"

    with app.app_context():
        db.create_all()
        db.session.add_all(Author(id=i + 1, name=name) for i, (name, _) in enumerate(rows.authors()))
        db.session.flush()
        db.session.execute(
            Book.__table__.insert(),
            [
                {"title": t, "author_id": a + 1, "price": Decimal(p), "in_stock": s}
                for t, a, p, s in rows.books()
            ],
        )
        db.session.add(User(username="admin", password_hash="!"))
        db.session.commit()
    client = app.test_client()
    client.post("/bench-login")
    cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    return app, cookie
