from cupola import Cupola, request

app = Cupola(__name__)


@app.get("/search")
def search():
    query = request.args.get("q", "")
    page = request.args.get("page", 1, type=int)
    return {"q": query, "page": page}


@app.post("/notes")
async def add_note(request):
    note = request.json
    return {"saved": note["text"], "by": request.headers.get("X-User", "anonymous")}, 201
