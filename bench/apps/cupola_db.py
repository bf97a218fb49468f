"""Cupola with cupola.db (SQLAlchemy 2) on SQLite: the db_read and db_page scenarios.

A separate app from cupola_sync, as Flask's and Django's database apps are separate from
their core ones; the same default configuration and middleware stack.
"""

from common import (
    ALLOWED_HOSTS,
    DB_PAGE,
    DB_PER_PAGE,
    SECRET_KEY,
    ensure_items_db,
    item_json,
)
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from cupola import Cupola
from cupola.db import Database

app = Cupola(
    __name__,
    config={
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": ALLOWED_HOSTS,
        "DATABASE_URL": f"sqlite:///{ensure_items_db()}",
    },
)
db = Database(app)


class Item(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    price: Mapped[float]


@app.get("/db/item/<int:item_id>")
def db_read(item_id: int):
    item = db.get_or_404(Item, item_id)
    return item_json(item.id, item.name, item.price)


@app.get("/db/items")
def db_page():
    page = db.paginate(select(Item).order_by(Item.id), page=DB_PAGE, per_page=DB_PER_PAGE)
    items = [item_json(i.id, i.name, i.price) for i in page.items]
    return {"count": page.total, "items": items}


wsgi = app
