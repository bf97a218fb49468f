from cupola import Cupola, abort
from cupola.exceptions import Forbidden, HTTPException

app = Cupola(__name__)

STOCK = {"pen": 3, "ink": 0}


class OutOfStock(Exception):
    def __init__(self, item):
        self.item = item


@app.get("/items/<name>")
def item(name):
    if name not in STOCK:
        abort(404, "No such item.")
    if STOCK[name] == 0:
        raise OutOfStock(name)
    return {"name": name, "stock": STOCK[name]}


@app.get("/admin")
def admin():
    raise Forbidden("Staff only.")


@app.errorhandler(HTTPException)
def http_error(exc):
    return {"error": exc.name, "detail": exc.description}, exc.code, exc.headers


@app.errorhandler(OutOfStock)
def out_of_stock(exc):
    return {"error": "Out of stock", "item": exc.item}, 409
