from cupola import Cupola

app = Cupola(__name__, config={"DEBUG": True, "SECRET_KEY": "development only"})


def price_of(book, api_key):
    return book["price"]


@app.get("/books/<int:book_id>/price")
def price(book_id):
    book = {"id": book_id, "title": "Emma"}
    try:
        return {"price": price_of(book, api_key="sk-live-123")}
    except KeyError as exc:
        raise RuntimeError(f"book {book_id} has no price") from exc
