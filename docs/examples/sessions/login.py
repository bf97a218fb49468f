import hmac

from cupola import Cupola, flash, redirect, render, request, session, url_for

app = Cupola(__name__, config={"SECRET_KEY": "dev-only-secret"})

# A real application keeps password hashes in a database.
PASSWORDS = {"ada": "correct horse battery staple"}


def check_password(username, password):
    expected = PASSWORDS.get(username)
    return expected is not None and hmac.compare_digest(expected.encode(), password.encode())


@app.get("/")
def home():
    return render("home.html", user=session.get("user"))


@app.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        username = request.form.get("username", "")
        if check_password(username, request.form.get("password", "")):
            session.regenerate()  # a new identity at login: no session fixation
            session["user"] = username
            session.permanent = "remember" in request.form
            flash(f"Welcome back, {username}.")
            return redirect(url_for("home"))
        flash("Wrong user name or password.", "error")
    return render("login.html")


@app.post("/logout")
def logout():
    session.clear()
    flash("You are signed out.")
    return redirect(url_for("home"))
