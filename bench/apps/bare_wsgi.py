"""The floor: a hand-written WSGI callable doing each scenario's work and nothing else."""

from urllib.parse import parse_qsl

import jinja2
from common import FORM_FIELDS, JINJA_DIR, MESSAGE, PLAINTEXT, ROUTE_COUNT, ROWS

try:
    from orjson import dumps
except ImportError:  # pragma: no cover
    import json

    def dumps(obj):
        return json.dumps(obj, separators=(",", ":")).encode()


env = jinja2.Environment(loader=jinja2.FileSystemLoader(JINJA_DIR), autoescape=True)
table = env.get_template("table.html")
TEXT = [("Content-Type", "text/plain; charset=utf-8")]
HTML = [("Content-Type", "text/html; charset=utf-8")]
JSON = [("Content-Type", "application/json")]
PLAIN_BODY = PLAINTEXT.encode()
ROUTES = {f"r{i}": i for i in range(ROUTE_COUNT)}


def respond(start_response, status, headers, body):
    start_response(status, [*headers, ("Content-Length", str(len(body)))])
    return [body]


def plaintext(environ):
    return TEXT, PLAIN_BODY


def json_view(environ):
    return JSON, dumps(MESSAGE)


def template(environ):
    return HTML, table.render(rows=ROWS).encode()


def form(environ):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    data = dict(parse_qsl(environ["wsgi.input"].read(length).decode()))
    return JSON, dumps({name: data.get(name) for name in FORM_FIELDS})


STATIC = {
    ("GET", "/plaintext"): plaintext,
    ("GET", "/json"): json_view,
    ("GET", "/template"): template,
    ("POST", "/form"): form,
}


def app(environ, start_response):
    method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
    view = STATIC.get((method, path))
    if view is not None:
        headers, body = view(environ)
        return respond(start_response, "200 OK", headers, body)
    parts = path.split("/")
    if method == "GET" and len(parts) == 3 and parts[1] in ROUTES and parts[2].isdigit():
        body = dumps({"route": ROUTES[parts[1]], "id": int(parts[2])})
        return respond(start_response, "200 OK", JSON, body)
    return respond(start_response, "404 Not Found", TEXT, b"Not Found")


wsgi = app
