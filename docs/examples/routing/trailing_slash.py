from cupola import Cupola

app = Cupola(__name__)


@app.get("/projects/")
def projects():
    return "The project page"


@app.get("/about")
def about():
    return "The about page"


@app.get("/feed", strict_slashes=False)
def feed():
    return "The feed"
