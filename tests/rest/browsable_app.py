"""A bookshelf API with users, sessions and the browsable API, for the browsable API tests."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Numeric, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cupola import Cupola, redirect, request
from cupola.auth import Auth, UserMixin, authenticate, hash_password, login_user, logout_user
from cupola.db import Database
from cupola.rest import (
    authentication,
    pagination,
    permissions,
    renderers,
    routers,
    serializers,
    viewsets,
)

CHEAP = {"n": 2**8, "r": 8, "p": 1}


def build_app(database_url: str) -> tuple[Cupola, Database]:
    """The app: ``/api/books/`` and ``/api/authors/``, ``/login`` and ``/logout``."""
    app = Cupola(
        __name__,
        config={
            "SECRET_KEY": "browsable-secret",
            "DATABASE_URL": database_url,
            "PASSWORD_HASH_PARAMS": CHEAP,
            "ALLOWED_HOSTS": ["*"],
            "LOGOUT_URL": "/logout",
            "REST": {
                "DEFAULT_AUTHENTICATION_CLASSES": [authentication.SessionAuthentication],
                "DEFAULT_PAGINATION_CLASS": pagination.PageNumberPagination,
                "PAGE_SIZE": 2,
                "DEFAULT_RENDERER_CLASSES": [
                    renderers.JSONRenderer,
                    renderers.BrowsableAPIRenderer,
                ],
            },
        },
    )
    db = Database(app)

    class User(UserMixin, db.Model):  # type: ignore[name-defined, misc]
        id: Mapped[int] = mapped_column(primary_key=True)
        username: Mapped[str] = mapped_column(String(50), unique=True)
        password_hash: Mapped[str] = mapped_column(String(200))

    class Author(db.Model):  # type: ignore[name-defined, misc]
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(String(100))

        def __str__(self) -> str:
            return self.name

    class Book(db.Model):  # type: ignore[name-defined, misc]
        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str] = mapped_column(String(200), unique=True)
        price: Mapped[Decimal] = mapped_column(Numeric(8, 2))
        in_stock: Mapped[bool] = mapped_column(default=True)
        published: Mapped[datetime.date | None]
        author_id: Mapped[int | None] = mapped_column(ForeignKey("author.id"))
        author: Mapped[Author | None] = relationship()

    class BookSerializer(serializers.ModelSerializer):
        class Meta:
            model = Book
            fields = ["id", "title", "price", "in_stock", "published", "author"]

    class AuthorSerializer(serializers.ModelSerializer):
        class Meta:
            model = Author
            fields = ["id", "name"]

    class BookViewSet(viewsets.ModelViewSet):
        """Books on the shelf: anyone reads, signed-in users write."""

        queryset = select(Book)
        serializer_class = BookSerializer
        permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    class AuthorViewSet(viewsets.ReadOnlyModelViewSet):
        queryset = select(Author)
        serializer_class = AuthorSerializer

    def lookup(username: str) -> Any:
        return db.session.execute(select(User).where(User.username == username)).scalar()

    Auth(
        app,
        user_loader=lambda user_id: db.session.get(User, int(user_id)),
        authenticate=lambda username, password: authenticate(username, password, lookup),
    )

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        if request.method == "POST":
            form = request.form
            user = authenticate(form.get("username", ""), form.get("password", ""), lookup)
            if user is not None:
                login_user(user)
                return redirect(request.args.get("next") or "/api/books/")
        return (
            '<form method="post"><input name="username"><input name="password" type="password">'
            f'<input type="hidden" name="csrf_token" value="{csrf()}">'
            '<button type="submit">Log in</button></form>'
        )

    @app.post("/logout")
    def logout() -> Any:
        logout_user()
        return redirect("/api/books/")

    router = routers.DefaultRouter()
    router.register("books", BookViewSet)
    router.register("authors", AuthorViewSet)
    app.register_blueprint(router.as_blueprint(url_prefix="/api"))

    with app.app_context():
        db.create_all()
        ann = Author(name="Ann Lee")
        db.session.add_all([User(username="ada", password_hash=hash_password("secret")), ann])
        for i in range(1, 4):
            db.session.add(Book(title=f"Book {i}", price=Decimal(f"{i}.50"), author=ann))
        db.session.commit()
        db.session.remove()
    return app, db


def csrf() -> str:
    """A CSRF token for the current session."""
    from cupola.csrf import csrf_token

    return csrf_token()
