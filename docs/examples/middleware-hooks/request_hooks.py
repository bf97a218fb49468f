import sqlite3

from cupola import Cupola, g, request

app = Cupola(__name__)

TOKENS = {"s3cret": "ada"}
PUBLIC = {"health"}


@app.before_request
def authenticate():
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    g.user = TOKENS.get(token)
    if g.user is None and request.endpoint not in PUBLIC:
        return {"detail": "Authentication required."}, 401


@app.before_request
def open_database():
    g.db = sqlite3.connect(":memory:")


@app.after_request
def identify(response):
    response.headers["X-User"] = g.user or "anonymous"
    return response


@app.teardown_request
def close_database(exc):
    db = g.pop("db", None)
    if db is not None:
        db.close()


@app.get("/health")
def health():
    return {"ok": True}


@app.get("/me")
def me():
    (answer,) = g.db.execute("select 6 * 7").fetchone()
    return {"user": g.user, "answer": answer}
