from cupola import Cupola, Response

app = Cupola(__name__)


@app.get("/html")
def html():
    return "<h1>Hello</h1>"


@app.get("/json")
def json():
    return {"ok": True}


@app.get("/list")
def json_list():
    return [1, 2, 3]


@app.post("/created")
def created():
    return {"id": 1}, 201


@app.get("/tagged")
def tagged():
    return "tagged", {"X-Tag": "blue"}


@app.post("/everything")
def everything():
    return {"id": 2}, 201, {"Location": "/items/2"}


@app.get("/lines")
def lines():
    return (f"line {n}\n" for n in range(3))


@app.get("/ping")
def ping():
    return Response("pong", content_type="text/plain; charset=utf-8")
