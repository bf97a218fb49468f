"""Flask anchor (WSGI).

`app` (served as `wsgi`) is plain Flask, for the core scenarios. `web` (served as
`web_wsgi`) is Flask as an app with sessions and forms is set up: a SECRET_KEY for Flask's
signed-cookie session and Flask-WTF's CSRFProtect on every unsafe request; it serves the
session and form_csrf scenarios. They are two apps because CSRFProtect's before_request
hook and the session signer cost every request something, and the core scenarios keep
measuring Flask without them.
"""

from common import (
    FORM_FIELDS,
    MESSAGE,
    PLAINTEXT,
    ROUTE_COUNT,
    ROWS,
    DB_PAGE,
    DB_PER_PAGE,
    SECRET_KEY,
    USER,
    ensure_items_db,
    item_json,
    session_text,
)
from flask import Flask, render_template, request, session
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect, generate_csrf
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

app = Flask(__name__)


@app.get("/plaintext")
def plaintext():
    return PLAINTEXT, 200, {"Content-Type": "text/plain"}


@app.get("/json")
def json():
    return MESSAGE


def make_route(number):
    def route(item_id):
        return {"route": number, "id": item_id}

    return route


for i in range(ROUTE_COUNT):
    app.add_url_rule(f"/r{i}/<int:item_id>", endpoint=f"route_{i}", view_func=make_route(i))


@app.get("/template")
def template():
    return render_template("table.html", rows=ROWS)


@app.post("/form")
def form():
    data = request.form
    return {name: data.get(name) for name in FORM_FIELDS}


web = Flask(__name__)
web.config["SECRET_KEY"] = SECRET_KEY
csrf = CSRFProtect(web)


@web.get("/login")
def login():
    session["user"] = USER
    return {"field": web.config["WTF_CSRF_FIELD_NAME"], "token": generate_csrf()}


@web.get("/session")
def session_view():
    return session_text(session["user"]), 200, {"Content-Type": "text/plain"}


@web.post("/form_csrf")
def form_csrf():
    # CSRFProtect has checked the token against the session before the view runs.
    data = request.form
    return {name: data.get(name) for name in FORM_FIELDS}


# The database scenarios: a third app with Flask-SQLAlchemy, so its teardown hook does not
# weigh on the core scenarios either.
class Base(DeclarativeBase):
    pass


data = Flask(__name__)
data.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{ensure_items_db()}"
db = SQLAlchemy(data, model_class=Base)


class Item(db.Model):
    __tablename__ = "item"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    price: Mapped[float]


@data.get("/db/item/<int:item_id>")
def db_read(item_id):
    item = db.get_or_404(Item, item_id)
    return item_json(item.id, item.name, item.price)


@data.get("/db/items")
def db_page():
    page = db.paginate(select(Item).order_by(Item.id), page=DB_PAGE, per_page=DB_PER_PAGE)
    items = [item_json(i.id, i.name, i.price) for i in page.items]
    return {"count": page.total, "items": items}


wsgi = app
web_wsgi = web
data_wsgi = data
