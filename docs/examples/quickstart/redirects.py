from cupola import Cupola, abort, redirect, render, url_for

app = Cupola(__name__)


@app.get("/")
def index():
    return redirect(url_for("login"))


@app.get("/login")
def login():
    abort(401)


@app.errorhandler(404)
def page_not_found(error):
    return render("page_not_found.html"), 404
