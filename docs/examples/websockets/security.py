from cupola import Cupola

app = Cupola(
    __name__,
    config={
        "SECRET_KEY": "dev-only-secret",
        "ALLOWED_HOSTS": ["books.example.com"],
        # Pages on these origins may open WebSockets to this app, too.
        "CSRF_TRUSTED_ORIGINS": ["https://www.example.com"],
        "WEBSOCKET_MAX_MESSAGE_SIZE": 64 * 1024,
    },
)


@app.post("/login")
def login(request):
    request.session["reader"] = request.form["name"]
    return {"reader": request.form["name"]}


@app.websocket("/ws/whoami")
async def whoami(ws):
    await ws.accept()
    await ws.send_json({"reader": ws.session.get("reader")})
