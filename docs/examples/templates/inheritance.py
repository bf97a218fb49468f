from cupola import Cupola, render

app = Cupola(__name__)

BOOKS = [{"title": "Emma", "year": 1815}, {"title": "Middlemarch", "year": 1871}]


@app.get("/")
def home():
    return render("home.html")


@app.get("/books")
def books():
    return render("books.html", books=BOOKS)
