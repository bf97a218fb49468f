"""An app with a database, users (some staff) and the admin on two models, per protocol."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import ForeignKey, Numeric, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cupola import Cupola
from cupola.admin import Admin, ModelAdmin
from cupola.auth import Auth, ScryptParams, UserMixin, hash_password
from cupola.db import Database
from cupola.testing import TestClient

PASSWORD = "correct horse battery staple"
FAST_HASHES = {"n": 2**10, "r": 8, "p": 1}  # cheap scrypt: these tests are not about its cost
_TOKEN = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*\bvalue="([^"]+)"')


@dataclass
class Site:
    app: Cupola
    db: Database
    admin: Admin
    Author: Any
    Book: Any
    User: Any


def build_site(database_url: str, **config: Any) -> Site:
    app = Cupola(
        __name__,
        config={
            "SECRET_KEY": "s" * 40,
            "DATABASE_URL": database_url,
            "ALLOWED_HOSTS": ["localhost"],
            "PASSWORD_HASH_PARAMS": FAST_HASHES,
            **config,
        },
    )
    db = Database(app)

    class Author(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(String(100))

        def __str__(self) -> str:
            return self.name

    class Book(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str] = mapped_column(String(40), unique=True)
        author_id: Mapped[int] = mapped_column(ForeignKey("author.id"))
        author: Mapped[Author] = relationship()
        price: Mapped[Decimal] = mapped_column(Numeric(8, 2))
        year: Mapped[int | None]
        subtitle: Mapped[str | None] = mapped_column(String(60))
        in_stock: Mapped[bool] = mapped_column(default=True)

        def __str__(self) -> str:
            return self.title

    class User(UserMixin, db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        username: Mapped[str] = mapped_column(String(30), unique=True)
        password_hash: Mapped[str] = mapped_column(String(200))
        is_staff: Mapped[bool] = mapped_column(default=False)
        is_active: Mapped[bool] = mapped_column(default=True)

        def __str__(self) -> str:
            return self.username

    def find_user(username: str) -> Any:
        return db.session.scalar(select(User).where(User.username == username))

    Auth(app, user_loader=lambda user_id: db.session.get(User, int(user_id)))
    admin = Admin(app, db, title="Bookshelf admin", user_lookup=find_user)

    class BookAdmin(ModelAdmin):
        list_display = ["id", "title", "author", "price", "in_stock"]
        search_fields = ["title", "author.name"]
        list_filter = ["in_stock", "author"]
        ordering = ["title"]
        readonly_fields = ["year"]
        list_per_page = 3

    admin.register(Book, BookAdmin)
    admin.register(Author)
    with app.app_context():
        db.create_all()
        hashed = hash_password(PASSWORD, ScryptParams(**FAST_HASHES))
        for name, staff in (("staff", True), ("reader", False)):
            db.session.add(User(username=name, password_hash=hashed, is_staff=staff))
        austen, eliot = Author(name="Jane Austen"), Author(name="George Eliot")
        db.session.add_all([austen, eliot])
        for title, author, price, stock in (
            ("Emma", austen, "7.50", True),
            ("Persuasion", austen, "6.00", False),
            ("Middlemarch", eliot, "9.99", True),
            ("Silas Marner", eliot, "5.25", True),
        ):
            db.session.add(Book(title=title, author=author, price=Decimal(price), in_stock=stock))
        db.session.commit()
    return Site(app, db, admin, Author, Book, User)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    built = build_site(f"sqlite:///{tmp_path / 'admin.db'}")
    yield built
    with built.app.app_context():
        built.db.dispose()


@pytest.fixture
def client(site: Site, protocol: str) -> Iterator[TestClient]:
    with site.app.test_client(protocol) as test_client:  # type: ignore[arg-type]
        yield test_client


def token(html: str) -> str:
    found = _TOKEN.search(html)
    assert found, "no CSRF token on the page"
    return found[1]


def log_in(client: TestClient, username: str = "staff", password: str = PASSWORD) -> Any:
    page = client.get("/admin/login/")
    return client.post(
        "/admin/login/",
        data={"username": username, "password": password, "csrf_token": token(page.text)},
    )


@pytest.fixture
def staff(client: TestClient) -> TestClient:
    assert log_in(client).status_code == 302
    return client
