from cupola import Cupola, url_for

app = Cupola(__name__)


@app.get("/")
def index():
    return {
        "index": url_for("index"),
        "login": url_for("login", next="/"),
        "profile": url_for("profile", username="John Doe"),
    }


@app.get("/login")
def login():
    return "login"


@app.get("/user/<username>")
def profile(username):
    return {"username": username}
