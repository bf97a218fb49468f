"""Cupola with async views, served as ASGI (`app.asgi`)."""

from common import FORM_FIELDS, MESSAGE, PLAINTEXT, ROUTE_COUNT, ROWS

from cupola import Cupola, Response, render

app = Cupola(__name__)


@app.get("/plaintext")
async def plaintext():
    return Response(PLAINTEXT.encode(), content_type="text/plain")


@app.get("/json")
async def json():
    return MESSAGE


def make_route(number):
    async def route(item_id: int):
        return {"route": number, "id": item_id}

    route.__name__ = route.__qualname__ = f"route_{number}"
    return route


for i in range(ROUTE_COUNT):
    app.get(f"/r{i}/<int:item_id>")(make_route(i))


@app.get("/template")
async def template():
    return render("table.html", rows=ROWS)


@app.post("/form")
async def form(request):
    data = request.form
    return {name: data.get(name) for name in FORM_FIELDS}


asgi = app.asgi
