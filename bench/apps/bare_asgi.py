"""The floor: a hand-written ASGI callable doing each scenario's work and nothing else."""

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
TEXT = b"text/plain; charset=utf-8"
HTML = b"text/html; charset=utf-8"
JSON = b"application/json"
PLAIN_BODY = PLAINTEXT.encode()
ROUTES = {f"r{i}": i for i in range(ROUTE_COUNT)}


async def read_body(receive):
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def plaintext(scope, receive):
    return TEXT, PLAIN_BODY


async def json_view(scope, receive):
    return JSON, dumps(MESSAGE)


async def template(scope, receive):
    return HTML, table.render(rows=ROWS).encode()


async def form(scope, receive):
    data = dict(parse_qsl((await read_body(receive)).decode()))
    return JSON, dumps({name: data.get(name) for name in FORM_FIELDS})


STATIC = {
    ("GET", "/plaintext"): plaintext,
    ("GET", "/json"): json_view,
    ("GET", "/template"): template,
    ("POST", "/form"): form,
}


async def respond(send, status, content_type, body):
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def lifespan(receive, send):
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        return await lifespan(receive, send)
    method, path = scope["method"], scope["path"]
    view = STATIC.get((method, path))
    if view is not None:
        content_type, body = await view(scope, receive)
        return await respond(send, 200, content_type, body)
    parts = path.split("/")
    if method == "GET" and len(parts) == 3 and parts[1] in ROUTES and parts[2].isdigit():
        body = dumps({"route": ROUTES[parts[1]], "id": int(parts[2])})
        return await respond(send, 200, JSON, body)
    return await respond(send, 404, TEXT, b"Not Found")


asgi = app
