import hmac

from cupola import Blueprint, Cupola, abort, g, request
from cupola.csrf import csrf_exempt

app = Cupola(__name__, config={"SECRET_KEY": "dev-only-secret"})

API_TOKENS = {"tok-ada": "ada"}
WEBHOOK_SECRET = b"whsec-from-the-payment-provider"

# Every view of the API authenticates with a token, never with the session cookie.
api = csrf_exempt(Blueprint("api", __name__, url_prefix="/api"))


@api.before_request
def authenticate():
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    g.user = API_TOKENS.get(token)
    if g.user is None:
        abort(401)


@api.post("/notes")
def add_note():
    return {"author": g.user, "text": request.json["text"]}, 201


app.register_blueprint(api)


@app.post("/hooks/payments")
@csrf_exempt
def payment_hook():
    signature = request.headers.get("X-Signature", "")
    expected = hmac.new(WEBHOOK_SECRET, request.get_data(), "sha256").hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        abort(403)
    return {"received": True}
