from cupola import Cupola, redirect, render, request, url_for

app = Cupola(__name__, config={"SECRET_KEY": "dev-only-secret"})

COMMENTS = []


@app.get("/comments")
def comments():
    return render("comments.html", comments=COMMENTS)


@app.post("/comments")
def add_comment():
    COMMENTS.append(request.form["text"])
    return redirect(url_for("comments"), 303)
