from cupola import Cupola, render

app = Cupola(__name__)


@app.get("/hello/")
@app.get("/hello/<name>")
def hello(name=None):
    return render("hello.html", name=name)
