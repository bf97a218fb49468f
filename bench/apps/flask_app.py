"""Flask anchor (WSGI).

`app` (served as `wsgi`) is plain Flask, for the core scenarios. `web` (served as
`web_wsgi`) is Flask as an app with sessions and forms is set up: a SECRET_KEY for Flask's
signed-cookie session and Flask-WTF's CSRFProtect on every unsafe request; it serves the
session and form_csrf scenarios. They are two apps because CSRFProtect's before_request
hook and the session signer cost every request something, and the core scenarios keep
measuring Flask without them.
"""

from common import (
    FORM_FIELDS,
    MESSAGE,
    PLAINTEXT,
    ROUTE_COUNT,
    ROWS,
    SECRET_KEY,
    USER,
    session_text,
)
from flask import Flask, render_template, request, session
from flask_wtf.csrf import CSRFProtect, generate_csrf

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


web = Flask(__name__)
web.config["SECRET_KEY"] = SECRET_KEY
csrf = CSRFProtect(web)


@web.get("/login")
def login():
    session["user"] = USER
    return {"field": web.config["WTF_CSRF_FIELD_NAME"], "token": generate_csrf()}


@web.get("/session")
def session_view():
    return session_text(session["user"]), 200, {"Content-Type": "text/plain"}


@web.post("/form_csrf")
def form_csrf():
    # CSRFProtect has checked the token against the session before the view runs.
    data = request.form
    return {name: data.get(name) for name in FORM_FIELDS}


wsgi = app
web_wsgi = web
