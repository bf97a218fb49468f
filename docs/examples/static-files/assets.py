from cupola import Cupola, render

app = Cupola(__name__, config={"STATIC_URL_HASH": True})


@app.get("/")
def home():
    return render("page.html")
