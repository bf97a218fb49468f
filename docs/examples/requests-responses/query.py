from cupola import Cupola

app = Cupola(__name__)


@app.get("/search")
def search(request):
    args = request.args
    return {
        "q": args.get("q", ""),
        "page": args.get("page", 1, type=int),
        "tags": args.getlist("tag"),
        "keys": list(args),
        "has_sort": "sort" in args,
    }
