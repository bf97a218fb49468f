from cupola import Cupola, request

app = Cupola(__name__)


class PaymentDeclined(Exception):
    pass


@app.post("/pay")
def pay():
    raise PaymentDeclined("card expired")


@app.get("/crash")
def crash():
    raise RuntimeError("a bug")


@app.errorhandler(PaymentDeclined)
def payment_declined(exc):
    return {"error": "Payment declined."}, 402


@app.errorhandler(404)
def not_found(exc):
    return {"error": "Not found.", "path": request.path}, 404


@app.errorhandler(500)
def server_error(exc):
    return {"error": "Something went wrong on our side."}, 500
