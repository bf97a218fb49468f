from cupola import Cupola

app = Cupola(__name__)


@app.post("/signup")
def signup(request):
    form = request.form
    return {"email": form.get("email"), "topics": form.getlist("topic")}


@app.post("/api/items")
async def create_item(request):
    item = request.json
    return {"name": item["name"]}, 201


@app.post("/webhook")
def webhook(request):
    payload = request.get_data()
    return {"bytes": len(payload), "signature": request.headers.get("X-Signature")}
