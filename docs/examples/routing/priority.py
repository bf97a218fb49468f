from cupola import Cupola

app = Cupola(__name__)


@app.get("/items/<name>")
def by_name(name):
    return f"item named {name}"


@app.get("/items/<int:item_id>")
def by_id(item_id):
    return f"item number {item_id}"


@app.get("/items/new")
def new_item():
    return "new item form"
