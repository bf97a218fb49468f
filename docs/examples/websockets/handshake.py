from cupola import Blueprint, Cupola, Middleware, Response, request, session

app = Cupola(__name__, config={"SECRET_KEY": "dev-only-secret"})
members = Blueprint("members", __name__, url_prefix="/members")
API_KEYS = {"k-123"}


class ApiKeys(Middleware):
    def process_handshake(self, request):
        key = request.args.get("key")
        if key is not None and key not in API_KEYS:
            return Response("Unknown key.", 401)
        return None


app.add_middleware(ApiKeys)


@members.before_request(websocket=True)
def signed_in_only():
    if "reader" not in session:
        return "Sign in first.", 401


@members.get("/")
def home():
    return {"reader": session["reader"]}


@members.websocket("/feed")
async def feed(ws):
    await ws.accept()
    await ws.send_json({"hello": ws.session["reader"]})


app.register_blueprint(members)


@app.post("/login")
def login():
    session["reader"] = request.form["name"]
    return {"reader": session["reader"]}
