from cupola import Cupola

app = Cupola(__name__)


@app.get("/greet")
def greet(request):
    name = request.args.get("name", "guest")
    return f"Hello, {len(name)}-letter name!", {"X-Greeted": name}
