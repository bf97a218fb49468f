from cupola import Cupola, current_app, render

app = Cupola(__name__, config={"SITE_NAME": "Cupola Books"})


@app.context_processor
def site():
    return {"site_name": current_app.config["SITE_NAME"]}


@app.template_filter()
def money(cents):
    return f"${cents / 100:,.2f}"


@app.template_filter("initials")
def initials_filter(name):
    return ".".join(part[0] for part in name.split()) + "."


@app.template_global()
def plural(count, word):
    return word if count == 1 else f"{word}s"


@app.get("/summary")
def summary():
    return render("summary.html", author="Jane Austen", count=2, total_cents=164900)
