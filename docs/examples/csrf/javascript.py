from cupola import Cupola, render, session

app = Cupola(__name__, config={"SECRET_KEY": "dev-only-secret"})


@app.get("/")
def page():
    return render("likes.html")


@app.post("/likes")
def like():
    session["likes"] = session.get("likes", 0) + 1
    return {"likes": session["likes"]}
