from cupola import Cupola, abort, session

app = Cupola(__name__, config={"SECRET_KEY": "dev-only-secret"})

BOOKS = {1: "Emma", 2: "Middlemarch", 3: "Persuasion", 4: "Villette"}


@app.get("/books/<int:book_id>")
def book(book_id):
    if book_id not in BOOKS:
        abort(404)
    recent = session.get("recent", [])
    if book_id in recent:
        recent.remove(book_id)
    recent.append(book_id)  # a change inside a value: the session cannot see it…
    session["recent"] = recent[-3:]  # …until the key is set again
    return {"title": BOOKS[book_id]}


@app.get("/recent")
def recently_viewed():
    return {"recent": [BOOKS[book_id] for book_id in reversed(session.get("recent", []))]}
