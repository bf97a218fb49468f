"""A small app with a blueprint, for `cupola routes`."""

from __future__ import annotations

from cupola import Blueprint, Cupola

app = Cupola(__name__, static_folder=None)


@app.get("/")
def index() -> str:
    return "index"


@app.post("/contact")
def contact() -> str:
    return "sent"


books = Blueprint("books", __name__, url_prefix="/books")


@books.get("/")
def list_books() -> list[str]:
    return []


@books.route("/<int:book_id>", methods=["GET", "PUT", "DELETE"])
def show(book_id: int) -> dict[str, int]:
    return {"id": book_id}


app.register_blueprint(books)
