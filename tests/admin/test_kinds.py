"""Every kind of column in the admin: forms, filters and errors for each, and the edge paths."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Enum, Float, ForeignKey, MetaData, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cupola import Cupola
from cupola.admin import Admin, ModelAdmin
from cupola.admin.history import history_table
from cupola.auth import Auth, ScryptParams, UserMixin, hash_password
from cupola.db import Database
from cupola.exceptions import ImproperlyConfigured
from cupola.testing import TestClient

from .conftest import FAST_HASHES, PASSWORD, log_in, token


class Format(enum.Enum):
    paper = "paper"
    ebook = "ebook"


@pytest.fixture
def kinds(tmp_path: Path) -> Iterator[Any]:
    app = Cupola(
        __name__,
        config={
            "SECRET_KEY": "s" * 40,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'kinds.db'}",
            "ALLOWED_HOSTS": ["localhost"],
            "PASSWORD_HASH_PARAMS": FAST_HASHES,
        },
    )
    db = Database(app)

    class Shelf(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        label: Mapped[str] = mapped_column(String(20))

        def __str__(self) -> str:
            return self.label

    class Item(db.Model):
        __table_args__ = (UniqueConstraint("code", "edition"),)
        id: Mapped[int] = mapped_column(primary_key=True)
        code: Mapped[str] = mapped_column(String(10))
        edition: Mapped[int] = mapped_column(default=1)
        notes: Mapped[str | None] = mapped_column(Text)
        blurb: Mapped[str | None] = mapped_column(String)
        weight: Mapped[float | None] = mapped_column(Float)
        published: Mapped[datetime.date | None]
        stocked_at: Mapped[datetime.datetime | None]
        format: Mapped[Format] = mapped_column(Enum(Format), default=Format.paper)
        shelf_id: Mapped[int | None] = mapped_column(ForeignKey("shelf.id"))
        shelf: Mapped[Shelf | None] = relationship()

        def __str__(self) -> str:
            return f"{self.code}/{self.edition}"

    class User(UserMixin, db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        username: Mapped[str] = mapped_column(String(30))
        password_hash: Mapped[str] = mapped_column(String(200))
        is_staff: Mapped[bool] = mapped_column(default=True)

    Auth(app, user_loader=lambda user_id: db.session.get(User, int(user_id)))
    admin = Admin(
        app,
        db,
        user_lookup=lambda name: db.session.scalar(select(User).where(User.username == name)),
    )

    class ItemAdmin(ModelAdmin):
        list_display = ["__str__", "format", "shelf", "published"]
        search_fields = ["code", "edition", "shelf.label"]
        list_filter = ["format", "shelf", "code", "edition", "published"]

    admin.register(Item, ItemAdmin)
    with app.app_context():
        db.create_all()
        top = Shelf(label="Top")
        db.session.add_all(
            [
                User(
                    username="staff",
                    password_hash=hash_password(PASSWORD, ScryptParams(**FAST_HASHES)),
                ),
                Item(code="A1", edition=2, published=datetime.date(2020, 5, 1), shelf=top),
                Item(code="B2", format=Format.ebook),
            ]
        )
        db.session.commit()
    app.kinds = (db, Item, Shelf)  # type: ignore[attr-defined]
    yield app
    with app.app_context():
        db.dispose()


@pytest.fixture
def staff_client(kinds: Cupola, protocol: str) -> Iterator[TestClient]:
    with kinds.test_client(protocol) as client:  # type: ignore[arg-type]
        assert log_in(client).status_code == 302
        yield client


def test_each_kind_gets_its_field(staff_client: TestClient) -> None:
    page = staff_client.get("/admin/item/add/").text
    assert '<textarea class="form-control" id="notes" name="notes">' in page
    assert '<textarea class="form-control" id="blurb" name="blurb">' in page  # String() unbounded
    assert 'id="weight" name="weight" step="any" type="number"' in page
    assert 'id="published" name="published" type="date"' in page
    assert 'id="stocked_at" name="stocked_at" type="datetime-local"' in page
    assert '<option selected value="paper">paper</option>' in page  # the enum default
    assert '<option value="">---------</option>' in page  # a nullable relationship
    assert 'id="edition" name="edition" type="number" value="1"' in page  # the column default


def test_numbers_say_what_to_type(staff_client: TestClient) -> None:
    form = staff_client.get("/admin/item/add/").text
    data = {"code": "C3", "edition": "two", "weight": "heavy", "format": "paper"}
    refused = staff_client.post("/admin/item/add/", data={**data, "csrf_token": token(form)})
    assert "Enter a whole number." in refused.text and "Enter a number." in refused.text


def test_an_empty_optional_number_keeps_the_default_and_a_constraint_is_a_form_error(
    kinds: Cupola, staff_client: TestClient
) -> None:
    form = staff_client.get("/admin/item/add/").text
    data = {"code": "C3", "edition": "", "format": "ebook", "shelf": "1", "csrf_token": token(form)}
    assert staff_client.post("/admin/item/add/", data=data).status_code == 302
    db, Item, _ = kinds.kinds  # type: ignore[attr-defined]
    with kinds.app_context():
        item = db.session.scalar(select(Item).where(Item.code == "C3"))
        assert (item.edition, item.format, item.shelf.label) == (1, Format.ebook, "Top")
    again = staff_client.post("/admin/item/add/", data=data)  # code and edition together taken
    assert again.status_code == 200
    assert "A item with these values already exists." in again.text


def test_the_change_form_shows_choices_and_relations(staff_client: TestClient) -> None:
    page = staff_client.get("/admin/item/1/change/").text
    assert '<option selected value="1">Top</option>' in page
    assert '<option selected value="paper">paper</option>' in page
    assert 'value="2020-05-01"' in page


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("format=ebook", ["B2"]),
        ("format=vinyl", ["A1", "B2"]),  # not a choice: ignored
        ("shelf=1", ["A1"]),
        ("shelf=", ["B2"]),  # empty: a nullable field's NULL
        ("code=B2", ["B2"]),
        ("edition=2", ["A1"]),
        ("edition=x", ["A1", "B2"]),
        ("published=2020-05-01", ["A1"]),
        ("published=yesterday", ["A1", "B2"]),
        ("q=2", ["A1", "B2"]),  # a number searched as text: edition 2 and code B2
        ("q=top", ["A1"]),
    ],
)
def test_filters_and_search_of_every_kind(
    staff_client: TestClient, query: str, codes: list[str]
) -> None:
    page = staff_client.get(f"/admin/item/?{query}").text
    shown = sorted(code for code in ("A1", "B2") if f">{code}/" in page)
    assert shown == codes


def test_filter_links_of_every_kind(staff_client: TestClient) -> None:
    page = staff_client.get("/admin/item/").text
    for link in ('href="?format=ebook"', 'href="?shelf=1"', 'href="?code=A1"', 'href="?edition=2"'):
        assert link in page
    assert 'href="?published=2020-05-01"' in page


def test_without_a_user_lookup_logins_go_to_the_apps_login_url(tmp_path: Path) -> None:
    app = Cupola(
        __name__,
        config={
            "SECRET_KEY": "s" * 40,
            "ALLOWED_HOSTS": ["localhost"],
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
        },
    )
    db = Database(app)
    Auth(app, user_loader=lambda user_id: None)
    Admin(app, db)

    @app.get("/accounts/login", endpoint="account_login")
    def login() -> str:
        return "the app's own"

    client = app.test_client()
    assert client.get("/admin/").headers["location"] == "/login?next=%2Fadmin%2F"
    app.config["LOGIN_URL"] = "account_login"
    assert client.get("/admin/login/?next=/admin/").headers["location"] == (
        "/accounts/login?next=%2Fadmin%2F"
    )


def test_an_incomplete_login_form_is_refused(client: TestClient) -> None:
    page = client.get("/admin/login/").text
    refused = client.post("/admin/login/", data={"username": "staff", "csrf_token": token(page)})
    assert refused.status_code == 200
    assert "Please enter the correct username and password" in refused.text


def test_a_model_needs_a_one_column_key() -> None:
    class Base(MetaData):
        pass

    from sqlalchemy.orm import DeclarativeBase

    class Model(DeclarativeBase):
        pass

    class Pair(Model):
        __tablename__ = "pair"
        left: Mapped[int] = mapped_column(primary_key=True)
        right: Mapped[int] = mapped_column(primary_key=True)

    with pytest.raises(ImproperlyConfigured, match="one-column key"):
        ModelAdmin(Pair)


def test_the_history_table_is_declared_once_and_admins_read_well() -> None:
    metadata = MetaData()
    assert history_table(metadata) is history_table(metadata)

    from sqlalchemy.orm import DeclarativeBase

    class Model(DeclarativeBase):
        pass

    class Note(Model):
        __tablename__ = "note"
        id: Mapped[int] = mapped_column(primary_key=True)

    model_admin = ModelAdmin(Note)
    assert repr(model_admin) == "<ModelAdmin for Note>"
    assert model_admin.value_for(Note(id=3), "id") == 3
    assert model_admin.label_for("__str__") == "Note"
