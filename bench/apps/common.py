"""Data shared by every benchmark app, so each framework does the same work."""

import os
import sqlite3
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
JINJA_DIR = HERE / "templates"
DJANGO_DIR = HERE / "django_templates"

PLAINTEXT = "Hello, World!"
MESSAGE = {"message": "Hello, World!"}
ROUTE_COUNT = 100
FORM_FIELDS = tuple(f"f{i}" for i in range(10))

# Sessions and CSRF: GET /login puts USER in a new signed-cookie session and answers
# {"field": <the framework's CSRF form field>, "token": <a CSRF token for that session>};
# GET /session answers session_text(session["user"]).
SECRET_KEY = "bench-only-not-secret-0123456789abcdef"  # 32+ characters: cupola serve checks
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]  # the harness sends Host: 127.0.0.1:<port>
USER = "alice"


def session_text(user):
    return f"Hello, {user}!"

# 20 rows; every name needs escaping so autoescape does real work.
ROWS = [
    {"id": i, "name": f"Widget {i} <Deluxe> & Co", "price": round(i * 3.75 + 0.99, 2)}
    for i in range(1, 21)
]


# Database scenarios: a SQLite file of ITEM_COUNT rows, item(id, name, price), made once.
ITEM_COUNT = 1000
DB_ITEM_ID = 500  # db_read fetches this row by primary key
DB_PAGE, DB_PER_PAGE = 3, 20  # db_page: this page of the rows ordered by id, with a count
DB_PATH = Path(tempfile.gettempdir()) / f"cupola-bench-items-{ITEM_COUNT}.db"


def item_json(item_id, name, price):
    return {"id": item_id, "name": name, "price": price}


def item_row(item_id):
    return item_id, f"Item {item_id}", round(item_id * 1.25, 2)


def ensure_items_db():
    """Create DB_PATH with its rows unless it exists (written aside, then renamed)."""
    if DB_PATH.exists():
        return str(DB_PATH)
    partial = DB_PATH.with_suffix(f".{os.getpid()}.tmp")
    with sqlite3.connect(partial) as connection:
        connection.execute(
            "CREATE TABLE item (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, "
            "price FLOAT NOT NULL)"
        )
        connection.executemany(
            "INSERT INTO item VALUES (?, ?, ?)", [item_row(i) for i in range(1, ITEM_COUNT + 1)]
        )
    connection.close()
    os.replace(partial, DB_PATH)
    return str(DB_PATH)


# REST scenarios, on a SQLite file of each process's own (fresh_rest_db): the item rows
# and an empty note table. rest_list: GET /api/items/?page=REST_PAGE, REST_PAGE_SIZE items
# through a model serializer, in the page-number envelope {"count", "next", "previous",
# "results"} (items as {"id", "name", "price"}). rest_create: POST /api/notes/ with NOTE_BODY
# (JSON), validated (name: a string of at most 100 characters; price: a number) and inserted
# into the note table; answers 201 with {"id", "name", "price"}.
REST_PAGE, REST_PAGE_SIZE = 3, 20
NOTE_BODY = {"name": "Widget", "price": 9.99}


def fresh_rest_db(tag):
    """A new SQLite file with the item rows and an empty note table, for one process.

    In memory-backed /dev/shm where there is one: rest_create commits a row per request,
    and a disk's fsync would be most of what is measured, the same for every framework.
    """
    shm = Path("/dev/shm")
    folder = shm if shm.is_dir() else Path(tempfile.gettempdir())
    path = folder / f"cupola-bench-rest-{tag}-{os.getpid()}.db"
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as connection:
        for table in ("item", "note"):
            connection.execute(
                f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, "
                "price FLOAT NOT NULL)"
            )
        connection.executemany(
            "INSERT INTO item VALUES (?, ?, ?)", [item_row(i) for i in range(1, ITEM_COUNT + 1)]
        )
    connection.close()
    return str(path)
