import asyncio

from cupola import Cupola, request

app = Cupola(__name__)


@app.get("/sync")
def sync_view():
    return {"kind": "sync", "q": request.args.get("q")}


@app.get("/async")
async def async_view():
    await asyncio.sleep(0)
    return {"kind": "async", "q": request.args.get("q")}


@app.post("/echo/<int:times>")
async def echo(request, times):
    return {"echo": [request.json] * times}
