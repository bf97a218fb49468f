from cupola import Cupola, url_for

app = Cupola(__name__)


@app.get("/users/", defaults={"page": 1})
@app.get("/users/page/<int:page>")
def users(page):
    return {
        "page": page,
        "first": url_for("users", page=1),
        "next": url_for("users", page=page + 1),
    }
