from markupsafe import Markup

from cupola import Cupola, render

app = Cupola(__name__)


@app.get("/comment")
def comment(request):
    return render(
        "comment.html",
        text=request.args.get("text", ""),
        signature=Markup("<em>The editors</em>"),
    )
