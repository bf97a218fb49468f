from cupola import Cupola

app = Cupola(__name__)


@app.get("/")
def index():
    return "index"


@app.route("/articles", methods=["GET", "POST"])
def articles(request):
    return f"{request.method} articles"


@app.put("/articles/<int:article_id>")
def replace_article(article_id):
    return {"replaced": article_id}


@app.delete("/articles/<int:article_id>", endpoint="remove_article")
def delete(article_id):
    return "", 204
