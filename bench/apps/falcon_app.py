"""Falcon anchor (WSGI). Jinja2 environment with autoescape for the template scenario."""

import falcon
import jinja2
from common import FORM_FIELDS, JINJA_DIR, MESSAGE, PLAINTEXT, ROUTE_COUNT, ROWS

env = jinja2.Environment(loader=jinja2.FileSystemLoader(JINJA_DIR), autoescape=True)


class PlaintextResource:
    def on_get(self, req, resp):
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = PLAINTEXT


class JSONResource:
    def on_get(self, req, resp):
        resp.media = MESSAGE


class RouteResource:
    def __init__(self, number):
        self.number = number

    def on_get(self, req, resp, item_id):
        resp.media = {"route": self.number, "id": item_id}


class TemplateResource:
    def on_get(self, req, resp):
        resp.content_type = falcon.MEDIA_HTML
        resp.text = env.get_template("table.html").render(rows=ROWS)


class FormResource:
    def on_post(self, req, resp):
        data = req.get_media()
        resp.media = {name: data.get(name) for name in FORM_FIELDS}


app = falcon.App()
app.add_route("/plaintext", PlaintextResource())
app.add_route("/json", JSONResource())
for i in range(ROUTE_COUNT):
    app.add_route(f"/r{i}/{{item_id:int}}", RouteResource(i))
app.add_route("/template", TemplateResource())
app.add_route("/form", FormResource())

wsgi = app
