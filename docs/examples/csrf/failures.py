from cupola import Cupola, request
from cupola.csrf import CSRFError

app = Cupola(
    __name__,
    config={
        "SECRET_KEY": "dev-only-secret",
        # The shop's pages on other subdomains post to this application.
        "CSRF_TRUSTED_ORIGINS": ["https://*.example.com"],
    },
)


@app.errorhandler(CSRFError)
def csrf_failed(exc):
    return {"error": "csrf", "reason": exc.reason}, 403


@app.post("/newsletter")
def subscribe():
    return {"subscribed": request.form["email"]}
