from cupola import Blueprint, Cupola, url_for

books = Blueprint("books", __name__, url_prefix="/books")


@books.get("/")
def index():
    return {"books": ["Emma", "Middlemarch"], "first": url_for(".show", book_id=1)}


@books.get("/<int:book_id>")
def show(book_id):
    return {"id": book_id, "all": url_for("books.index"), "home": url_for("home")}


app = Cupola(__name__)
app.register_blueprint(books)


@app.get("/")
def home():
    return {"catalogue": url_for("books.index")}
