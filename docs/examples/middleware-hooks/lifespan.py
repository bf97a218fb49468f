from cupola import Cupola

app = Cupola(__name__)


@app.on_startup
async def load_rates():
    app.extensions["rates"] = {"EUR": 1.0, "USD": 1.08}  # e.g. fetched from a service


@app.on_shutdown
def drop_rates():
    app.extensions.pop("rates", None)


@app.get("/rates/<code>")
def rate(code):
    return {"code": code, "rate": app.extensions["rates"][code]}
