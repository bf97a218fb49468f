from cupola import Cupola

app = Cupola(__name__)


@app.get("/")
def hello():
    return "<p>Hello, world!</p>"
