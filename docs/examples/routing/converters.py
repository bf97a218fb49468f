from cupola import Cupola

app = Cupola(__name__)


@app.get("/users/<username>")
def user(username):
    return {"username": username}


@app.get("/orders/<int:order_id>")
def order(order_id):
    return {"order_id": order_id}


@app.get("/rates/<float:rate>")
def rate(rate):
    return {"rate": rate}


@app.get("/files/<path:name>")
def file(name):
    return {"name": name}


@app.get("/tokens/<uuid:token>")
def token(token):
    return {"token": str(token), "version": token.version}


@app.get("/tags/<slug:tag>")
def tag(tag):
    return {"tag": tag}


@app.get("/<any(about, help):page>")
def page(page):
    return {"page": page}
