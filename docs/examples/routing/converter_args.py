from cupola import Cupola

app = Cupola(__name__)


@app.get("/archive/<int(fixed_digits=4):year>/<int(min=1, max=12):month>")
def archive(year, month):
    return {"year": year, "month": month}


@app.get("/airports/<string(length=3):code>")
def airport(code):
    return {"code": code.upper()}


@app.get("/adjust/<int(signed=True):delta>")
def adjust(delta):
    return {"delta": delta}


@app.get("/reports/<int:year>.json")
def report(year):
    return {"report": year}
