"""Bottle anchor (WSGI). Jinja2 environment with autoescape, like the others."""

import bottle
import jinja2
from common import FORM_FIELDS, JINJA_DIR, MESSAGE, PLAINTEXT, ROUTE_COUNT, ROWS

app = bottle.Bottle()
env = jinja2.Environment(loader=jinja2.FileSystemLoader(JINJA_DIR), autoescape=True)


@app.get("/plaintext")
def plaintext():
    bottle.response.content_type = "text/plain"
    return PLAINTEXT


@app.get("/json")
def json():
    return MESSAGE


def make_route(number):
    def route(item_id):
        return {"route": number, "id": item_id}

    return route


for i in range(ROUTE_COUNT):
    app.route(f"/r{i}/<item_id:int>", "GET", make_route(i))


@app.get("/template")
def template():
    return env.get_template("table.html").render(rows=ROWS)


@app.post("/form")
def form():
    data = bottle.request.forms
    return {name: data.getunicode(name) for name in FORM_FIELDS}


wsgi = app
