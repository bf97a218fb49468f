"""Flask anchor (WSGI)."""

from common import FORM_FIELDS, MESSAGE, PLAINTEXT, ROUTE_COUNT, ROWS
from flask import Flask, render_template, request

app = Flask(__name__)


@app.get("/plaintext")
def plaintext():
    return PLAINTEXT, 200, {"Content-Type": "text/plain"}


@app.get("/json")
def json():
    return MESSAGE


def make_route(number):
    def route(item_id):
        return {"route": number, "id": item_id}

    return route


for i in range(ROUTE_COUNT):
    app.add_url_rule(f"/r{i}/<int:item_id>", endpoint=f"route_{i}", view_func=make_route(i))


@app.get("/template")
def template():
    return render_template("table.html", rows=ROWS)


@app.post("/form")
def form():
    data = request.form
    return {name: data.get(name) for name in FORM_FIELDS}


wsgi = app
