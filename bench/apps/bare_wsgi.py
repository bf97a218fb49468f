"""The floor: a hand-written WSGI callable doing each scenario's work and nothing else.

``wsgi`` sends the least a response needs (content type and length). ``safe_wsgi`` is the
same callable sending the head Cupola sends by default: those two plus the four security
headers of its safe defaults, so that comparing Cupola with it leaves the cost of the
headers themselves out.
"""

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
TEXT = "text/plain; charset=utf-8"
HTML = "text/html; charset=utf-8"
JSON = "application/json"
SECURITY_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
]
PLAIN_BODY = PLAINTEXT.encode()
ROUTES = {f"r{i}": i for i in range(ROUTE_COUNT)}


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


def make_app(extra_headers):
    """The callable, sending ``extra_headers`` after the content type."""
    heads = {kind: [("Content-Type", kind), *extra_headers] for kind in (TEXT, HTML, JSON)}

    def respond(start_response, status, kind, body):
        start_response(status, [*heads[kind], ("Content-Length", str(len(body)))])
        return [body]

    def app(environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
        view = STATIC.get((method, path))
        if view is not None:
            kind, body = view(environ)
            return respond(start_response, "200 OK", kind, body)
        parts = path.split("/")
        if method == "GET" and len(parts) == 3 and parts[1] in ROUTES and parts[2].isdigit():
            body = dumps({"route": ROUTES[parts[1]], "id": int(parts[2])})
            return respond(start_response, "200 OK", JSON, body)
        return respond(start_response, "404 Not Found", TEXT, b"Not Found")

    return app


wsgi = make_app(())
safe_wsgi = make_app(SECURITY_HEADERS)
