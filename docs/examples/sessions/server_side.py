import os

from cupola import Cupola, session
from cupola.csrf import csrf_token

app = Cupola(
    __name__,
    config={
        "SECRET_KEY": "dev-only-secret",
        # One process: "memory://". Several processes or machines: "redis://host:6379/0".
        "SESSION_BACKEND": os.environ.get("SESSION_BACKEND", "memory://"),
    },
)


@app.get("/drafts")
def drafts():
    return {"drafts": session.get("drafts", []), "csrf_token": csrf_token()}


@app.post("/drafts")
def add_draft(request):
    session["drafts"] = [*session.get("drafts", []), request.json["text"]]
    return {"count": len(session["drafts"])}, 201


@app.post("/logout")
def logout():
    session.clear()  # the data leaves the store: a copy of the cookie is worthless now
    return {"signed_out": True}
