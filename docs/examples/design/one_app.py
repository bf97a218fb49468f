from cupola import Cupola

app = Cupola(__name__)


@app.get("/items/<int:item_id>")
def item(request, item_id):
    return {"id": item_id, "q": request.args.get("q")}


@app.post("/items")
async def create(request):
    return {"created": request.json["name"]}, 201


wsgi_application = app  # gunicorn module:wsgi_application
asgi_application = app.asgi  # uvicorn module:asgi_application
