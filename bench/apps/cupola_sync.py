"""Cupola with sync views: served as WSGI (`app`) and as ASGI (`app.asgi`, thread hop)."""

from common import (
    ALLOWED_HOSTS,
    FORM_FIELDS,
    MESSAGE,
    PLAINTEXT,
    ROUTE_COUNT,
    ROWS,
    SECRET_KEY,
    USER,
    session_text,
)

from cupola import Cupola, Response, render, session
from cupola.csrf import csrf_token

# The default configuration, middleware stack included (proxy headers, trusted hosts,
# security headers, sessions, CSRF), plus the two settings a deployment must give.
app = Cupola(__name__, config={"SECRET_KEY": SECRET_KEY, "ALLOWED_HOSTS": ALLOWED_HOSTS})


@app.get("/plaintext")
def plaintext():
    return Response(PLAINTEXT.encode(), content_type="text/plain")


@app.get("/json")
def json():
    return MESSAGE


def make_route(number):
    def route(item_id: int):
        return {"route": number, "id": item_id}

    route.__name__ = route.__qualname__ = f"route_{number}"
    return route


for i in range(ROUTE_COUNT):
    app.get(f"/r{i}/<int:item_id>")(make_route(i))


@app.get("/template")
def template():
    return render("table.html", rows=ROWS)


@app.post("/form")
def form(request):
    data = request.form
    return {name: data.get(name) for name in FORM_FIELDS}


@app.get("/login")
def login():
    session["user"] = USER
    return {"field": app.config["CSRF_FIELD_NAME"], "token": csrf_token()}


@app.get("/session")
def session_view():
    return Response(session_text(session["user"]).encode(), content_type="text/plain")


@app.post("/form_csrf")
def form_csrf(request):
    # The CSRF middleware has checked the token against the session before the view runs.
    data = request.form
    return {name: data.get(name) for name in FORM_FIELDS}


wsgi = app
asgi = app.asgi
# The database scenarios run on their own app (see cupola_db.py), as Flask's and Django's do.
from cupola_db import wsgi as db_wsgi  # noqa: E402
# The REST scenarios run on their own app (see cupola_rest.py), as REST framework's and
# FastAPI's run on theirs.
from cupola_rest import asgi as rest_asgi  # noqa: E402
from cupola_rest import wsgi as rest_wsgi  # noqa: E402
