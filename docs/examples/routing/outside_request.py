from cupola import Cupola, url_for

app = Cupola(
    __name__,
    config={"SERVER_NAME": "books.example.com", "PREFERRED_URL_SCHEME": "https"},
)


@app.get("/books/<int:book_id>")
def book(book_id):
    return {"id": book_id}


def book_link(book_id):
    """A link for an email sent by a script, outside any request."""
    with app.app_context():
        return url_for("book", book_id=book_id, _external=True)
