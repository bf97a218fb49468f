from cupola import Cupola, url_for

app = Cupola(__name__)


@app.get("/books/<int:book_id>")
def book(book_id):
    return {
        "query": url_for("book", book_id=book_id, format="print"),
        "anchor": url_for("book", book_id=book_id, _anchor="reviews"),
        "external": url_for("book", book_id=book_id, _external=True),
        "repeated": url_for("search", tag=["poetry", "french"]),
    }


@app.get("/search")
def search(request):
    return {"tags": request.args.getlist("tag")}
